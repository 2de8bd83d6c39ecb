//! Amazon Resource Names: `arn:partition:service:region:account-id:resource`.
//!
//! Source: IAM User Guide, `reference-arns.html`. The resource part is everything after the fifth
//! colon and may itself contain colons and slashes.

use std::fmt;

/// A parsed ARN. The parts are kept as written; patterns (`*`, `?`, policy variables) are allowed
/// in them, so this type serves both concrete ARNs and `Resource` patterns.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Arn {
    pub partition: String,
    pub service: String,
    pub region: String,
    pub account: String,
    pub resource: String,
}

/// Why a text is not an ARN.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ArnError {
    #[error("`{0}` does not start with `arn:`")]
    NoPrefix(String),
    #[error(
        "`{0}` has {1} of the 6 colon-separated parts an ARN needs (arn:partition:service:region:account:resource)"
    )]
    TooFewParts(String, usize),
    #[error("`{0}` has an empty partition or service")]
    EmptyPart(String),
}

impl Arn {
    pub fn parse(text: &str) -> Result<Arn, ArnError> {
        let mut parts = text.splitn(6, ':');
        let prefix = parts.next().unwrap_or_default();
        if prefix != "arn" {
            return Err(ArnError::NoPrefix(text.to_owned()));
        }
        let rest: Vec<&str> = parts.collect();
        let [partition, service, region, account, resource] = rest.as_slice() else {
            return Err(ArnError::TooFewParts(text.to_owned(), rest.len() + 1));
        };
        if partition.is_empty() || service.is_empty() {
            return Err(ArnError::EmptyPart(text.to_owned()));
        }
        Ok(Arn {
            partition: (*partition).to_owned(),
            service: (*service).to_owned(),
            region: (*region).to_owned(),
            account: (*account).to_owned(),
            resource: (*resource).to_owned(),
        })
    }

    /// The resource type: the text before the first `/` or `:` of the resource part
    /// (`role` in `role/path/name`), or the whole part when it has neither (an S3 bucket).
    pub fn resource_type(&self) -> &str {
        self.resource
            .split(['/', ':'])
            .next()
            .unwrap_or(&self.resource)
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account, self.resource
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_six_parts() {
        let arn = Arn::parse("arn:aws:iam::123456789012:role/path/Admin").unwrap();
        assert_eq!(arn.partition, "aws");
        assert_eq!(arn.service, "iam");
        assert_eq!(arn.region, "");
        assert_eq!(arn.account, "123456789012");
        assert_eq!(arn.resource, "role/path/Admin");
        assert_eq!(arn.resource_type(), "role");
        assert_eq!(arn.to_string(), "arn:aws:iam::123456789012:role/path/Admin");
    }

    #[test]
    fn the_resource_part_keeps_its_colons() {
        let arn = Arn::parse("arn:aws:logs:us-east-1:111111111111:log-group:/a/b:*").unwrap();
        assert_eq!(arn.resource, "log-group:/a/b:*");
        assert_eq!(arn.resource_type(), "log-group");
    }

    #[test]
    fn refuses_what_is_not_an_arn() {
        assert!(matches!(Arn::parse("*"), Err(ArnError::NoPrefix(_))));
        assert!(matches!(
            Arn::parse("arn:aws:s3"),
            Err(ArnError::TooFewParts(_, 3))
        ));
        assert!(matches!(
            Arn::parse("arn::s3:::b"),
            Err(ArnError::EmptyPart(_))
        ));
    }
}
