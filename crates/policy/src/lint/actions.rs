//! Action checks against the catalog: unknown services, unknown actions, and wildcard patterns
//! that match nothing.
//!
//! Unknown names are warnings, not errors: IAM accepts any well-formed action, and a catalog is
//! always a little behind AWS, so a new action must not fail a build (the complaint users have
//! about Parliament's stale data). The help names the catalog's source so a reader can judge.

use iamwatch_catalog::{Catalog, Service};

use super::scope::Scopes;
use super::{JsonPath, LintCode, Sink};
use crate::action::ActionPattern;
use crate::document::Policy;
use crate::variable::Template;

pub(super) fn check(policy: &Policy, scopes: &Scopes<'_>, sink: &mut Sink<'_>) {
    let catalog = Catalog::get();
    for (index, statement) in policy.statements().iter().enumerate() {
        let element = &statement.action;
        let path = JsonPath::statement(policy, index).field(if element.negated {
            "NotAction"
        } else {
            "Action"
        });
        let scope_known = scopes.actions(index, statement).is_some();
        for (item, value) in element.values.iter().enumerate() {
            let path = path.item(&element.values, item);
            let compact: String;
            let mut text = value.value.as_str();
            if text.contains(char::is_whitespace) {
                sink.report(
                    LintCode::WhitespaceInAction,
                    path.clone(),
                    value.span,
                    format!("`{text}` contains whitespace"),
                    Some("AWS accepts it, but remove the whitespace so that every tool reads the action the same way".into()),
                );
                compact = text.chars().filter(|c| !c.is_whitespace()).collect();
                text = &compact;
            }
            let pattern = match ActionPattern::parse(text) {
                Ok(pattern) => pattern,
                // A variable here is reported by the element checks.
                Err(_) if Template::parse(text).has_variables() => continue,
                Err(error) => {
                    sink.report(
                        LintCode::InvalidAction,
                        path,
                        value.span,
                        error.to_string(),
                        Some(
                            "write actions as `service:ActionName`, e.g. `s3:GetObject`, or `*`"
                                .into(),
                        ),
                    );
                    continue;
                }
            };
            let ActionPattern::Service { service, name } = &pattern else {
                continue;
            };
            let Some(known) = catalog.service(service) else {
                sink.report(
                    LintCode::UnknownService,
                    path,
                    value.span,
                    format!("`{service}` is not a service prefix in the catalog"),
                    Some(stale_help(catalog, "the service prefix")),
                );
                continue;
            };
            if pattern.has_wildcard() {
                // A statement whose actions all expanded has no empty pattern.
                if !scope_known && catalog.expand(text).is_empty() {
                    sink.report(
                        LintCode::PatternMatchesNothing,
                        path,
                        value.span,
                        format!("`{text}` matches no action of `{}`", known.prefix()),
                        Some(stale_help(catalog, "the pattern")),
                    );
                }
            } else if known.action(name).is_none() {
                let help = match closest_action(known, name) {
                    Some(suggestion) => format!("did you mean `{}:{suggestion}`?", known.prefix()),
                    None => stale_help(catalog, "the action name"),
                };
                sink.report(
                    LintCode::UnknownAction,
                    path,
                    value.span,
                    format!("`{text}` is not an action of `{}`", known.prefix()),
                    Some(help),
                );
            }
        }
    }
}

fn stale_help(catalog: &Catalog, what: &str) -> String {
    format!(
        "check the spelling of {what}; the catalog is {} and may predate very new actions",
        catalog.source()
    )
}

/// The action of `service` nearest to `name` by edit distance, if it is close enough to be a
/// likely typo (at most a third of the name's length).
fn closest_action<'s>(service: &'s Service, name: &str) -> Option<&'s str> {
    let lower = name.to_ascii_lowercase();
    let limit = (lower.len() / 3).max(1);
    service
        .actions()
        .iter()
        .map(|action| {
            let distance = edit_distance(&lower, &action.name().to_ascii_lowercase());
            (distance, action.name())
        })
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

/// Levenshtein distance, counting an adjacent transposition as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut rows = vec![vec![0usize; width]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        if let Some(first) = row.first_mut() {
            *first = i;
        }
    }
    if let Some(first) = rows.first_mut() {
        for (j, cell) in first.iter_mut().enumerate() {
            *cell = j;
        }
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a.get(i - 1) != b.get(j - 1));
            let get = |rows: &Vec<Vec<usize>>, r: usize, c: usize| {
                rows.get(r)
                    .and_then(|row| row.get(c))
                    .copied()
                    .unwrap_or(usize::MAX / 2)
            };
            let mut best = (get(&rows, i - 1, j) + 1)
                .min(get(&rows, i, j - 1) + 1)
                .min(get(&rows, i - 1, j - 1) + cost);
            if i > 1 && j > 1 && a.get(i - 1) == b.get(j - 2) && a.get(i - 2) == b.get(j - 1) {
                best = best.min(get(&rows, i - 2, j - 2) + 1);
            }
            if let Some(cell) = rows.get_mut(i).and_then(|row| row.get_mut(j)) {
                *cell = best;
            }
        }
    }
    rows.last().and_then(|row| row.last()).copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::edit_distance;

    #[test]
    fn edit_distance_counts_typos() {
        assert_eq!(edit_distance("getrole", "getrole"), 0);
        assert_eq!(edit_distance("getroel", "getrole"), 1);
        assert_eq!(edit_distance("getrol", "getrole"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
