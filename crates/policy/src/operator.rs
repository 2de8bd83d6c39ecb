//! Condition operators: every documented family, the `IfExists` suffix and the
//! `ForAllValues:`/`ForAnyValue:` set qualifiers.
//!
//! Source: IAM User Guide, `reference_policies_elements_condition_operators.html` and
//! `reference_policies_condition-single-vs-multi-valued-context-keys.html`.

use std::fmt;

/// The family an operator belongs to; it decides how values are read and compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OperatorFamily {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    IpAddress,
    Arn,
    Null,
}

impl OperatorFamily {
    pub fn as_str(self) -> &'static str {
        match self {
            OperatorFamily::String => "String",
            OperatorFamily::Numeric => "Numeric",
            OperatorFamily::Date => "Date",
            OperatorFamily::Bool => "Bool",
            OperatorFamily::Binary => "Binary",
            OperatorFamily::IpAddress => "IpAddress",
            OperatorFamily::Arn => "Arn",
            OperatorFamily::Null => "Null",
        }
    }
}

/// The operator without qualifiers, e.g. `StringLike` in `ForAnyValue:StringLikeIfExists`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BaseOperator {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

impl BaseOperator {
    /// Every base operator, in documentation order.
    pub const ALL: [BaseOperator; 27] = [
        BaseOperator::StringEquals,
        BaseOperator::StringNotEquals,
        BaseOperator::StringEqualsIgnoreCase,
        BaseOperator::StringNotEqualsIgnoreCase,
        BaseOperator::StringLike,
        BaseOperator::StringNotLike,
        BaseOperator::NumericEquals,
        BaseOperator::NumericNotEquals,
        BaseOperator::NumericLessThan,
        BaseOperator::NumericLessThanEquals,
        BaseOperator::NumericGreaterThan,
        BaseOperator::NumericGreaterThanEquals,
        BaseOperator::DateEquals,
        BaseOperator::DateNotEquals,
        BaseOperator::DateLessThan,
        BaseOperator::DateLessThanEquals,
        BaseOperator::DateGreaterThan,
        BaseOperator::DateGreaterThanEquals,
        BaseOperator::Bool,
        BaseOperator::BinaryEquals,
        BaseOperator::IpAddress,
        BaseOperator::NotIpAddress,
        BaseOperator::ArnEquals,
        BaseOperator::ArnLike,
        BaseOperator::ArnNotEquals,
        BaseOperator::ArnNotLike,
        BaseOperator::Null,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BaseOperator::StringEquals => "StringEquals",
            BaseOperator::StringNotEquals => "StringNotEquals",
            BaseOperator::StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            BaseOperator::StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
            BaseOperator::StringLike => "StringLike",
            BaseOperator::StringNotLike => "StringNotLike",
            BaseOperator::NumericEquals => "NumericEquals",
            BaseOperator::NumericNotEquals => "NumericNotEquals",
            BaseOperator::NumericLessThan => "NumericLessThan",
            BaseOperator::NumericLessThanEquals => "NumericLessThanEquals",
            BaseOperator::NumericGreaterThan => "NumericGreaterThan",
            BaseOperator::NumericGreaterThanEquals => "NumericGreaterThanEquals",
            BaseOperator::DateEquals => "DateEquals",
            BaseOperator::DateNotEquals => "DateNotEquals",
            BaseOperator::DateLessThan => "DateLessThan",
            BaseOperator::DateLessThanEquals => "DateLessThanEquals",
            BaseOperator::DateGreaterThan => "DateGreaterThan",
            BaseOperator::DateGreaterThanEquals => "DateGreaterThanEquals",
            BaseOperator::Bool => "Bool",
            BaseOperator::BinaryEquals => "BinaryEquals",
            BaseOperator::IpAddress => "IpAddress",
            BaseOperator::NotIpAddress => "NotIpAddress",
            BaseOperator::ArnEquals => "ArnEquals",
            BaseOperator::ArnLike => "ArnLike",
            BaseOperator::ArnNotEquals => "ArnNotEquals",
            BaseOperator::ArnNotLike => "ArnNotLike",
            BaseOperator::Null => "Null",
        }
    }

    pub fn family(self) -> OperatorFamily {
        use BaseOperator as B;
        match self {
            B::StringEquals
            | B::StringNotEquals
            | B::StringEqualsIgnoreCase
            | B::StringNotEqualsIgnoreCase
            | B::StringLike
            | B::StringNotLike => OperatorFamily::String,
            B::NumericEquals
            | B::NumericNotEquals
            | B::NumericLessThan
            | B::NumericLessThanEquals
            | B::NumericGreaterThan
            | B::NumericGreaterThanEquals => OperatorFamily::Numeric,
            B::DateEquals
            | B::DateNotEquals
            | B::DateLessThan
            | B::DateLessThanEquals
            | B::DateGreaterThan
            | B::DateGreaterThanEquals => OperatorFamily::Date,
            B::Bool => OperatorFamily::Bool,
            B::BinaryEquals => OperatorFamily::Binary,
            B::IpAddress | B::NotIpAddress => OperatorFamily::IpAddress,
            B::ArnEquals | B::ArnLike | B::ArnNotEquals | B::ArnNotLike => OperatorFamily::Arn,
            B::Null => OperatorFamily::Null,
        }
    }

    /// Negated operators ("Not" operators) match when the key is absent, and combine several
    /// policy values with NOR rather than OR
    /// (`reference_policies_condition-logic-multiple-context-keys-or-values.html`).
    pub fn is_negated(self) -> bool {
        use BaseOperator as B;
        matches!(
            self,
            B::StringNotEquals
                | B::StringNotEqualsIgnoreCase
                | B::StringNotLike
                | B::NumericNotEquals
                | B::DateNotEquals
                | B::NotIpAddress
                | B::ArnNotEquals
                | B::ArnNotLike
        )
    }

    /// The positive operator a negated one is the complement of (`StringNotLike` → `StringLike`).
    pub fn positive(self) -> BaseOperator {
        use BaseOperator as B;
        match self {
            B::StringNotEquals => B::StringEquals,
            B::StringNotEqualsIgnoreCase => B::StringEqualsIgnoreCase,
            B::StringNotLike => B::StringLike,
            B::NumericNotEquals => B::NumericEquals,
            B::DateNotEquals => B::DateEquals,
            B::NotIpAddress => B::IpAddress,
            B::ArnNotEquals => B::ArnEquals,
            B::ArnNotLike => B::ArnLike,
            other => other,
        }
    }

    /// Whether values of this operator may contain policy variables
    /// (`reference_policies_variables.html`; Bool per the current operators page, see
    /// `docs/known-differences.md`).
    pub fn accepts_variables(self) -> bool {
        matches!(
            self.family(),
            OperatorFamily::String | OperatorFamily::Arn | OperatorFamily::Bool
        )
    }

    fn parse(text: &str) -> Option<Self> {
        BaseOperator::ALL
            .into_iter()
            .find(|operator| operator.as_str().eq_ignore_ascii_case(text))
    }
}

/// `ForAllValues:` or `ForAnyValue:`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    ForAllValues,
    ForAnyValue,
}

impl SetQualifier {
    pub fn as_str(self) -> &'static str {
        match self {
            SetQualifier::ForAllValues => "ForAllValues",
            SetQualifier::ForAnyValue => "ForAnyValue",
        }
    }
}

/// A complete condition operator such as `ForAnyValue:StringLikeIfExists`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConditionOperator {
    pub qualifier: Option<SetQualifier>,
    pub base: BaseOperator,
    pub if_exists: bool,
}

/// Why an operator name was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OperatorError {
    #[error("`{0}` is not a condition operator")]
    Unknown(String),
    #[error("`Null` cannot take `IfExists`")]
    NullIfExists,
    #[error("`Null` cannot take a set qualifier (`{0}`)")]
    NullQualified(String),
}

impl ConditionOperator {
    pub fn new(base: BaseOperator) -> Self {
        Self {
            qualifier: None,
            base,
            if_exists: false,
        }
    }

    /// Parses an operator name. Matching is case-insensitive, as IAM accepts.
    pub fn parse(text: &str) -> Result<Self, OperatorError> {
        let unknown = || OperatorError::Unknown(text.to_owned());
        let (qualifier, rest) = match text.split_once(':') {
            Some((prefix, rest)) => {
                let qualifier = if prefix.eq_ignore_ascii_case("ForAllValues") {
                    SetQualifier::ForAllValues
                } else if prefix.eq_ignore_ascii_case("ForAnyValue") {
                    SetQualifier::ForAnyValue
                } else {
                    return Err(unknown());
                };
                (Some(qualifier), rest)
            }
            None => (None, text),
        };
        let (base, if_exists) = match BaseOperator::parse(rest) {
            Some(base) => (base, false),
            None => {
                let split = rest
                    .len()
                    .checked_sub("IfExists".len())
                    .ok_or_else(unknown)?;
                let (head, tail) = (rest.get(..split), rest.get(split..));
                match (head, tail) {
                    (Some(head), Some(tail)) if tail.eq_ignore_ascii_case("IfExists") => {
                        (BaseOperator::parse(head).ok_or_else(unknown)?, true)
                    }
                    _ => return Err(unknown()),
                }
            }
        };
        if base == BaseOperator::Null {
            if if_exists {
                return Err(OperatorError::NullIfExists);
            }
            if let Some(qualifier) = qualifier {
                return Err(OperatorError::NullQualified(qualifier.as_str().to_owned()));
            }
        }
        Ok(Self {
            qualifier,
            base,
            if_exists,
        })
    }

    pub fn family(self) -> OperatorFamily {
        self.base.family()
    }

    pub fn is_negated(self) -> bool {
        self.base.is_negated()
    }
}

impl fmt::Display for ConditionOperator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(qualifier) = self.qualifier {
            write!(f, "{}:", qualifier.as_str())?;
        }
        f.write_str(self.base.as_str())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operator_round_trips_with_every_modifier() {
        for base in BaseOperator::ALL {
            for qualifier in [
                None,
                Some(SetQualifier::ForAllValues),
                Some(SetQualifier::ForAnyValue),
            ] {
                for if_exists in [false, true] {
                    let operator = ConditionOperator {
                        qualifier,
                        base,
                        if_exists,
                    };
                    let text = operator.to_string();
                    let parsed = ConditionOperator::parse(&text);
                    if base == BaseOperator::Null && (if_exists || qualifier.is_some()) {
                        assert!(parsed.is_err(), "{text} must be refused");
                    } else {
                        assert_eq!(parsed, Ok(operator), "{text}");
                    }
                }
            }
        }
    }

    #[test]
    fn parsing_is_case_insensitive() {
        let operator = ConditionOperator::parse("forallvalues:stringlikeifexists").unwrap();
        assert_eq!(operator.qualifier, Some(SetQualifier::ForAllValues));
        assert_eq!(operator.base, BaseOperator::StringLike);
        assert!(operator.if_exists);
    }

    #[test]
    fn unknown_operators_are_refused() {
        for text in [
            "",
            "StringEqual",
            "IfExists",
            "ForSomeValues:StringEquals",
            "StringEqualsIfExist",
            ":StringEquals",
        ] {
            assert!(ConditionOperator::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn negation_pairs() {
        for base in BaseOperator::ALL {
            if base.is_negated() {
                assert!(!base.positive().is_negated());
                assert_eq!(base.positive().family(), base.family());
            } else {
                assert_eq!(base.positive(), base);
            }
        }
    }
}
