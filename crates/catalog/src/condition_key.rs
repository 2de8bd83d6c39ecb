//! Condition keys and their types.

use std::fmt;
use std::sync::Arc;

use crate::pattern::{Template, has_placeholder, template_matches};

/// The type of a condition key's value, as the Service Authorization Reference lists it
/// ("Condition keys" tables; "IAM JSON policy elements: Condition operators" says which
/// operators fit which type).
///
/// `ArrayOf…` types are multivalued: policies test them with `ForAnyValue:` / `ForAllValues:`
/// ("Single-valued vs. multivalued context keys", IAM User Guide).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConditionKeyType {
    /// `String`.
    String,
    /// `ArrayOfString`.
    ArrayOfString,
    /// `ARN`.
    Arn,
    /// `ArrayOfARN`.
    ArrayOfArn,
    /// `Bool`.
    Bool,
    /// `ArrayOfBool`.
    ArrayOfBool,
    /// `Date`.
    Date,
    /// `ArrayOfDate`.
    ArrayOfDate,
    /// `Numeric`.
    Numeric,
    /// `ArrayOfNumeric`.
    ArrayOfNumeric,
    /// `IPAddress`.
    IpAddress,
    /// `ArrayOfIPAddress`.
    ArrayOfIpAddress,
    /// `Binary`.
    Binary,
    /// `ArrayOfBinary`.
    ArrayOfBinary,
}

impl ConditionKeyType {
    /// Every type.
    pub const ALL: [ConditionKeyType; 14] = [
        ConditionKeyType::String,
        ConditionKeyType::ArrayOfString,
        ConditionKeyType::Arn,
        ConditionKeyType::ArrayOfArn,
        ConditionKeyType::Bool,
        ConditionKeyType::ArrayOfBool,
        ConditionKeyType::Date,
        ConditionKeyType::ArrayOfDate,
        ConditionKeyType::Numeric,
        ConditionKeyType::ArrayOfNumeric,
        ConditionKeyType::IpAddress,
        ConditionKeyType::ArrayOfIpAddress,
        ConditionKeyType::Binary,
        ConditionKeyType::ArrayOfBinary,
    ];

    /// Whether the key holds a set of values (the `ArrayOf…` types).
    pub fn is_multivalued(self) -> bool {
        self != self.element_type()
    }

    /// The type of one value: `ArrayOfString` → `String`; single-valued types are their own.
    pub fn element_type(self) -> Self {
        match self {
            ConditionKeyType::ArrayOfString => ConditionKeyType::String,
            ConditionKeyType::ArrayOfArn => ConditionKeyType::Arn,
            ConditionKeyType::ArrayOfBool => ConditionKeyType::Bool,
            ConditionKeyType::ArrayOfDate => ConditionKeyType::Date,
            ConditionKeyType::ArrayOfNumeric => ConditionKeyType::Numeric,
            ConditionKeyType::ArrayOfIpAddress => ConditionKeyType::IpAddress,
            ConditionKeyType::ArrayOfBinary => ConditionKeyType::Binary,
            single => single,
        }
    }

    /// The name as AWS writes it (`ARN`, `ArrayOfString`, `IPAddress`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionKeyType::String => "String",
            ConditionKeyType::ArrayOfString => "ArrayOfString",
            ConditionKeyType::Arn => "ARN",
            ConditionKeyType::ArrayOfArn => "ArrayOfARN",
            ConditionKeyType::Bool => "Bool",
            ConditionKeyType::ArrayOfBool => "ArrayOfBool",
            ConditionKeyType::Date => "Date",
            ConditionKeyType::ArrayOfDate => "ArrayOfDate",
            ConditionKeyType::Numeric => "Numeric",
            ConditionKeyType::ArrayOfNumeric => "ArrayOfNumeric",
            ConditionKeyType::IpAddress => "IPAddress",
            ConditionKeyType::ArrayOfIpAddress => "ArrayOfIPAddress",
            ConditionKeyType::Binary => "Binary",
            ConditionKeyType::ArrayOfBinary => "ArrayOfBinary",
        }
    }

    pub(crate) fn from_reference_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

impl fmt::Display for ConditionKeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A condition key as the catalogue lists it: `s3:prefix`, `aws:SourceIp`, or a pattern such
/// as `aws:ResourceTag/${TagKey}` that stands for every key with a concrete suffix.
///
/// Cloning is cheap: the name is shared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConditionKey {
    name: Arc<str>,
    key_type: ConditionKeyType,
    pattern: bool,
}

impl ConditionKey {
    pub(crate) fn new(name: &str, key_type: ConditionKeyType) -> Self {
        // Some services write the tag-key placeholder as plain `tag-key`
        // (`secretsmanager:ResourceTag/tag-key` in the Service Authorization Reference); it
        // stands for any tag key, as `${TagKey}` does elsewhere.
        let normalized;
        let name = match name.strip_suffix("/tag-key") {
            Some(stem) => {
                normalized = format!("{stem}/${{TagKey}}");
                normalized.as_str()
            }
            None => name,
        };
        ConditionKey {
            name: Arc::from(name),
            key_type,
            pattern: has_placeholder(name, Template::ConditionKey),
        }
    }

    /// The name in the catalogue's casing, placeholders included (`aws:RequestTag/${TagKey}`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The type of the key's value.
    pub fn key_type(&self) -> ConditionKeyType {
        self.key_type
    }

    /// Whether the name has a placeholder (`${TagKey}`, `<key>`) and so stands for many keys.
    pub fn is_pattern(&self) -> bool {
        self.pattern
    }

    /// Whether a concrete key used in a policy is this key: names compare case-insensitively
    /// and a placeholder matches any non-empty text (`aws:ResourceTag/Env`).
    pub fn matches(&self, key: &str) -> bool {
        if self.pattern {
            template_matches(&self.name, key, Template::ConditionKey)
        } else {
            self.name.eq_ignore_ascii_case(key)
        }
    }
}
