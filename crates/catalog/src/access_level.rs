//! Access levels of actions.

use std::fmt;

/// The access level AWS assigns to an action in the Service Authorization Reference
/// ("Understanding access level summaries within policy summaries", IAM User Guide).
///
/// Actions that AWS lists as "Permissions management" or "Tagging" are writes as well; they carry
/// the more specific level here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccessLevel {
    /// Lists resources (`s3:ListAllMyBuckets`).
    List,
    /// Reads resources or their metadata (`s3:GetObject`).
    Read,
    /// Creates, changes or deletes resources (`iam:PassRole`, `s3:PutObject`).
    Write,
    /// Grants or changes permissions (`iam:AttachRolePolicy`, `s3:PutBucketPolicy`).
    PermissionsManagement,
    /// Changes only tags (`iam:TagRole`).
    Tagging,
}

impl AccessLevel {
    /// Every level, in the order the data file's codes use.
    pub const ALL: [AccessLevel; 5] = [
        AccessLevel::List,
        AccessLevel::Read,
        AccessLevel::Write,
        AccessLevel::PermissionsManagement,
        AccessLevel::Tagging,
    ];

    /// The name as AWS writes it: `List`, `Read`, `Write`, `Permissions management`, `Tagging`.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
            AccessLevel::Tagging => "Tagging",
        }
    }

    pub(crate) fn from_reference_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == name)
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
