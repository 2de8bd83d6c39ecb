//! `docs/rules.md` lists every rule from the rules' own metadata: the part between the markers
//! is generated here, and this test fails when it is stale. `UPDATE_RULES_DOC=1 cargo test -p
//! iamwatch-analysis --test tests docs` rewrites it.

use std::fmt::Write as _;

use iamwatch_analysis::{Category, RuleId};

const BEGIN: &str = "<!-- BEGIN GENERATED RULES (tests/suite/docs.rs) -->";
const END: &str = "<!-- END GENERATED RULES -->";

fn render() -> String {
    let mut text = String::new();
    let categories = [
        (Category::Unused, "Unused"),
        (Category::Credentials, "Credentials"),
        (Category::Privilege, "Privilege"),
        (Category::Trust, "Trust"),
        (Category::Hygiene, "Hygiene"),
    ];
    writeln!(text, "| ID | title | category | severity |").unwrap();
    writeln!(text, "|---|---|---|---|").unwrap();
    for rule in RuleId::ALL {
        let info = rule.info();
        writeln!(
            text,
            "| [`{rule}`](#{rule}) | {} | {} | {} |",
            info.title, info.category, info.severity
        )
        .unwrap();
    }
    for (category, heading) in categories {
        writeln!(text, "\n## {heading}").unwrap();
        for rule in RuleId::ALL.iter().filter(|r| r.info().category == category) {
            let info = rule.info();
            writeln!(text, "\n### `{rule}`\n").unwrap();
            writeln!(
                text,
                "**{}** · severity **{}**\n",
                info.title, info.severity
            )
            .unwrap();
            writeln!(text, "{}\n", info.rationale).unwrap();
            writeln!(text, "*Remediation:* {}\n", info.remediation).unwrap();
            if info.params.is_empty() {
                writeln!(text, "*Parameters:* none.\n").unwrap();
            } else {
                writeln!(text, "| parameter | accepts | default | meaning |").unwrap();
                writeln!(text, "|---|---|---|---|").unwrap();
                for param in info.params {
                    writeln!(
                        text,
                        "| `{}` | {} | `{}` | {} |",
                        param.name,
                        param.accepts.replace('|', "\\|"),
                        param.default,
                        param.description.replace('|', "\\|")
                    )
                    .unwrap();
                }
                writeln!(text).unwrap();
            }
            writeln!(text, "*Reference:* <{}>", info.reference).unwrap();
        }
    }
    text
}

#[test]
fn rules_doc_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/rules.md");
    let current = std::fs::read_to_string(path).unwrap();
    let (head, rest) = current.split_once(BEGIN).expect("begin marker");
    let (_, tail) = rest.split_once(END).expect("end marker");
    let wanted = format!("{head}{BEGIN}\n{}{END}{tail}", render());
    if std::env::var_os("UPDATE_RULES_DOC").is_some() {
        std::fs::write(path, &wanted).unwrap();
        return;
    }
    assert!(
        current == wanted,
        "docs/rules.md is stale: run `UPDATE_RULES_DOC=1 cargo test -p iamwatch-analysis --test tests docs`"
    );
}
