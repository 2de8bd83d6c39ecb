//! Policy variables: `${aws:username}`, `${aws:PrincipalTag/team, 'default'}`, and the special
//! `${*}`, `${?}`, `${$}`.
//!
//! Source: IAM User Guide, `reference_policies_variables.html`. Variables are recognised only
//! under `Version: 2012-10-17`; under `2008-10-17` the same text is literal, which is the caller's
//! choice (see [`crate::document::Version::supports_variables`]).

/// A piece of text that may contain policy variables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pub parts: Vec<TemplatePart>,
}

/// A literal run or a variable reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TemplatePart {
    /// Literal text. Special variables `${*}`, `${?}`, `${$}` become literal `*`, `?`, `$` and are
    /// marked so that wildcard matching treats them as plain characters.
    Literal(String),
    /// A `*`, `?` or `$` written as `${*}`, `${?}` or `${$}`: it matches only itself, even in
    /// patterns where a bare `*` is a wildcard.
    Escaped(char),
    /// `${key}` or `${key, 'default'}`.
    Variable(Variable),
}

/// A variable reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variable {
    /// The context key, as written (keys compare case-insensitively).
    pub key: String,
    /// The default value used when the key is absent from the request.
    pub default: Option<String>,
}

impl Template {
    /// Splits text into literals and variables. Text that is not a well-formed `${...}` stays
    /// literal, as IAM treats it.
    pub fn parse(text: &str) -> Template {
        let mut parts: Vec<TemplatePart> = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            let (before, after) = rest.split_at(start);
            literal.push_str(before);
            let body_and_more = after.get(2..).unwrap_or("");
            match body_and_more.find('}') {
                Some(end) => {
                    let body = body_and_more.get(..end).unwrap_or("");
                    match parse_body(body) {
                        Some(part) => {
                            if !literal.is_empty() {
                                parts.push(TemplatePart::Literal(std::mem::take(&mut literal)));
                            }
                            parts.push(part);
                        }
                        None => {
                            literal.push_str("${");
                            literal.push_str(body);
                            literal.push('}');
                        }
                    }
                    rest = body_and_more.get(end + 1..).unwrap_or("");
                }
                None => {
                    literal.push_str(after);
                    rest = "";
                }
            }
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            parts.push(TemplatePart::Literal(literal));
        }
        Template { parts }
    }

    /// Whether the text holds at least one variable reference.
    pub fn has_variables(&self) -> bool {
        self.parts
            .iter()
            .any(|part| matches!(part, TemplatePart::Variable(_)))
    }

    /// The variables referenced, in order.
    pub fn variables(&self) -> impl Iterator<Item = &Variable> {
        self.parts.iter().filter_map(|part| match part {
            TemplatePart::Variable(variable) => Some(variable),
            _ => None,
        })
    }
}

/// Reads the inside of `${...}`; `None` when it is not a variable.
fn parse_body(body: &str) -> Option<TemplatePart> {
    match body {
        "*" => return Some(TemplatePart::Escaped('*')),
        "?" => return Some(TemplatePart::Escaped('?')),
        "$" => return Some(TemplatePart::Escaped('$')),
        _ => {}
    }
    let (key, default) = match body.split_once(',') {
        Some((key, default)) => {
            // The documented form is `${key, 'default'}`: a comma, a space, a single-quoted value.
            let default = default.trim_start();
            let default = default.strip_prefix('\'')?.strip_suffix('\'')?;
            (key.trim_end(), Some(default.to_owned()))
        }
        None => (body, None),
    };
    if key.is_empty() || !key.chars().all(is_key_char) {
        return None;
    }
    Some(TemplatePart::Variable(Variable {
        key: key.to_owned(),
        default,
    }))
}

/// Characters allowed in a context-key name inside `${...}` (service prefix, colon, name, and a
/// tag-key suffix after `/`).
fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, ':' | '/' | '-' | '_' | '.' | '+' | '=' | '@')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variable(key: &str, default: Option<&str>) -> TemplatePart {
        TemplatePart::Variable(Variable {
            key: key.to_owned(),
            default: default.map(str::to_owned),
        })
    }

    #[test]
    fn plain_text_is_one_literal() {
        assert_eq!(
            Template::parse("arn:aws:s3:::bucket/*").parts,
            vec![TemplatePart::Literal("arn:aws:s3:::bucket/*".into())]
        );
        assert!(Template::parse("").parts.is_empty());
    }

    #[test]
    fn variables_and_defaults() {
        assert_eq!(
            Template::parse("home/${aws:username}/*").parts,
            vec![
                TemplatePart::Literal("home/".into()),
                variable("aws:username", None),
                TemplatePart::Literal("/*".into()),
            ]
        );
        assert_eq!(
            Template::parse("${aws:PrincipalTag/team, 'company-wide'}").parts,
            vec![variable("aws:PrincipalTag/team", Some("company-wide"))]
        );
    }

    #[test]
    fn special_variables_are_escapes() {
        assert_eq!(
            Template::parse("a${*}b${?}${$}").parts,
            vec![
                TemplatePart::Literal("a".into()),
                TemplatePart::Escaped('*'),
                TemplatePart::Literal("b".into()),
                TemplatePart::Escaped('?'),
                TemplatePart::Escaped('$'),
            ]
        );
    }

    #[test]
    fn malformed_references_stay_literal() {
        for text in ["${", "a${b", "${}", "${a b}", "${x, default}", "$x}"] {
            let template = Template::parse(text);
            assert!(!template.has_variables(), "{text}");
            assert_eq!(
                template.parts,
                vec![TemplatePart::Literal(text.into())],
                "{text}"
            );
        }
    }
}
