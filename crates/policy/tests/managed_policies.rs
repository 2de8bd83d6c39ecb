//! The real-world check: every version of every AWS managed policy in the bundled catalog parses
//! and lints with no error-severity finding. AWS wrote and accepted these documents, so an error
//! here is a false positive of ours (or a parser bug).
//!
//! The counts of warnings and infos per code are in the README (`cargo run -p iamwatch-policy
//! --example lint_managed_policies --release` prints the table).

use iamwatch_catalog::ManagedPolicies;
use iamwatch_policy::lint::{LintOptions, PolicyType, Severity, lint};
use iamwatch_policy::parse::parse_policy;

#[test]
fn every_managed_policy_version_parses_and_lints_without_errors() {
    let policies = ManagedPolicies::get();
    let mut versions = 0;
    let mut problems = Vec::new();
    for policy in policies.iter() {
        for version in policy.versions() {
            versions += 1;
            let document = version.document();
            match parse_policy(document) {
                Err(error) => problems.push(format!(
                    "{} {}: parse error: {error}",
                    policy.arn(),
                    version.id()
                )),
                Ok(parsed) => {
                    let options = LintOptions {
                        policy_type: PolicyType::Identity,
                        aws_managed: true,
                    };
                    for finding in lint(&parsed, document, &options) {
                        if finding.severity == Severity::Error {
                            problems.push(format!(
                                "{} {}: {} at {}: {}",
                                policy.arn(),
                                version.id(),
                                finding.code.as_str(),
                                finding.path,
                                finding.message
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(versions > 5_000, "only {versions} versions in the catalog");
    assert!(
        problems.is_empty(),
        "{} problems in {versions} versions, first 20:\n{}",
        problems.len(),
        problems
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
