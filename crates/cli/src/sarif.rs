//! SARIF 2.1.0 output for code-scanning tools (GitHub code scanning, GitLab, Azure DevOps).
//!
//! Specification: OASIS SARIF 2.1.0 (`sarif-schema-2.1.0.json`). Only the parts scanners read
//! are written: the tool with its rules, and results with a physical location (file, line,
//! column) and a logical location (the JSON path inside the policy).

use std::borrow::Cow;
use std::path::Path;

use serde_json::{Value, json};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// A SARIF result level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Note,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        }
    }
}

/// A rule (`reportingDescriptor`).
#[derive(Clone, Debug)]
pub struct Rule {
    pub id: String,
    pub summary: String,
    pub level: Level,
}

/// A result with one location: a file position when `uri` is not empty (make it with
/// [`file_uri`]), and a logical location (a JSON path, or a resource ARN) when `logical_path`
/// is not empty. Lines and columns count from 1; 0 is written as 1.
#[derive(Clone, Debug)]
pub struct Result {
    pub rule_id: String,
    pub level: Level,
    pub message: String,
    pub uri: String,
    pub line: u32,
    pub column: u32,
    pub logical_path: String,
}

/// A complete SARIF log with one run.
pub fn log(tool_name: &str, rules: &[Rule], results: &[Result]) -> Value {
    let rules: Vec<Value> = rules
        .iter()
        .map(|rule| {
            json!({
                "id": rule.id,
                "name": rule.id,
                "shortDescription": { "text": rule.summary },
                "defaultConfiguration": { "level": rule.level.as_str() },
            })
        })
        .collect();
    let results: Vec<Value> = results
        .iter()
        .map(|result| {
            let mut location = serde_json::Map::new();
            // Findings about cloud resources have no file: only the logical location then.
            if !result.uri.is_empty() {
                location.insert(
                    "physicalLocation".into(),
                    json!({
                        "artifactLocation": { "uri": result.uri },
                        "region": {
                            "startLine": result.line.max(1),
                            "startColumn": result.column.max(1),
                        },
                    }),
                );
            }
            if !result.logical_path.is_empty() {
                location.insert(
                    "logicalLocations".into(),
                    json!([{ "fullyQualifiedName": result.logical_path, "kind": "element" }]),
                );
            }
            json!({
                "ruleId": result.rule_id,
                "level": result.level.as_str(),
                "message": { "text": result.message },
                "locations": [location],
            })
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": tool_name,
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://example.com/iamwatch",
                    "rules": rules,
                },
            },
            "results": results,
        }],
    })
}

/// The SARIF `artifactLocation.uri` of a file: a URI reference, as the schema requires
/// (`format: uri-reference`), so a path's spaces, `#`, `%`, `?`, `:` and non-ASCII bytes are
/// percent-encoded. A relative path stays relative (code-scanning services resolve it against
/// the checkout) with `/` between its parts; an absolute one becomes a `file://` URI.
pub fn file_uri(path: &Path) -> String {
    let mut encoded = String::new();
    for &byte in path_bytes(path).iter() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                encoded.push(char::from(byte));
            }
            b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' | b'@' => {
                encoded.push(char::from(byte));
            }
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    if !path.is_absolute() {
        encoded
    } else if encoded.starts_with("//") {
        // A Windows UNC path, `\\server\share\...`: the server is the URI's host.
        format!("file:{encoded}")
    } else if encoded.starts_with('/') {
        format!("file://{encoded}")
    } else {
        // A Windows drive path, `C:\...`.
        format!("file:///{encoded}")
    }
}

/// The bytes of a path, with `/` between its parts.
#[cfg(unix)]
fn path_bytes(path: &Path) -> Cow<'_, [u8]> {
    use std::os::unix::ffi::OsStrExt;
    Cow::Borrowed(path.as_os_str().as_bytes())
}

/// The bytes of a path, with `/` between its parts.
#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Cow<'_, [u8]> {
    Cow::Owned(path.to_string_lossy().replace('\\', "/").into_bytes())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::file_uri;

    #[test]
    fn file_uris_are_uri_references() {
        assert_eq!(
            file_uri(Path::new("policies/admin.json")),
            "policies/admin.json"
        );
        assert_eq!(
            file_uri(Path::new("my policies/a#1 100%?.json")),
            "my%20policies/a%231%20100%25%3F.json"
        );
        // A colon in a relative path's first part would read as a scheme.
        assert_eq!(file_uri(Path::new("a:b.json")), "a%3Ab.json");
        assert_eq!(file_uri(Path::new("rôle.json")), "r%C3%B4le.json");
        #[cfg(unix)]
        assert_eq!(file_uri(Path::new("/work/p.json")), "file:///work/p.json");
    }
}
