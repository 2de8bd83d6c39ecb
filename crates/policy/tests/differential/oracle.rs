//! The oracle: `tests/oracle/simulate.mjs` (@cloud-copilot/iam-simulate from npm) in one Node
//! child process, fed JSON lines on stdin, answering one JSON line per scenario.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

const INSTALL: &str = "install it with `npm ci --prefix tests/oracle` from the repository root";

/// The oracle's answer for one scenario.
#[derive(Clone, Debug)]
pub struct Answer {
    pub result: Option<String>,
    pub error: Option<String>,
    pub ignored_keys: Vec<String>,
    /// The oracle's whole line, for examples.
    pub raw: Value,
}

pub fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Checks that Node and the installed oracle are there; the message says how to install them.
pub fn check_installed() -> Result<PathBuf, String> {
    let oracle = repository_root().join("tests/oracle");
    let version = Command::new("node").arg("--version").output();
    match version {
        Ok(output) if output.status.success() => {}
        _ => {
            return Err(format!(
                "the differential test needs `node` (Node.js 20 or later) on PATH, and the oracle: {INSTALL}"
            ));
        }
    }
    let package = oracle.join("node_modules/@cloud-copilot/iam-simulate/package.json");
    if !package.is_file() {
        return Err(format!(
            "the oracle @cloud-copilot/iam-simulate is not installed in tests/oracle/node_modules: {INSTALL}"
        ));
    }
    Ok(oracle)
}

/// Runs the oracle on `lines` (definitions and scenarios) and returns the answers in scenario
/// order. `scenarios` is how many scenario lines there are.
pub fn run(oracle: &Path, lines: Vec<String>, scenarios: usize) -> Result<Vec<Answer>, String> {
    let mut child = Command::new("node")
        .arg(oracle.join("simulate.mjs"))
        .current_dir(oracle)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|error| format!("cannot start node: {error}; {INSTALL}"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let writer = std::thread::spawn(move || -> std::io::Result<()> {
        let mut buffer = std::io::BufWriter::with_capacity(1 << 20, &mut stdin);
        for line in lines {
            buffer.write_all(line.as_bytes())?;
            buffer.write_all(b"\n")?;
        }
        buffer.flush()
    });
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut answers = Vec::with_capacity(scenarios);
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|error| format!("reading the oracle: {error}"))?;
        let raw: Value = serde_json::from_str(&line)
            .map_err(|error| format!("the oracle wrote `{line}`: {error}"))?;
        let strings = |key: &str| -> Vec<String> {
            raw.get(key)
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        let id = raw.get("id").and_then(Value::as_u64).unwrap_or(u64::MAX);
        if id != answers.len() as u64 {
            return Err(format!(
                "the oracle answered scenario {id} where {} was expected",
                answers.len()
            ));
        }
        answers.push(Answer {
            result: raw.get("result").and_then(Value::as_str).map(str::to_owned),
            error: raw.get("error").and_then(Value::as_str).map(str::to_owned),
            ignored_keys: strings("ignoredContextKeys"),
            raw,
        });
    }
    writer
        .join()
        .map_err(|_| "the writer thread panicked".to_owned())?
        .map_err(|error| format!("writing to the oracle: {error}"))?;
    let status = child
        .wait()
        .map_err(|error| format!("waiting for node: {error}"))?;
    if !status.success() {
        return Err(format!("the oracle exited with {status}"));
    }
    if answers.len() != scenarios {
        return Err(format!(
            "the oracle answered {} of {scenarios} scenarios",
            answers.len()
        ));
    }
    Ok(answers)
}
