//! Typed identifiers, parsed at the edge: account IDs, ARNs, organization IDs, IAM unique IDs
//! and timestamps.
//!
//! Each type serializes as the plain string AWS uses, so the store can keep them in text and
//! JSON columns, and refuses text of the wrong shape when deserialized.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::err::ValueError;

/// A point in time (UTC, nanosecond precision).
pub type Timestamp = jiff::Timestamp;

/// Parses a timestamp as AWS writes them: ISO 8601 with `Z` or an offset
/// (`2015-02-06T18:39:46Z`, `2014-10-21T20:58:49+00:00`, `2020-01-01T00:00:00.000Z`), or as
/// epoch seconds (the JSON protocol of Organizations and Config writes `1577836800.123`).
pub fn parse_timestamp(text: &str) -> Result<Timestamp, ValueError> {
    let text = text.trim();
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Ok(ts);
    }
    // `2020-01-01T00:00:00` without an offset: AWS means UTC.
    if let Ok(dt) = text.parse::<jiff::civil::DateTime>() {
        if let Ok(zoned) = dt.to_zoned(jiff::tz::TimeZone::UTC) {
            return Ok(zoned.timestamp());
        }
    }
    if let Ok(seconds) = text.parse::<f64>() {
        return timestamp_from_epoch(seconds).ok_or_else(|| ValueError::new("timestamp", text));
    }
    Err(ValueError::new("timestamp", text))
}

/// A timestamp from epoch seconds with a fraction, as AWS JSON protocols write them.
pub fn timestamp_from_epoch(seconds: f64) -> Option<Timestamp> {
    if !seconds.is_finite() {
        return None;
    }
    let whole = seconds.floor();
    let nanos = ((seconds - whole) * 1e9).round();
    #[expect(
        clippy::cast_possible_truncation,
        reason = "whole is finite and floor()ed; out-of-range values are refused by jiff"
    )]
    let whole = whole as i64;
    #[expect(
        clippy::cast_possible_truncation,
        reason = "nanos is in 0..=1e9 after rounding"
    )]
    let nanos = (nanos as i32).min(999_999_999);
    Timestamp::new(whole, nanos).ok()
}

macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident, $kind:literal, $check:expr) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Parses the text, refusing text of the wrong shape.
            pub fn parse(text: &str) -> Result<Self, ValueError> {
                let check: fn(&str) -> bool = $check;
                if check(text) {
                    Ok(Self(text.to_owned()))
                } else {
                    Err(ValueError::new($kind, text))
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Text this crate built from parts of the right shape (the synthetic generator).
            pub(crate) fn trusted(text: String) -> Self {
                debug_assert!(Self::parse(&text).is_ok(), "{text}");
                Self(text)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = ValueError;
            fn from_str(text: &str) -> Result<Self, ValueError> {
                Self::parse(text)
            }
        }

        impl TryFrom<String> for $name {
            type Error = ValueError;
            fn try_from(text: String) -> Result<Self, ValueError> {
                let check: fn(&str) -> bool = $check;
                if check(&text) {
                    Ok(Self(text))
                } else {
                    Err(ValueError::new($kind, &text))
                }
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

fn has_prefix_and_id_chars(text: &str, prefix: &str) -> bool {
    text.strip_prefix(prefix).is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

string_id!(
    /// A 12-digit AWS account ID (`123456789012`).
    AccountId,
    "account ID",
    is_account_id
);

string_id!(
    /// An organization ID (`o-a1b2c3d4e5`).
    OrgId,
    "organization ID",
    |t| has_prefix_and_id_chars(t, "o-")
);

string_id!(
    /// An organization root ID (`r-a1b2`).
    RootId,
    "organization root ID",
    |t| has_prefix_and_id_chars(t, "r-")
);

string_id!(
    /// An organizational unit ID (`ou-a1b2-c3d4e5f6`).
    OuId,
    "organizational unit ID",
    |t| has_prefix_and_id_chars(t, "ou-")
);

string_id!(
    /// An Organizations policy ID (`p-a1b2c3d4`, `p-FullAWSAccess`).
    OrgPolicyId,
    "organization policy ID",
    |t| has_prefix_and_id_chars(t, "p-")
);

string_id!(
    /// An IAM unique ID (`AIDA…` users, `AGPA…` groups, `AROA…` roles, `ANPA…`/`ANPA…`
    /// policies, `AIPA…` instance profiles).
    UniqueId,
    "IAM unique ID",
    |t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric())
);

/// A node of the organization tree: the root, an OU or an account.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum OrgNodeId {
    Root(RootId),
    Ou(OuId),
    Account(AccountId),
}

impl OrgNodeId {
    /// Parses `r-…`, `ou-…` or a 12-digit account ID.
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        if text.starts_with("r-") {
            RootId::parse(text).map(OrgNodeId::Root)
        } else if text.starts_with("ou-") {
            OuId::parse(text).map(OrgNodeId::Ou)
        } else if is_account_id(text) {
            AccountId::parse(text).map(OrgNodeId::Account)
        } else {
            Err(ValueError::new("organization root, OU or account ID", text))
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            OrgNodeId::Root(id) => id.as_str(),
            OrgNodeId::Ou(id) => id.as_str(),
            OrgNodeId::Account(id) => id.as_str(),
        }
    }
}

impl fmt::Display for OrgNodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for OrgNodeId {
    type Error = ValueError;
    fn try_from(text: String) -> Result<Self, ValueError> {
        OrgNodeId::parse(&text)
    }
}

impl From<OrgNodeId> for String {
    fn from(id: OrgNodeId) -> String {
        id.as_str().to_owned()
    }
}

/// An Amazon Resource Name, checked to have the six parts
/// (`arn:partition:service:region:account-id:resource`).
///
/// Kept as text (the form every consumer wants); the parts are sliced out on demand.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Arn(String);

impl Arn {
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        Self::try_from(text.to_owned())
    }

    /// Text this crate built from parts of the right shape (the synthetic generator).
    pub(crate) fn trusted(text: String) -> Self {
        debug_assert!(Self::parse(&text).is_ok(), "{text}");
        Arn(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn part(&self, index: usize) -> &str {
        self.0.splitn(6, ':').nth(index).unwrap_or_default()
    }

    /// `aws`, `aws-cn`, `aws-us-gov`.
    pub fn partition(&self) -> &str {
        self.part(1)
    }

    pub fn service(&self) -> &str {
        self.part(2)
    }

    /// The region; empty for global services (IAM, S3 buckets).
    pub fn region(&self) -> &str {
        self.part(3)
    }

    /// The account field as written: 12 digits, `aws` for AWS managed policies, or empty.
    pub fn account_field(&self) -> &str {
        self.part(4)
    }

    /// The owning account, when the ARN names one.
    pub fn account(&self) -> Option<AccountId> {
        AccountId::parse(self.account_field()).ok()
    }

    /// Everything after the fifth colon (`role/path/name`).
    pub fn resource(&self) -> &str {
        self.part(5)
    }

    /// The text before the first `/` or `:` of the resource part (`role` in `role/path/name`).
    pub fn resource_type(&self) -> &str {
        let resource = self.resource();
        resource.split(['/', ':']).next().unwrap_or(resource)
    }

    /// The last `/`-separated segment of the resource part: the name of an IAM entity
    /// (`name` in `role/path/name`).
    pub fn resource_name(&self) -> &str {
        let resource = self.resource();
        resource.rsplit('/').next().unwrap_or(resource)
    }

    /// The ARN parsed into the policy crate's parts.
    pub fn to_policy_arn(&self) -> iamwatch_policy::arn::Arn {
        iamwatch_policy::arn::Arn {
            partition: self.partition().to_owned(),
            service: self.service().to_owned(),
            region: self.region().to_owned(),
            account: self.account_field().to_owned(),
            resource: self.resource().to_owned(),
        }
    }

    /// Whether this is an AWS managed policy ARN (`arn:aws:iam::aws:policy/…`).
    pub fn is_aws_managed_policy(&self) -> bool {
        self.service() == "iam" && self.account_field() == "aws"
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Arn {
    type Err = ValueError;
    fn from_str(text: &str) -> Result<Self, ValueError> {
        Self::parse(text)
    }
}

impl TryFrom<String> for Arn {
    type Error = ValueError;
    fn try_from(text: String) -> Result<Self, ValueError> {
        match iamwatch_policy::arn::Arn::parse(&text) {
            Ok(_) => Ok(Arn(text)),
            Err(_) => Err(ValueError::new("ARN", &text)),
        }
    }
}

impl From<Arn> for String {
    fn from(arn: Arn) -> String {
        arn.0
    }
}

impl AsRef<str> for Arn {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// A resource tag or an IAM entity tag.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

impl Tag {
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            value: value.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids_are_twelve_digits() {
        assert!(AccountId::parse("123456789012").is_ok());
        assert!(AccountId::parse("12345678901").is_err());
        assert!(AccountId::parse("12345678901a").is_err());
        let id: AccountId = serde_json::from_str("\"111111111111\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"111111111111\"");
        assert!(serde_json::from_str::<AccountId>("\"aws\"").is_err());
    }

    #[test]
    fn arn_parts() {
        let arn = Arn::parse("arn:aws:iam::123456789012:role/path/Admin").unwrap();
        assert_eq!(arn.partition(), "aws");
        assert_eq!(arn.service(), "iam");
        assert_eq!(arn.region(), "");
        assert_eq!(arn.account().unwrap().as_str(), "123456789012");
        assert_eq!(arn.resource(), "role/path/Admin");
        assert_eq!(arn.resource_type(), "role");
        assert_eq!(arn.resource_name(), "Admin");
        assert!(Arn::parse("not-an-arn").is_err());
        assert!(
            Arn::parse("arn:aws:iam::aws:policy/ReadOnlyAccess")
                .unwrap()
                .is_aws_managed_policy()
        );
    }

    #[test]
    fn org_node_ids() {
        assert!(matches!(OrgNodeId::parse("r-ab12"), Ok(OrgNodeId::Root(_))));
        assert!(matches!(
            OrgNodeId::parse("ou-ab12-cdefgh12"),
            Ok(OrgNodeId::Ou(_))
        ));
        assert!(matches!(
            OrgNodeId::parse("210987654321"),
            Ok(OrgNodeId::Account(_))
        ));
        assert!(OrgNodeId::parse("x").is_err());
    }

    #[test]
    fn timestamps_in_every_aws_form() {
        let a = parse_timestamp("2015-02-06T18:39:46Z").unwrap();
        let b = parse_timestamp("2015-02-06T18:39:46+00:00").unwrap();
        let c = parse_timestamp("2015-02-06T18:39:46.000Z").unwrap();
        let d = parse_timestamp("1423247986").unwrap();
        let e = parse_timestamp("2015-02-06T18:39:46").unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(a, d);
        assert_eq!(a, e);
        // boto3 responses dumped with `json.dumps(default=str)`.
        assert_eq!(a, parse_timestamp("2015-02-06 18:39:46+00:00").unwrap());
        assert_eq!(
            parse_timestamp("2015-02-06 18:39:46.250000+00:00")
                .unwrap()
                .subsec_millisecond(),
            250
        );
        assert!(parse_timestamp("yesterday").is_err());
    }
}
