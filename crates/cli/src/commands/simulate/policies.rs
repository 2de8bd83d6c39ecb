//! Reading the policies of a simulation: policy files (plain or URL-encoded JSON), AWS managed
//! policies by ARN from the bundled catalog, and SCP/RCP tree files.

use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow, bail};
use iamwatch_catalog::ManagedPolicies;
use iamwatch_policy::eval::{NamedPolicy, OrgLevel, OrgPolicyTree};
use iamwatch_policy::parse::{ParseError, parse_policy};
use iamwatch_policy::serialize::to_json;
use serde::Deserialize;
use serde_json::value::RawValue;

/// Where a policy comes from, as the user wrote it on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum PolicySource {
    File(PathBuf),
    /// A managed policy ARN (`arn:…:iam::…:policy/…`).
    Arn(String),
}

impl PolicySource {
    /// A value that starts with `arn:` is a managed policy ARN; anything else is a file.
    pub(super) fn parse(text: &str) -> PolicySource {
        if text.starts_with("arn:") {
            PolicySource::Arn(text.to_owned())
        } else {
            PolicySource::File(PathBuf::from(text))
        }
    }

    pub(super) fn load(&self) -> anyhow::Result<NamedPolicy> {
        match self {
            PolicySource::File(path) => load_file(path),
            PolicySource::Arn(arn) => load_managed(arn),
        }
    }
}

/// Reads and parses a policy file; the policy is reported under the path as given.
pub(super) fn load_file(path: &Path) -> anyhow::Result<NamedPolicy> {
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read `{origin}`"))?;
    let policy = parse_policy(&text).map_err(|error| parse_failure(&origin, &error))?;
    Ok(NamedPolicy::new(origin, policy))
}

/// An AWS managed policy (its default version) from the bundled catalog.
fn load_managed(arn: &str) -> anyhow::Result<NamedPolicy> {
    let is_aws_managed = arn.split(':').nth(4) == Some("aws");
    let is_policy = arn.split(':').nth(2) == Some("iam")
        && arn
            .split(':')
            .nth(5)
            .is_some_and(|resource| resource.starts_with("policy/"));
    if !is_policy {
        bail!(
            "`{arn}` is not a managed policy ARN (expected `arn:aws:iam::aws:policy/NAME` or a \
             file)"
        );
    }
    if !is_aws_managed {
        bail!(
            "`{arn}` is a customer managed policy, which iamwatch does not look up by ARN\n  \
             help: pass its document as a file, or leave out --identity-policy to take the \
             principal's policies from the store"
        );
    }
    let catalog = ManagedPolicies::get();
    let Some(managed) = catalog.by_arn(arn) else {
        let name = arn.rsplit('/').next().unwrap_or(arn);
        let suggestion = catalog
            .iter()
            .find(|policy| policy.name().eq_ignore_ascii_case(name))
            .map(|policy| format!("; did you mean `{}`?", policy.arn()))
            .unwrap_or_default();
        bail!(
            "`{arn}` is not an AWS managed policy of the bundled catalog ({}){suggestion}",
            catalog.source()
        );
    };
    let policy = parse_policy(managed.default_document())
        .map_err(|error| parse_failure(managed.arn(), &error))?;
    Ok(NamedPolicy::new(arn, policy))
}

/// A parse error as `origin:line:column: message (at path; expected …)` with the help on its
/// own line.
fn parse_failure(origin: &str, error: &ParseError) -> anyhow::Error {
    located_failure(origin, error.line(), error.column(), "", error)
}

fn located_failure(
    origin: &str,
    line: u32,
    column: u32,
    path_prefix: &str,
    error: &ParseError,
) -> anyhow::Error {
    let path = match (path_prefix, error.path()) {
        ("", "") => "the document".to_owned(),
        (prefix, "") => prefix.to_owned(),
        ("", path) => path.to_owned(),
        (prefix, path) => format!("{prefix}.{path}"),
    };
    let mut message = format!(
        "{origin}:{line}:{column}: the policy does not parse: {} (at {path}",
        error.message()
    );
    if let Some(expected) = error.expected() {
        message.push_str("; expected ");
        message.push_str(expected);
    }
    message.push(')');
    if let Some(help) = error.help_text() {
        message.push_str("\n  help: ");
        message.push_str(help);
    }
    anyhow!(message)
}

/// The plaintext size STS measures for session policies: the inline document without
/// whitespace, plus each managed policy ARN.
///
/// STS API Reference, `AssumeRole` (`Policy` and `PolicyArns` parameters): "The plaintext that
/// you use for both inline and managed session policies can't exceed 2,048 characters." IAM
/// does not count whitespace in policy sizes (`reference_iam-quotas.html`); the lint measures
/// session policies the same way.
pub(super) const SESSION_POLICY_LIMIT: usize = 2_048;

/// STS takes up to 10 managed session policy ARNs (`PolicyArns`).
pub(super) const MANAGED_SESSION_POLICY_LIMIT: usize = 10;

pub(super) fn check_session_size(
    inline: Option<&NamedPolicy>,
    managed_arns: &[String],
) -> anyhow::Result<()> {
    if managed_arns.len() > MANAGED_SESSION_POLICY_LIMIT {
        bail!(
            "{} managed session policies; STS accepts at most {MANAGED_SESSION_POLICY_LIMIT} \
             policy ARNs (`PolicyArns`, STS API Reference, AssumeRole)",
            managed_arns.len()
        );
    }
    let inline_size = inline.map_or(0, |named| {
        to_json(&named.policy)
            .chars()
            .filter(|c| !c.is_whitespace())
            .count()
    });
    let arn_size: usize = managed_arns.iter().map(|arn| arn.chars().count()).sum();
    let total = inline_size + arn_size;
    if total > SESSION_POLICY_LIMIT {
        let inline_name = inline.map_or("", |named| named.name.as_str());
        bail!(
            "the session policies are {total} characters (inline policy `{inline_name}` \
             {inline_size}, whitespace not counted, and managed policy ARNs {arn_size}); STS \
             refuses more than {SESSION_POLICY_LIMIT}: \"The plaintext that you use for both \
             inline and managed session policies can't exceed 2,048 characters\" (STS API \
             Reference, AssumeRole, `Policy` parameter)\n  help: narrow the session policy with \
             wildcards or move grants into a managed policy passed by ARN"
        );
    }
    Ok(())
}

/// Which tree a file describes: it decides the AWS managed policy a bare name stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TreeKind {
    Scp,
    Rcp,
}

impl TreeKind {
    fn label(self) -> &'static str {
        match self {
            TreeKind::Scp => "SCP",
            TreeKind::Rcp => "RCP",
        }
    }

    /// The AWS managed policy that Organizations attaches to every root, OU and account when
    /// the policy type is enabled (`orgs_manage_policies_scps.html`,
    /// `orgs_manage_policies_rcps.html`), and its document.
    fn full_access(self) -> (&'static str, &'static str) {
        match self {
            TreeKind::Scp => (
                "FullAWSAccess",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
            ),
            TreeKind::Rcp => (
                "RCPFullAWSAccess",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
            ),
        }
    }
}

/// `{"levels": [{"target": "...", "policies": [...]}, ...]}`, root first (docs/simulate.md).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TreeFile<'a> {
    #[serde(borrow)]
    levels: Vec<LevelFile<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LevelFile<'a> {
    target: String,
    #[serde(borrow)]
    policies: Vec<PolicyEntry<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyEntry<'a> {
    name: Option<String>,
    /// Kept as the source text, so that parse errors point into the tree file.
    #[serde(borrow)]
    document: Option<&'a RawValue>,
    file: Option<PathBuf>,
}

/// Reads an SCP or RCP tree file. Files named by `file` entries are relative to the tree file.
pub(super) fn load_tree(
    path: &Path,
    kind: TreeKind,
    warnings: &mut Vec<String>,
) -> anyhow::Result<OrgPolicyTree> {
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read `{origin}`"))?;
    let file: TreeFile<'_> = serde_json::from_str(&text).map_err(|error| {
        anyhow!(
            "{origin}:{}:{}: not a {} tree file: {error}\n  help: the format is \
             {{\"levels\": [{{\"target\": \"r-...\", \"policies\": [{{\"name\": ..., \
             \"document\": {{...}}}}]}}]}}, root first (docs/simulate.md)",
            error.line(),
            error.column(),
            kind.label()
        )
    })?;
    if file.levels.is_empty() {
        bail!(
            "{origin}: the {} tree has no levels\n  help: list the root, then each OU, then the \
             account",
            kind.label()
        );
    }
    let base = path.parent().unwrap_or_else(|| Path::new(""));
    let mut tree = OrgPolicyTree::default();
    for (level_index, level) in file.levels.iter().enumerate() {
        if level.policies.is_empty() {
            warnings.push(format!(
                "{origin}: level `{}` has no {}s, so nothing is allowed below it (Organizations \
                 keeps at least one attached; {} is the default)",
                level.target,
                kind.label(),
                kind.full_access().0
            ));
        }
        let mut policies = Vec::with_capacity(level.policies.len());
        for (policy_index, entry) in level.policies.iter().enumerate() {
            let at = format!("levels[{level_index}].policies[{policy_index}]");
            policies.push(tree_policy(&origin, &text, base, &at, entry, kind)?);
        }
        tree.levels.push(OrgLevel {
            target: level.target.clone(),
            policies,
        });
    }
    Ok(tree)
}

fn tree_policy(
    origin: &str,
    text: &str,
    base: &Path,
    at: &str,
    entry: &PolicyEntry<'_>,
    kind: TreeKind,
) -> anyhow::Result<NamedPolicy> {
    match (&entry.document, &entry.file) {
        (Some(_), Some(_)) => bail!("{origin}: {at} has both `document` and `file`; keep one"),
        (Some(raw), None) => {
            let name = entry.name.clone().unwrap_or_else(|| at.to_owned());
            embedded_document(origin, text, at, raw).map(|policy| NamedPolicy::new(name, policy))
        }
        (None, Some(file)) => {
            let mut named = load_file(&base.join(file))?;
            if let Some(name) = &entry.name {
                named.name.clone_from(name);
            }
            Ok(named)
        }
        (None, None) => {
            let (full_access, document) = kind.full_access();
            match entry.name.as_deref() {
                Some(name) if name == full_access => {
                    let policy = parse_policy(document)
                        .map_err(|error| parse_failure(full_access, &error))?;
                    Ok(NamedPolicy::new(full_access, policy))
                }
                Some(name) => bail!(
                    "{origin}: {at} (`{name}`) has neither `document` nor `file`\n  help: only \
                     the AWS managed `{full_access}` can be named alone in an {} tree",
                    kind.label()
                ),
                None => bail!("{origin}: {at} has neither `name`, `document` nor `file`"),
            }
        }
    }
}

/// Parses a document written inside the tree file: an object (errors point into the tree file)
/// or a string holding the JSON, as the Organizations API returns `Content`.
fn embedded_document(
    origin: &str,
    text: &str,
    at: &str,
    raw: &RawValue,
) -> anyhow::Result<iamwatch_policy::document::Policy> {
    let source = raw.get();
    let document_path = format!("{at}.document");
    if source.starts_with('"') {
        let content: String = serde_json::from_str(source)
            .map_err(|error| anyhow!("{origin}: {document_path}: {error}"))?;
        return parse_policy(&content).map_err(|error| {
            located_failure(
                &format!("{origin} ({document_path}, a string)"),
                error.line(),
                error.column(),
                "",
                &error,
            )
        });
    }
    parse_policy(source).map_err(|error| {
        // INVARIANT: `source` borrows from `text` (serde_json hands out raw values as slices of
        // the input), so the pointer difference is its offset in the file.
        let offset = (source.as_ptr() as usize)
            .checked_sub(text.as_ptr() as usize)
            .filter(|offset| *offset <= text.len())
            .unwrap_or(0);
        let before = text.get(..offset).unwrap_or_default();
        let base_line = u32::try_from(before.matches('\n').count()).unwrap_or(u32::MAX - 1) + 1;
        let base_column = u32::try_from(
            before
                .rsplit_once('\n')
                .map_or(before, |(_, last)| last)
                .chars()
                .count(),
        )
        .unwrap_or(0);
        let (line, column) = if error.line() <= 1 {
            (base_line, base_column + error.column())
        } else {
            (base_line + error.line() - 1, error.column())
        };
        located_failure(origin, line, column, &document_path, &error)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_tree(text: &str) -> anyhow::Result<OrgPolicyTree> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tree.json");
        std::fs::write(&path, text).unwrap();
        load_tree(&path, TreeKind::Scp, &mut Vec::new())
    }

    #[test]
    fn embedded_documents_report_positions_in_the_tree_file() {
        let error = read_tree(
            "{\"levels\": [\n  {\"target\": \"r-1\", \"policies\": [\n    {\"name\": \"x\", \
             \"document\": {\"Statement\": {\"Effect\": \"allow\", \"Action\": \"*\", \
             \"Resource\": \"*\"}}}]}]}",
        )
        .unwrap_err();
        let message = error.to_string();
        assert!(message.contains("tree.json:3:56:"), "{message}");
        assert!(
            message.contains("levels[0].policies[0].document.Statement.Effect"),
            "{message}"
        );
    }

    #[test]
    fn documents_may_be_strings_as_organizations_returns_them() {
        let content =
            r#"{\"Statement\": {\"Effect\": \"Deny\", \"Action\": \"s3:*\", \"Resource\": \"*\"}}"#;
        let text = format!(
            r#"{{"levels": [{{"target": "r-1", "policies": [{{"name": "FullAWSAccess"}}, {{"name": "NoS3", "document": "{content}"}}]}}]}}"#
        );
        let loaded = read_tree(&text).unwrap();
        let names: Vec<&str> = loaded.levels[0]
            .policies
            .iter()
            .map(|policy| policy.name.as_str())
            .collect();
        assert_eq!(names, ["FullAWSAccess", "NoS3"]);

        let error = read_tree(r#"{"levels": [{"target": "r-1", "policies": [{"name": "x", "document": "{\"Statement\": 1}"}]}]}"#)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("tree.json (levels[0].policies[0].document, a string):1:15:"),
            "{error}"
        );
        assert!(
            read_tree(r#"{"levels": [{"target": "r-1", "policies": [{"name": "Mine"}]}]}"#)
                .is_err()
        );
        assert!(read_tree(r#"{"levels": []}"#).is_err());
    }

    #[test]
    fn session_size_counts_the_inline_document_and_the_arns() {
        let statement =
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/k"}"#;
        let statements = vec![statement; 40].join(",");
        let document = format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#);
        let big = NamedPolicy::new("big", parse_policy(&document).unwrap());
        assert!(check_session_size(Some(&big), &[]).is_err());
        let small_document = format!(r#"{{"Statement":{statement}}}"#);
        let small = NamedPolicy::new("small", parse_policy(&small_document).unwrap());
        let arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess".to_owned()];
        assert!(check_session_size(Some(&small), &arns).is_ok());
    }
}
