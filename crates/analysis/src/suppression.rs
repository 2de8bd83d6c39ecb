//! Suppressions: accepted findings, by rule and resource pattern, with a reason and an optional
//! expiry date. An expired suppression no longer hides the finding, and the finding says so.

use jiff::civil::Date;
use jiff::tz::TimeZone;

use iamwatch_model::Timestamp;

use crate::finding::{Finding, SuppressionState, SuppressionStatus};
use crate::glob;
use crate::rules::RuleId;

/// One suppression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The rule it applies to; `None` for every rule (`rule = "*"`).
    pub rule: Option<RuleId>,
    /// A Unix filename pattern over the finding's resource ARN (`*` and `?`,
    /// case-sensitive): `arn:aws:iam::123456789012:role/legacy-*`.
    pub resource: String,
    pub reason: String,
    /// The first day (UTC) on which the suppression no longer applies.
    pub expires: Option<Date>,
}

impl Suppression {
    /// Whether the suppression names the finding's rule and resource (expired or not).
    pub fn matches(&self, finding: &Finding) -> bool {
        self.rule.is_none_or(|rule| rule == finding.rule_id)
            && glob::matches(&self.resource, &finding.resource.arn)
    }

    /// Whether the suppression has expired at `now`: from 00:00 UTC of the expiry date on.
    pub fn is_expired(&self, now: Timestamp) -> bool {
        self.expires.is_some_and(|date| {
            date.to_zoned(TimeZone::UTC)
                .map(|start| now >= start.timestamp())
                .unwrap_or(false)
        })
    }

    fn status(&self, state: SuppressionState) -> SuppressionStatus {
        SuppressionStatus {
            state,
            reason: self.reason.clone(),
            resource_pattern: self.resource.clone(),
            expires: self.expires,
        }
    }
}

/// Marks each finding with the first suppression in force that matches it; a finding matched
/// only by expired suppressions stays open, with a note naming the (most recently) expired one.
pub(crate) fn apply(suppressions: &[Suppression], findings: &mut [Finding], now: Timestamp) {
    if suppressions.is_empty() {
        return;
    }
    for finding in findings {
        let mut expired: Option<&Suppression> = None;
        let mut in_force: Option<&Suppression> = None;
        for suppression in suppressions.iter().filter(|s| s.matches(finding)) {
            if suppression.is_expired(now) {
                if expired.is_none_or(|known| known.expires < suppression.expires) {
                    expired = Some(suppression);
                }
            } else {
                in_force = Some(suppression);
                break;
            }
        }
        if let Some(suppression) = in_force {
            finding.suppression = Some(suppression.status(SuppressionState::Suppressed));
        } else if let Some(suppression) = expired {
            let date = suppression
                .expires
                .map_or_else(String::new, |date| date.to_string());
            finding.notes.push(format!(
                "suppression expired on {date} (reason was: {}); the finding is open again",
                suppression.reason
            ));
            finding.suppression = Some(suppression.status(SuppressionState::Expired));
        }
    }
}
