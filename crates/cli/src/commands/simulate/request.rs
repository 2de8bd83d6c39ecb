//! Reading the request side of a simulation from flags: actions, resources, context keys, tags
//! and organization facts.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, bail};
use iamwatch_catalog::Catalog;
use iamwatch_policy::arn::Arn;
use iamwatch_policy::context::ContextValue;

/// An action to simulate, spelled as the service reference spells it when it knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct ActionName {
    pub(super) name: String,
    /// Whether the bundled service reference lists the action.
    pub(super) known: bool,
}

/// The actions of `--action` and `--actions-from`, wildcards expanded, duplicates dropped (the
/// first spelling wins).
pub(super) fn actions(
    flags: &[String],
    from_file: Option<&Path>,
    warnings: &mut Vec<String>,
) -> anyhow::Result<Vec<ActionName>> {
    let mut written: Vec<String> = flags.to_vec();
    if let Some(path) = from_file {
        written.extend(actions_file(path)?);
    }
    if written.is_empty() {
        bail!("no action to simulate\n  help: pass --action service:Action or --actions-from FILE");
    }
    let catalog = Catalog::get();
    let mut out: Vec<ActionName> = Vec::new();
    let mut push = |name: &str, known: bool| {
        if !out.iter().any(|seen| seen.name.eq_ignore_ascii_case(name)) {
            out.push(ActionName {
                name: name.to_owned(),
                known,
            });
        }
    };
    for action in &written {
        let action = action.trim();
        match action.split_once(':') {
            Some((service, name))
                if !service.is_empty()
                    && !name.is_empty()
                    && !service.contains(['*', '?'])
                    && !action.contains(char::is_whitespace) => {}
            _ => bail!(
                "`{action}` is not an action\n  help: write `service:Action`, e.g. `s3:GetObject` \
                 (a wildcard in the name, `s3:Get*`, stands for the actions it matches)"
            ),
        }
        if action.contains(['*', '?']) {
            let expanded = catalog.expand(action);
            if expanded.is_empty() {
                bail!(
                    "`{action}` matches no action of the bundled service reference ({})",
                    catalog.source()
                );
            }
            for known in expanded {
                push(known.full_name(), true);
            }
        } else if let Some(known) = catalog.action(action) {
            push(known.full_name(), true);
        } else {
            warnings.push(format!(
                "`{action}` is not in the bundled service reference ({}); it is simulated as \
                 written",
                catalog.source()
            ));
            push(action, false);
        }
    }
    Ok(out)
}

/// A file of actions: a JSON list of strings, or one action per line with `#` comments.
fn actions_file(path: &Path) -> anyhow::Result<Vec<String>> {
    let origin = path.display();
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read `{origin}`"))?;
    if text.trim_start().starts_with('[') {
        return serde_json::from_str::<Vec<String>>(&text).map_err(|error| {
            anyhow::anyhow!(
                "{origin}:{}:{}: not a JSON list of actions: {error}",
                error.line(),
                error.column()
            )
        });
    }
    Ok(text
        .lines()
        .map(|line| {
            line.split_once('#')
                .map_or(line, |(before, _)| before)
                .trim()
        })
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect())
}

/// A resource of `--resource`: `*` or an ARN.
pub(super) fn resource_arn(text: &str) -> anyhow::Result<String> {
    if text == "*" {
        return Ok(text.to_owned());
    }
    match Arn::parse(text) {
        Ok(_) => Ok(text.to_owned()),
        Err(error) => bail!(
            "{error}\n  help: pass a resource ARN such as `arn:aws:s3:::bucket/key`, or `*` for \
             actions that take no resource"
        ),
    }
}

/// A 12-digit AWS account ID.
pub(super) fn account_id(flag: &str, text: &str) -> anyhow::Result<String> {
    if text.len() == 12 && text.bytes().all(|byte| byte.is_ascii_digit()) {
        Ok(text.to_owned())
    } else {
        bail!("{flag}: `{text}` is not an account ID (12 digits)")
    }
}

/// An organization ID: `o-` and 10 to 32 lower-case letters or digits (Organizations API
/// Reference, `Organization.Id` pattern `^o-[a-z0-9]{10,32}$`).
pub(super) fn org_id(flag: &str, text: &str) -> anyhow::Result<String> {
    let valid = text.strip_prefix("o-").is_some_and(|rest| {
        (10..=32).contains(&rest.len())
            && rest
                .bytes()
                .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit())
    });
    if valid {
        Ok(text.to_owned())
    } else {
        bail!(
            "{flag}: `{text}` is not an organization ID (`o-` and 10 to 32 lower-case letters or digits)"
        )
    }
}

/// An organization path as `aws:PrincipalOrgPaths` holds it: `o-id/r-id/ou-id/…/`.
pub(super) fn org_path(flag: &str, text: &str) -> anyhow::Result<String> {
    if text.starts_with("o-") && text.contains("/r-") && text.ends_with('/') {
        Ok(text.to_owned())
    } else {
        bail!(
            "{flag}: `{text}` is not an organization path\n  help: write \
             `o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/`, ending with `/`"
        )
    }
}

/// Tags given as `key=value`.
pub(super) fn tags(flag: &str, values: &[String]) -> anyhow::Result<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = Vec::with_capacity(values.len());
    for value in values {
        let Some((key, tag_value)) = value.split_once('=').filter(|(key, _)| !key.is_empty())
        else {
            bail!("{flag}: `{value}` is not `key=value`");
        };
        // Tag keys are case-insensitive in IAM; one key given twice is a mistake.
        if out.iter().any(|(seen, _)| seen.eq_ignore_ascii_case(key)) {
            bail!("{flag}: tag `{key}` is given twice");
        }
        out.push((key.to_owned(), tag_value.to_owned()));
    }
    Ok(out)
}

/// Context keys given as `key=value`, `key=[a,b]`, `key=[]` or `key=["a,b","c"]`.
///
/// A key the service reference types as multivalued (`ArrayOf…`) given a plain value becomes a
/// one-value set: the request decides whether a key is multivalued
/// (`reference_policies_condition-single-vs-multi-valued-context-keys.html`), and a request for
/// such a key always carries a set.
pub(super) fn context(
    values: &[String],
    warnings: &mut Vec<String>,
) -> anyhow::Result<BTreeMap<String, ContextValue>> {
    let catalog = Catalog::get();
    let mut out: BTreeMap<String, ContextValue> = BTreeMap::new();
    for text in values {
        let (key, value) = context_entry(text)?;
        if out.keys().any(|seen| seen.eq_ignore_ascii_case(&key)) {
            bail!("--context: key `{key}` is given twice (keys are case-insensitive)");
        }
        let key_type = catalog.condition_key_type(&key);
        if key_type.is_none() {
            warnings.push(format!(
                "context key `{key}` is neither a global condition key nor a key of a service in \
                 the bundled service reference"
            ));
        }
        let value = match value {
            ContextValue::Single(single) if key_type.is_some_and(|t| t.is_multivalued()) => {
                ContextValue::Multi(vec![single])
            }
            other => other,
        };
        out.insert(key, value);
    }
    Ok(out)
}

fn context_entry(text: &str) -> anyhow::Result<(String, ContextValue)> {
    let help = "write `key=value`, `key=[a,b]` for a multivalued key, `key=[]` for an empty set, \
                or `key=[\"a,b\",\"c\"]` when values hold commas";
    let Some((key, value)) = text.split_once('=') else {
        bail!("--context: `{text}` has no `=`\n  help: {help}");
    };
    let key = key.trim();
    let well_formed = key
        .split_once(':')
        .is_some_and(|(prefix, name)| !prefix.is_empty() && !name.is_empty())
        && !key.contains(char::is_whitespace);
    if !well_formed {
        bail!(
            "--context: `{key}` is not a condition key\n  help: keys are written `prefix:Name`, \
             e.g. `aws:SourceIp` or `s3:prefix`"
        );
    }
    let value = if let Some(inner) = value.strip_prefix('[') {
        let Some(list) = inner.strip_suffix(']') else {
            bail!("--context: the list of `{key}` has no closing `]`\n  help: {help}");
        };
        if list.trim_start().starts_with('"') {
            let values: Vec<String> = serde_json::from_str(value).map_err(|error| {
                anyhow::anyhow!(
                    "--context: the list of `{key}` is not a JSON list of strings: {error}\n  \
                     help: {help}"
                )
            })?;
            ContextValue::Multi(values)
        } else if list.trim().is_empty() {
            ContextValue::Multi(Vec::new())
        } else {
            ContextValue::Multi(list.split(',').map(|v| v.trim().to_owned()).collect())
        }
    } else {
        ContextValue::Single(value.to_owned())
    };
    Ok((key.to_owned(), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(text: &str) -> ContextValue {
        context_entry(text).unwrap().1
    }

    #[test]
    fn context_syntax() {
        assert_eq!(
            entry("aws:SourceIp=203.0.113.5"),
            ContextValue::Single("203.0.113.5".into())
        );
        assert_eq!(
            entry("aws:TagKeys=[a, b]"),
            ContextValue::Multi(vec!["a".into(), "b".into()])
        );
        assert_eq!(entry("aws:TagKeys=[]"), ContextValue::Multi(vec![]));
        assert_eq!(
            entry(r#"aws:TagKeys=["a,b","c"]"#),
            ContextValue::Multi(vec!["a,b".into(), "c".into()])
        );
        assert_eq!(entry("s3:prefix=a=b"), ContextValue::Single("a=b".into()));
        assert!(context_entry("aws:SourceIp").is_err());
        assert!(context_entry("SourceIp=1").is_err());
        assert!(context_entry("aws:TagKeys=[a,b").is_err());
        assert!(context_entry(r#"aws:TagKeys=["a",]"#).is_err());
    }

    #[test]
    fn multivalued_keys_take_a_plain_value_as_a_set() {
        let mut warnings = Vec::new();
        let context = context(&["aws:TagKeys=env".to_owned()], &mut warnings).unwrap();
        assert_eq!(
            context.get("aws:TagKeys"),
            Some(&ContextValue::Multi(vec!["env".into()]))
        );
        assert!(warnings.is_empty());
    }

    #[test]
    fn ids() {
        assert!(org_id("--principal-org-id", "o-a1b2c3d4e5").is_ok());
        assert!(org_id("--principal-org-id", "o-short").is_err());
        assert!(account_id("--resource-account", "111122223333").is_ok());
        assert!(account_id("--resource-account", "11112222333").is_err());
        assert!(org_path("--principal-org-path", "o-a1b2c3d4e5/r-ab12/").is_ok());
        assert!(org_path("--principal-org-path", "r-ab12").is_err());
    }
}
