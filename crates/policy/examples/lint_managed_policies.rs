//! Lints every version of every bundled AWS managed policy and prints, as a Markdown table, how
//! many findings of each code appear: the real-world false-positive check quoted in the README.
//!
//! `cargo run -p iamwatch-policy --example lint_managed_policies --release`

use std::collections::BTreeMap;

use iamwatch_catalog::ManagedPolicies;
use iamwatch_policy::lint::{LintOptions, PolicyType, lint};
use iamwatch_policy::parse::parse_policy;

fn main() {
    let policies = ManagedPolicies::get();
    let options = LintOptions {
        policy_type: PolicyType::Identity,
        aws_managed: true,
    };
    let mut counts: BTreeMap<(&'static str, &'static str), (usize, usize)> = BTreeMap::new();
    let (mut versions, mut parse_errors) = (0usize, 0usize);
    let mut distinct_policies = std::collections::HashSet::new();
    for policy in policies.iter() {
        for version in policy.versions() {
            versions += 1;
            let Ok(parsed) = parse_policy(version.document()) else {
                parse_errors += 1;
                continue;
            };
            let mut seen_here = std::collections::HashSet::new();
            for finding in lint(&parsed, version.document(), &options) {
                let entry = counts
                    .entry((finding.code.as_str(), finding.severity.as_str()))
                    .or_default();
                entry.0 += 1;
                if seen_here.insert(finding.code) {
                    entry.1 += 1;
                }
                distinct_policies.insert(policy.arn());
            }
        }
    }
    println!(
        "{versions} versions of {} AWS managed policies; {parse_errors} did not parse.\n",
        policies.len()
    );
    println!("| code | severity | findings | versions with it |");
    println!("|---|---|---:|---:|");
    for ((code, severity), (findings, with)) in &counts {
        println!("| `{code}` | {severity} | {findings} | {with} |");
    }
}
