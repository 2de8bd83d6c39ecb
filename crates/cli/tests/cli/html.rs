//! `iamwatch audit --format html` end to end: the page is self-contained, and headless Chromium
//! renders its tables and applies the filters given in the URL fragment.
//!
//! Chromium is required: without it the browser tests fail and say how to install it
//! (`apt-get install -y chromium`); `.ci/run` installs it. `IAMWATCH_CHROMIUM` names another
//! binary.

#![expect(clippy::unwrap_used, reason = "a failed unwrap fails the test")]
#![expect(clippy::panic, reason = "a test fails by panicking")]
#![expect(clippy::expect_used, reason = "a failed expect fails the test")]
#![expect(clippy::indexing_slicing, reason = "a bad index fails the test")]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The demo report as HTML, written to a fresh directory.
fn demo_page() -> (tempfile::TempDir, PathBuf, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_iamwatch"))
        .args(["audit", "--demo", "--format", "html"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let html = String::from_utf8(output.stdout).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.html");
    std::fs::write(&path, &html).unwrap();
    (dir, path, html)
}

/// The findings embedded in the page, as the script reads them.
fn embedded_findings(html: &str) -> Vec<Value> {
    let start = html
        .find(r#"<script type="application/json" id="audit-data">"#)
        .unwrap();
    let rest = &html[start..];
    let json = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
    let data: Value = serde_json::from_str(json).unwrap();
    data["findings"].as_array().unwrap().clone()
}

fn is_suppressed(finding: &Value) -> bool {
    finding["sup"]["on"].as_bool() == Some(true)
}

#[test]
fn page_loads_nothing_from_the_network() {
    let (_dir, _path, html) = demo_page();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.len() < 1_000_000, "{} bytes", html.len());
    let lower = html.to_ascii_lowercase();
    if let Some(index) = lower.find("src=") {
        panic!("the page loads a resource: {}", &html[index..index + 60]);
    }
    for needle in [
        "href=\"http:",
        "url(",
        "@import",
        "<link",
        "<iframe",
        "<img",
        "<object",
        "<embed",
    ] {
        assert!(!lower.contains(needle), "the page contains `{needle}`");
    }
    // Links to AWS documentation are allowed, but only as `<a href>`, never as a load.
    for (index, _) in lower.match_indices("href=\"https:") {
        let tag_start = lower[..index].rfind('<').unwrap();
        assert!(
            lower[tag_start..].starts_with("<a "),
            "{}",
            &html[tag_start..index + 40]
        );
    }
    // Nothing in the data can close the data block early.
    let findings = embedded_findings(&html);
    assert!(!findings.is_empty());
}

/// Runs headless Chromium on `url` and returns the DOM after the page's scripts ran.
fn dump_dom(url: &str) -> String {
    let binary = std::env::var("IAMWATCH_CHROMIUM").unwrap_or_else(|_| "chromium".to_owned());
    let profile = tempfile::tempdir().unwrap();
    let output = Command::new(&binary)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(url)
        .output()
        .unwrap_or_else(|error| {
            panic!(
                "cannot run `{binary}` ({error}): the HTML report tests need headless Chromium; \
                 install it with `apt-get install -y chromium` (or set IAMWATCH_CHROMIUM)"
            )
        });
    let dom = String::from_utf8(output.stdout).unwrap();
    assert!(
        dom.contains("</html>"),
        "chromium printed no DOM (status {:?}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    dom
}

fn file_url(path: &Path, fragment: &str) -> String {
    format!("file://{}{fragment}", path.display())
}

/// The opening tags of the findings rows in a dumped DOM.
fn finding_rows(dom: &str) -> Vec<&str> {
    dom.match_indices("<tr class=\"finding")
        .map(|(index, _)| {
            let tag = &dom[index..];
            &tag[..tag.find('>').unwrap()]
        })
        .collect()
}

fn visible_findings(dom: &str) -> usize {
    let marker = "data-visible-findings=\"";
    let start = dom
        .find(marker)
        .expect("the page did not mark itself ready")
        + marker.len();
    dom[start..][..dom[start..].find('"').unwrap()]
        .parse()
        .unwrap()
}

#[test]
fn chromium_renders_the_findings_table() {
    let (_dir, path, html) = demo_page();
    let findings = embedded_findings(&html);
    let open = findings.iter().filter(|f| !is_suppressed(f)).count();
    assert!(open < findings.len(), "the demo has a suppressed finding");

    let dom = dump_dom(&file_url(&path, ""));
    assert!(dom.contains("id=\"findings-table\""));
    assert!(dom.contains("data-ready=\"true\""));
    assert_eq!(visible_findings(&dom), open);
    let rows = finding_rows(&dom);
    assert_eq!(
        rows.len(),
        open,
        "suppressed findings are hidden by default"
    );
    assert!(rows.iter().all(|row| !row.contains("suppressed")));
    assert!(dom.contains("<tr class=\"evaluation\""));

    let dom = dump_dom(&file_url(&path, "#suppressed=1"));
    assert_eq!(visible_findings(&dom), findings.len());
    assert_eq!(finding_rows(&dom).len(), findings.len());
}

#[test]
fn chromium_applies_filters_from_the_fragment() {
    let (_dir, path, html) = demo_page();
    let findings = embedded_findings(&html);
    let high: Vec<&Value> = findings
        .iter()
        .filter(|f| f["s"] == "high" && !is_suppressed(f))
        .collect();
    assert!(!high.is_empty());

    let dom = dump_dom(&file_url(&path, "#severity=high"));
    assert_eq!(visible_findings(&dom), high.len());
    let rows = finding_rows(&dom);
    assert_eq!(rows.len(), high.len());
    for row in &rows {
        assert!(row.contains("data-severity=\"high\""), "{row}");
    }

    // Several filters together: one account's high findings mentioning a word of one of them.
    let account = high[0]["a"].as_str().unwrap();
    let rule = high[0]["r"].as_str().unwrap();
    let expected = high
        .iter()
        .filter(|f| f["a"] == account && f["r"] == rule)
        .count();
    let dom = dump_dom(&file_url(
        &path,
        &format!("#severity=high&account={account}&q={rule}"),
    ));
    let rows = finding_rows(&dom);
    assert!(expected >= 1 && rows.len() >= expected, "{}", rows.len());
    assert_eq!(visible_findings(&dom), rows.len());
    for row in &rows {
        assert!(
            row.contains(&format!("data-account=\"{account}\"")),
            "{row}"
        );
        assert!(row.contains("data-severity=\"high\""), "{row}");
    }
}
