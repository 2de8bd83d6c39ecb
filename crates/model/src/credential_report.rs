//! The IAM credential report: one row per user plus the root user, 22 columns.
//!
//! Column meanings follow the IAM User Guide, `id_credentials_getting-report.html`
//! §"Understanding the report format": `N/A` means not applicable, `no_information` means never
//! used (or used before tracking began), `not_supported` appears for the root user's password
//! columns.

use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, Arn, Timestamp};

/// The 22 column names, in the order AWS writes them.
pub const CREDENTIAL_REPORT_COLUMNS: [&str; 22] = [
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
];

/// An account's credential report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialReport {
    pub account_id: AccountId,
    /// When AWS generated the report (`GeneratedTime`), when known.
    pub generated_time: Option<Timestamp>,
    pub rows: Vec<CredentialReportRow>,
}

impl CredentialReport {
    /// The root user's row.
    pub fn root(&self) -> Option<&CredentialReportRow> {
        self.rows.iter().find(|r| r.user == ReportUser::Root)
    }

    /// Orders rows by ARN.
    pub fn normalize(&mut self) {
        self.rows.sort_by(|a, b| a.arn.cmp(&b.arn));
    }
}

/// Whose row it is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportUser {
    /// `<root_account>`.
    Root,
    User(String),
}

/// A report cell: a value, or one of the three words AWS writes instead of one.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportValue<T> {
    Value(T),
    /// `N/A`: the column does not apply (no password, no key).
    NotApplicable,
    /// `no_information`: never used, or last used before AWS tracked it.
    NoInformation,
    /// `not_supported`: the column does not exist for this user (root's password columns).
    NotSupported,
}

impl<T> ReportValue<T> {
    pub fn value(&self) -> Option<&T> {
        match self {
            ReportValue::Value(value) => Some(value),
            _ => None,
        }
    }
}

/// One row of the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialReportRow {
    pub user: ReportUser,
    pub arn: Arn,
    pub user_creation_time: ReportValue<Timestamp>,
    pub password_enabled: ReportValue<bool>,
    pub password_last_used: ReportValue<Timestamp>,
    pub password_last_changed: ReportValue<Timestamp>,
    pub password_next_rotation: ReportValue<Timestamp>,
    pub mfa_active: ReportValue<bool>,
    pub access_key_1: AccessKeyColumns,
    pub access_key_2: AccessKeyColumns,
    pub cert_1: CertificateColumns,
    pub cert_2: CertificateColumns,
}

/// The five columns of one access key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessKeyColumns {
    pub active: ReportValue<bool>,
    pub last_rotated: ReportValue<Timestamp>,
    pub last_used_date: ReportValue<Timestamp>,
    pub last_used_region: ReportValue<String>,
    pub last_used_service: ReportValue<String>,
}

/// The two columns of one signing certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateColumns {
    pub active: ReportValue<bool>,
    pub last_rotated: ReportValue<Timestamp>,
}
