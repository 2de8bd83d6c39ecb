//! SARIF 2.1.0 output for code-scanning tools (GitHub code scanning, GitLab, Azure DevOps).
//!
//! Specification: OASIS SARIF 2.1.0 (`sarif-schema-2.1.0.json`). Only the parts scanners read
//! are written: the tool with its rules, and results with a physical location (file, line,
//! column) and a logical location (the JSON path inside the policy).

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

/// A result with one location: a file position when `uri` is not empty, and a logical
/// location (a JSON path, or a resource ARN) when `logical_path` is not empty.
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
