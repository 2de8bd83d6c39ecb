//! Action patterns: `service:ActionName`, with `*` and `?` wildcards, or `*` alone.
//!
//! Source: IAM User Guide, `reference_policies_elements_action.html`: "The prefix and the action
//! name are case insensitive"; wildcards may appear anywhere in the name.

use std::fmt;

/// A parsed `Action`/`NotAction` value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ActionPattern {
    /// `*`: every action of every service.
    Any,
    /// `service:name`, where `name` may hold `*` and `?`.
    Service { service: String, name: String },
}

/// Why a text is not an action pattern.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    #[error("`{0}` has no service prefix (expected `service:Action`, e.g. `s3:GetObject`)")]
    NoPrefix(String),
    #[error("`{0}` has an invalid service prefix (letters, digits and `-` only, no wildcards)")]
    BadService(String),
    #[error("`{0}` has an invalid action name (letters, digits, `*` and `?` only)")]
    BadName(String),
}

impl ActionPattern {
    pub fn parse(text: &str) -> Result<ActionPattern, ActionError> {
        if text == "*" {
            return Ok(ActionPattern::Any);
        }
        let Some((service, name)) = text.split_once(':') else {
            return Err(ActionError::NoPrefix(text.to_owned()));
        };
        if service.is_empty()
            || !service
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(ActionError::BadService(text.to_owned()));
        }
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '*' | '?' | '-' | '_'))
        {
            return Err(ActionError::BadName(text.to_owned()));
        }
        Ok(ActionPattern::Service {
            service: service.to_owned(),
            name: name.to_owned(),
        })
    }

    /// Whether the name part holds a wildcard (or the whole pattern is `*`).
    pub fn has_wildcard(&self) -> bool {
        match self {
            ActionPattern::Any => true,
            ActionPattern::Service { name, .. } => name.contains(['*', '?']),
        }
    }

    /// The service prefix, or `None` for `*`.
    pub fn service(&self) -> Option<&str> {
        match self {
            ActionPattern::Any => None,
            ActionPattern::Service { service, .. } => Some(service),
        }
    }
}

impl fmt::Display for ActionPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActionPattern::Any => f.write_str("*"),
            ActionPattern::Service { service, name } => write!(f, "{service}:{name}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_patterns() {
        assert_eq!(ActionPattern::parse("*"), Ok(ActionPattern::Any));
        let pattern = ActionPattern::parse("s3:Get*").unwrap();
        assert_eq!(pattern.service(), Some("s3"));
        assert!(pattern.has_wildcard());
        assert!(!ActionPattern::parse("iam:PassRole").unwrap().has_wildcard());
        assert_eq!(pattern.to_string(), "s3:Get*");
    }

    #[test]
    fn refuses_malformed_patterns() {
        assert!(matches!(
            ActionPattern::parse("GetObject"),
            Err(ActionError::NoPrefix(_))
        ));
        assert!(matches!(
            ActionPattern::parse("s*:GetObject"),
            Err(ActionError::BadService(_))
        ));
        assert!(matches!(
            ActionPattern::parse(":GetObject"),
            Err(ActionError::BadService(_))
        ));
        assert!(matches!(
            ActionPattern::parse("s3:"),
            Err(ActionError::BadName(_))
        ));
        assert!(matches!(
            ActionPattern::parse("s3:Get:Object"),
            Err(ActionError::BadName(_))
        ));
    }
}
