//! Size limits and the characters AWS allows in a policy document.

use super::{LintCode, LintOptions, PolicyType, Sink};
use crate::document::{Policy, Span};
use crate::parse::decoded_text;
use crate::serialize::to_json;

/// How AWS measures a policy type's size, and its limit.
struct SizeLimit {
    limit: usize,
    /// IAM does not count whitespace; Organizations counts every character.
    counts_whitespace: bool,
    source: &'static str,
}

fn limit_for(kind: PolicyType) -> Option<SizeLimit> {
    match kind {
        // IAM User Guide, `reference_iam-quotas.html`: managed policy size 6,144 characters,
        // "IAM doesn't count white space when calculating the size of a policy".
        PolicyType::Identity | PolicyType::Boundary => Some(SizeLimit {
            limit: 6_144,
            counts_whitespace: false,
            source: "IAM quota for managed policies (`reference_iam-quotas.html`)",
        }),
        PolicyType::Trust => Some(SizeLimit {
            limit: 2_048,
            counts_whitespace: false,
            source: "IAM default quota for role trust policies, which can be raised to 4,096 (`reference_iam-quotas.html`)",
        }),
        // STS: "The plaintext that you use for both inline and managed session policies can't
        // exceed 2,048 characters" (`API_AssumeRole.html`, Policy parameter).
        PolicyType::Session => Some(SizeLimit {
            limit: 2_048,
            counts_whitespace: false,
            source: "STS limit on session-policy plaintext (`API_AssumeRole.html`)",
        }),
        // Organizations quotas: SCPs and RCPs up to 5,120 characters, all characters counted
        // (`orgs_reference_limits.html`).
        PolicyType::Scp | PolicyType::Rcp => Some(SizeLimit {
            limit: 5_120,
            counts_whitespace: true,
            source: "Organizations quota for SCPs and RCPs (`orgs_reference_limits.html`)",
        }),
        // Each service sets its own limit (S3 bucket policies 20 KB, KMS key policies 32 KB).
        PolicyType::Resource | PolicyType::VpcEndpoint => None,
    }
}

pub(super) fn check(policy: &Policy, source: &str, options: &LintOptions, sink: &mut Sink<'_>) {
    // The parser accepted this text, so decoding succeeds; fall back to the raw text anyway.
    let decoded = decoded_text(source).unwrap_or(std::borrow::Cow::Borrowed(source));
    characters(&decoded, sink);
    // AWS managed policies are not held to the customer quotas (many exceed 6,144 characters).
    let Some(limit) = limit_for(options.policy_type).filter(|_| !options.aws_managed) else {
        return;
    };
    let size = if limit.counts_whitespace {
        decoded.chars().count()
    } else {
        to_json(policy)
            .chars()
            .filter(|c| !c.is_whitespace())
            .count()
    };
    if size > limit.limit {
        let counted = if limit.counts_whitespace {
            "characters"
        } else {
            "characters, whitespace not counted"
        };
        sink.report(
            LintCode::SizeLimitExceeded,
            "",
            policy.span,
            format!(
                "the {} policy is {size} {counted}; the limit is {}",
                options.policy_type, limit.limit
            ),
            Some(format!(
                "{}; split it into several policies or use wildcards carefully",
                limit.source
            )),
        );
    }
}

/// "Policy documents can contain only the following Unicode characters: horizontal tab (U+0009),
/// linefeed (U+000A), carriage return (U+000D), and characters in the range U+0020 to U+00FF"
/// (`reference_iam-quotas.html`). Reports the first offending character of each line.
fn characters(text: &str, sink: &mut Sink<'_>) {
    let mut line = 1u32;
    let mut column = 1u32;
    let mut reported_line = 0u32;
    for (offset, c) in text.char_indices() {
        let allowed = matches!(c, '\t' | '\n' | '\r') || ('\u{20}'..='\u{ff}').contains(&c);
        if !allowed && reported_line != line {
            reported_line = line;
            let start = u32::try_from(offset).unwrap_or(u32::MAX);
            sink.report(
                LintCode::InvalidCharacter,
                "",
                Span {
                    start,
                    end: start.saturating_add(u32::try_from(c.len_utf8()).unwrap_or(4)),
                    line,
                    column,
                },
                format!(
                    "U+{:04X} `{}` is outside the characters AWS accepts in a policy",
                    u32::from(c),
                    c.escape_default()
                ),
                Some(
                    "policies may hold only tab, line feed, carriage return and U+0020 to U+00FF"
                        .into(),
                ),
            );
        }
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
}
