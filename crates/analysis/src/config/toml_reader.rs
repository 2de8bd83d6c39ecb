//! Reading `iamwatch.toml`: the TOML is parsed with positions, then walked key by key so that
//! every error can name the key, point at its line and say what would be accepted.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use iamwatch_model::AccountId;
use iamwatch_policy::action::ActionPattern;

use crate::err::{ConfigError, UnusedRoleParamsError};
use crate::finding::Severity;
use crate::rules::unused_role::UnusedRoleParams;
use crate::rules::{RuleId, edit_distance};
use crate::suppression::Suppression;

use super::AuditConfig;

type Key<'i> = Spanned<std::borrow::Cow<'i, str>>;
type Value<'i> = Spanned<DeValue<'i>>;

const TOP_LEVEL_KEYS: &[&str] = &["known_accounts", "rules", "suppressions"];
const SUPPRESSION_KEYS: &[&str] = &["rule", "resource", "reason", "expires"];

struct Reader<'t> {
    text: &'t str,
    origin: &'t str,
}

impl Reader<'_> {
    fn error(
        &self,
        span: Range<usize>,
        key: Option<&str>,
        message: impl Into<String>,
        help: Option<String>,
    ) -> ConfigError {
        ConfigError::new(self.text, self.origin, span, key, message, help)
    }

    fn unknown_key(&self, key: &Key<'_>, table: &str, allowed: &[&str]) -> ConfigError {
        let name = key.get_ref().as_ref();
        let suggestion = allowed
            .iter()
            .map(|candidate| (edit_distance(candidate, name), *candidate))
            .filter(|(distance, _)| *distance <= 3)
            .min_by_key(|(distance, _)| *distance)
            .map(|(_, candidate)| format!("did you mean `{candidate}`? "))
            .unwrap_or_default();
        let list = allowed
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        self.error(
            key.span(),
            Some(name),
            format!("unknown key `{name}` in {table}"),
            Some(format!("{suggestion}the keys of {table} are {list}")),
        )
    }

    fn wrong_type(
        &self,
        value: &Value<'_>,
        key: &str,
        expected: &str,
        example: &str,
    ) -> ConfigError {
        self.error(
            value.span(),
            Some(key),
            format!(
                "`{key}` must be {expected}, not {}",
                article(value.get_ref().type_str())
            ),
            Some(format!("write it as `{example}`")),
        )
    }

    fn table<'a, 'i>(
        &self,
        value: &'a Value<'i>,
        key: &str,
    ) -> Result<&'a DeTable<'i>, ConfigError> {
        value
            .get_ref()
            .as_table()
            .ok_or_else(|| self.wrong_type(value, key, "a table", &format!("[{key}]")))
    }

    fn bool(&self, value: &Value<'_>, key: &str) -> Result<bool, ConfigError> {
        value.get_ref().as_bool().ok_or_else(|| {
            self.wrong_type(value, key, "a boolean", &format!("{} = true", leaf(key)))
        })
    }

    fn string<'a>(&self, value: &'a Value<'_>, key: &str) -> Result<&'a str, ConfigError> {
        value.get_ref().as_str().ok_or_else(|| {
            self.wrong_type(value, key, "a string", &format!("{} = \"…\"", leaf(key)))
        })
    }

    /// An integer within `range`; `accepts` describes the range for the message.
    fn integer(&self, value: &Value<'_>, key: &str, range: Range<i64>) -> Result<i64, ConfigError> {
        let example = format!("{} = {}", leaf(key), range.start.max(1));
        let integer = value
            .get_ref()
            .as_integer()
            .ok_or_else(|| self.wrong_type(value, key, "an integer", &example))?;
        let number = i64::from_str_radix(integer.as_str(), integer.radix()).map_err(|_| {
            self.error(
                value.span(),
                Some(key),
                format!("`{key}` is too large"),
                None,
            )
        })?;
        if !range.contains(&number) {
            return Err(self.error(
                value.span(),
                Some(key),
                format!(
                    "`{key}` is {number}, outside {} to {}",
                    range.start,
                    range.end - 1
                ),
                Some(format!(
                    "use a whole number from {} to {}",
                    range.start,
                    range.end - 1
                )),
            ));
        }
        Ok(number)
    }

    fn u32_in(&self, value: &Value<'_>, key: &str, range: Range<i64>) -> Result<u32, ConfigError> {
        let number = self.integer(value, key, range)?;
        u32::try_from(number).map_err(|_| {
            self.error(
                value.span(),
                Some(key),
                format!("`{key}` is out of range"),
                None,
            )
        })
    }

    fn strings<'a, 'i>(
        &self,
        value: &'a Value<'i>,
        key: &str,
    ) -> Result<Vec<(&'a str, Range<usize>)>, ConfigError> {
        let array = value.get_ref().as_array().ok_or_else(|| {
            self.wrong_type(
                value,
                key,
                "an array of strings",
                &format!("{} = [\"…\"]", leaf(key)),
            )
        })?;
        array
            .iter()
            .map(|item| {
                item.get_ref()
                    .as_str()
                    .map(|text| (text, item.span()))
                    .ok_or_else(|| {
                        self.wrong_type(item, key, "a string", &format!("{} = [\"…\"]", leaf(key)))
                    })
            })
            .collect()
    }
}

fn leaf(key: &str) -> &str {
    key.rsplit('.').next().unwrap_or(key)
}

fn article(kind: &str) -> String {
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {kind}")
    } else {
        format!("a {kind}")
    }
}

pub(super) fn read(text: &str, origin: &str) -> Result<AuditConfig, ConfigError> {
    let reader = Reader { text, origin };
    let root = DeTable::parse(text).map_err(|error| {
        let span = error.span().unwrap_or(0..0);
        reader.error(
            span,
            None,
            format!("invalid TOML: {}", error.message().trim_end_matches('\n')),
            Some("check the TOML syntax at this position".to_owned()),
        )
    })?;
    let mut config = AuditConfig::default();
    for (key, value) in root.get_ref().iter() {
        match key.get_ref().as_ref() {
            "known_accounts" => {
                // Account IDs must be strings: as integers they lose leading zeros.
                if let Some(item) = value
                    .get_ref()
                    .as_array()
                    .and_then(|array| array.iter().find(|item| !item.get_ref().is_str()))
                {
                    return Err(reader.wrong_type(
                        item,
                        "known_accounts",
                        "a string",
                        "known_accounts = [\"444455556666\"]",
                    ));
                }
                for (text, span) in reader.strings(value, "known_accounts")? {
                    let account = AccountId::parse(text).map_err(|_| {
                        reader.error(
                            span,
                            Some("known_accounts"),
                            format!("`{text}` in `known_accounts` is not a 12-digit account ID"),
                            Some(
                                "write account IDs as 12-digit strings, e.g. \"444455556666\""
                                    .to_owned(),
                            ),
                        )
                    })?;
                    config.known_accounts.insert(account);
                }
            }
            "rules" => read_rules(&reader, reader.table(value, "rules")?, &mut config)?,
            "suppressions" => read_suppressions(&reader, value, &mut config)?,
            _ => return Err(reader.unknown_key(key, "the top level", TOP_LEVEL_KEYS)),
        }
    }
    Ok(config)
}

fn read_rules(
    reader: &Reader<'_>,
    rules: &DeTable<'_>,
    config: &mut AuditConfig,
) -> Result<(), ConfigError> {
    for (key, value) in rules.iter() {
        let name = key.get_ref().as_ref();
        let Some(rule) = RuleId::parse(name) else {
            let help = match RuleId::closest(name) {
                Some(rule) => format!("did you mean `{rule}`? `docs/rules.md` lists every rule"),
                None => "`docs/rules.md` lists every rule ID".to_owned(),
            };
            return Err(reader.error(
                key.span(),
                Some(&format!("rules.{name}")),
                format!("unknown rule `{name}`"),
                Some(help),
            ));
        };
        let section = format!("rules.{rule}");
        let table = reader.table(value, &section)?;
        read_rule(reader, rule, &section, table, config)?;
    }
    Ok(())
}

fn read_rule(
    reader: &Reader<'_>,
    rule: RuleId,
    section: &str,
    table: &DeTable<'_>,
    config: &mut AuditConfig,
) -> Result<(), ConfigError> {
    let mut allowed: Vec<&str> = vec!["enabled", "severity"];
    allowed.extend(rule.info().params.iter().map(|p| p.name));
    let table_name = format!("`[{section}]`");
    // `iam-role-unused` validates its two parameters together.
    let mut unused_max: Option<(i64, Range<usize>)> = None;
    let mut unused_allowlist: Option<(String, Range<usize>)> = None;
    let params = &mut config.params;
    for (key, value) in table.iter() {
        let name = key.get_ref().as_ref();
        let full = format!("{section}.{name}");
        if !allowed.contains(&name) {
            return Err(reader.unknown_key(key, &table_name, &allowed));
        }
        match (rule, name) {
            (_, "enabled") => {
                let enabled = reader.bool(value, &full)?;
                if enabled {
                    config.disabled.remove(&rule);
                } else {
                    config.disabled.insert(rule);
                }
            }
            (_, "severity") => {
                let text = reader.string(value, &full)?;
                let severity = Severity::parse(text).ok_or_else(|| {
                    reader.error(
                        value.span(),
                        Some(&full),
                        format!("`{text}` is not a severity"),
                        Some("use `critical`, `high`, `medium`, `low` or `info`".to_owned()),
                    )
                })?;
                config.severities.insert(rule, severity);
            }
            (RuleId::IamRoleUnused, "max_days_for_last_used") => {
                let integer = value.get_ref().as_integer().ok_or_else(|| {
                    reader.wrong_type(value, &full, "an integer", "max_days_for_last_used = 60")
                })?;
                let number =
                    i64::from_str_radix(integer.as_str(), integer.radix()).unwrap_or(i64::MAX);
                unused_max = Some((number, value.span()));
            }
            (RuleId::IamRoleUnused, "role_allowlist") => {
                unused_allowlist = Some((reader.string(value, &full)?.to_owned(), value.span()));
            }
            (RuleId::AccessKeyNotRotated, "max_key_age_days") => {
                params.max_key_age_days = reader.u32_in(value, &full, 1..3651)?;
            }
            (RuleId::UserCredentialsUnused, "max_unused_days") => {
                params.max_unused_credential_days = reader.u32_in(value, &full, 1..3651)?;
            }
            (RuleId::RootRecentlyUsed, "window_days") => {
                params.root_use_window_days = reader.u32_in(value, &full, 1..401)?;
            }
            (RuleId::PasswordPolicyWeak, "minimum_length") => {
                params.password_baseline.minimum_length = reader.u32_in(value, &full, 6..129)?;
            }
            (RuleId::PasswordPolicyWeak, "require_symbols") => {
                params.password_baseline.require_symbols = reader.bool(value, &full)?;
            }
            (RuleId::PasswordPolicyWeak, "require_numbers") => {
                params.password_baseline.require_numbers = reader.bool(value, &full)?;
            }
            (RuleId::PasswordPolicyWeak, "require_uppercase") => {
                params.password_baseline.require_uppercase = reader.bool(value, &full)?;
            }
            (RuleId::PasswordPolicyWeak, "require_lowercase") => {
                params.password_baseline.require_lowercase = reader.bool(value, &full)?;
            }
            (RuleId::PasswordPolicyWeak, "password_reuse_prevention") => {
                params.password_baseline.password_reuse_prevention =
                    reader.u32_in(value, &full, 0..25)?;
            }
            (RuleId::PasswordPolicyWeak, "max_password_age_days") => {
                params.password_baseline.max_password_age_days =
                    reader.u32_in(value, &full, 0..1096)?;
            }
            (RuleId::PolicySensitiveActionAnyResource, "extra_sensitive_actions") => {
                let mut actions = Vec::new();
                for (text, span) in reader.strings(value, &full)? {
                    ActionPattern::parse(text).map_err(|error| {
                        reader.error(
                            span,
                            Some(&full),
                            format!("`{text}` in `{full}` is not an action: {error}"),
                            Some("write actions as `service:Action`, e.g. `ssm:GetParameter` or `ssm:Get*`".to_owned()),
                        )
                    })?;
                    actions.push(text.to_owned());
                }
                params.extra_sensitive_actions = actions;
            }
            _ => return Err(reader.unknown_key(key, &table_name, &allowed)),
        }
    }
    if rule == RuleId::IamRoleUnused && (unused_max.is_some() || unused_allowlist.is_some()) {
        let current = &params.unused_role;
        let (max, max_span) =
            unused_max.unwrap_or((i64::from(current.max_days_for_last_used()), 0..0));
        let (allowlist, allowlist_span) = unused_allowlist
            .unwrap_or_else(|| (current.role_allowlist().patterns().join("|"), 0..0));
        params.unused_role = UnusedRoleParams::new(max, &allowlist).map_err(|error| {
            let (span, key) = match error {
                UnusedRoleParamsError::MaxDaysOutOfRange { .. } => {
                    (max_span, "max_days_for_last_used")
                }
                _ => (allowlist_span, "role_allowlist"),
            };
            let help = miette::Diagnostic::help(&error).map(|help| help.to_string());
            reader.error(
                span,
                Some(&format!("{section}.{key}")),
                error.to_string(),
                help,
            )
        })?;
    }
    Ok(())
}

fn read_suppressions(
    reader: &Reader<'_>,
    value: &Value<'_>,
    config: &mut AuditConfig,
) -> Result<(), ConfigError> {
    let example = "[[suppressions]]";
    let array = value
        .get_ref()
        .as_array()
        .ok_or_else(|| reader.wrong_type(value, "suppressions", "an array of tables", example))?;
    for item in array.iter() {
        let table = item
            .get_ref()
            .as_table()
            .ok_or_else(|| reader.wrong_type(item, "suppressions", "a table", example))?;
        let mut rule: Option<Option<RuleId>> = None;
        let mut resource: Option<String> = None;
        let mut reason: Option<String> = None;
        let mut expires = None;
        for (key, value) in table.iter() {
            let name = key.get_ref().as_ref();
            let full = format!("suppressions.{name}");
            match name {
                "rule" => {
                    let text = reader.string(value, &full)?;
                    if text == "*" {
                        rule = Some(None);
                    } else {
                        let parsed = RuleId::parse(text).ok_or_else(|| {
                            let help = match RuleId::closest(text) {
                                Some(rule) => {
                                    format!("did you mean `{rule}`? use `*` for every rule")
                                }
                                None => "use a rule ID from `docs/rules.md`, or `*` for every rule"
                                    .to_owned(),
                            };
                            reader.error(
                                value.span(),
                                Some(&full),
                                format!("unknown rule `{text}`"),
                                Some(help),
                            )
                        })?;
                        rule = Some(Some(parsed));
                    }
                }
                "resource" => {
                    let text = reader.string(value, &full)?;
                    if text.is_empty() {
                        return Err(reader.error(
                            value.span(),
                            Some(&full),
                            "`resource` is empty",
                            Some("give an ARN or an ARN pattern, e.g. \"arn:aws:iam::123456789012:role/legacy-*\"".to_owned()),
                        ));
                    }
                    resource = Some(text.to_owned());
                }
                "reason" => {
                    let text = reader.string(value, &full)?;
                    if text.trim().is_empty() {
                        return Err(reader.error(
                            value.span(),
                            Some(&full),
                            "`reason` is empty",
                            Some("say why the finding is accepted, and who accepted it".to_owned()),
                        ));
                    }
                    reason = Some(text.to_owned());
                }
                "expires" => {
                    let text = match value.get_ref() {
                        DeValue::Datetime(datetime) => datetime.to_string(),
                        DeValue::String(text) => text.to_string(),
                        _ => {
                            return Err(reader.wrong_type(
                                value,
                                &full,
                                "a date",
                                "expires = 2026-12-31",
                            ));
                        }
                    };
                    let date: jiff::civil::Date = text.parse().map_err(|_| {
                        reader.error(
                            value.span(),
                            Some(&full),
                            format!("`{text}` is not a date"),
                            Some(
                                "write a date without time, e.g. `expires = 2026-12-31`".to_owned(),
                            ),
                        )
                    })?;
                    if text.len() != 10 {
                        return Err(reader.error(
                            value.span(),
                            Some(&full),
                            format!("`{text}` is not a date"),
                            Some(
                                "write a date without time, e.g. `expires = 2026-12-31`".to_owned(),
                            ),
                        ));
                    }
                    expires = Some(date);
                }
                _ => return Err(reader.unknown_key(key, "`[[suppressions]]`", SUPPRESSION_KEYS)),
            }
        }
        let missing = |key: &str, example: &str| {
            reader.error(
                item.span(),
                Some(&format!("suppressions.{key}")),
                format!("a suppression has no `{key}`"),
                Some(format!("add `{key} = {example}`")),
            )
        };
        let rule = rule.ok_or_else(|| missing("rule", "\"iam-role-unused\""))?;
        let resource = resource
            .ok_or_else(|| missing("resource", "\"arn:aws:iam::123456789012:role/name\""))?;
        let reason = reason.ok_or_else(|| missing("reason", "\"why the finding is accepted\""))?;
        config.suppressions.push(Suppression {
            rule,
            resource,
            reason,
            expires,
        });
    }
    Ok(())
}
