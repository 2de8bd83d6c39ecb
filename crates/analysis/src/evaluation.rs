//! AWS Config evaluations, shaped as `PutEvaluations` takes them, and the TSV export shape.
//!
//! `PutEvaluations` accepts at most 100 evaluations per call and annotations of at most 256
//! characters (AWS Config API Reference, `API_PutEvaluations.html` and `API_Evaluation.html`).

use serde::{Deserialize, Serialize};

use iamwatch_model::{AccountId, Arn, Timestamp};

use crate::rules::RuleId;

/// The most evaluations one `PutEvaluations` call takes.
pub const PUT_EVALUATIONS_BATCH_SIZE: usize = 100;

/// The longest annotation `PutEvaluations` accepts.
pub const ANNOTATION_MAX_CHARS: usize = 256;

/// `ComplianceType` of an evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ComplianceType {
    Compliant,
    NonCompliant,
    NotApplicable,
    InsufficientData,
}

impl ComplianceType {
    /// `COMPLIANT`, `NON_COMPLIANT`, …
    pub fn as_str(self) -> &'static str {
        match self {
            ComplianceType::Compliant => "COMPLIANT",
            ComplianceType::NonCompliant => "NON_COMPLIANT",
            ComplianceType::NotApplicable => "NOT_APPLICABLE",
            ComplianceType::InsufficientData => "INSUFFICIENT_DATA",
        }
    }
}

/// One evaluation, field for field as `PutEvaluations` takes it (`Evaluations[]`); serializes
/// with AWS's member names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfigEvaluation {
    /// `AWS::IAM::Role`.
    pub compliance_resource_type: String,
    /// The resource ID AWS Config records for the resource: for IAM roles the role ID
    /// (`AROA…`), which is what `ComplianceResourceId` must hold for the evaluation to attach
    /// to the recorded configuration item.
    pub compliance_resource_id: String,
    pub compliance_type: ComplianceType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotation: Option<String>,
    /// The time of the evaluation (the audit's "now").
    pub ordering_timestamp: Timestamp,
}

impl ConfigEvaluation {
    pub(crate) fn new(
        resource_type: &str,
        resource_id: &str,
        compliance_type: ComplianceType,
        annotation: &str,
        ordering_timestamp: Timestamp,
    ) -> Self {
        Self {
            compliance_resource_type: resource_type.to_owned(),
            compliance_resource_id: resource_id.to_owned(),
            compliance_type,
            annotation: (!annotation.is_empty())
                .then(|| annotation.chars().take(ANNOTATION_MAX_CHARS).collect()),
            ordering_timestamp,
        }
    }
}

/// An evaluation of one role, with what the CLI needs besides the `PutEvaluations` fields:
/// whose account to send it to, and which role it is for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleEvaluation {
    pub rule_id: RuleId,
    pub account_id: AccountId,
    pub role_arn: Arn,
    /// Path and name, as the allowlist matches them (`/service-role/deployer`).
    pub role_path_name: String,
    pub evaluation: ConfigEvaluation,
}

impl RoleEvaluation {
    /// One line of the TSV export, `ROLE\tCOMPLIANCE\tANNOTATION`, where ROLE is the role ARN
    /// (unique across accounts, unlike the name) and tabs or line breaks in the annotation
    /// become spaces. No trailing newline.
    pub fn tsv_row(&self) -> String {
        let annotation: String = self
            .evaluation
            .annotation
            .as_deref()
            .unwrap_or_default()
            .chars()
            .map(|c| {
                if matches!(c, '\t' | '\n' | '\r') {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        format!(
            "{}\t{}\t{}",
            self.role_arn,
            self.evaluation.compliance_type.as_str(),
            annotation
        )
    }
}

/// The header of the TSV export.
pub const TSV_HEADER: &str = "ROLE\tCOMPLIANCE\tANNOTATION";

/// Splits evaluations into `PutEvaluations` calls of at most 100. Evaluations go to the AWS
/// Config of the account they are about: batch each account's evaluations separately
/// ([`crate::AuditReport::evaluations_by_account`]).
pub fn put_evaluations_batches(
    evaluations: &[ConfigEvaluation],
) -> std::slice::Chunks<'_, ConfigEvaluation> {
    evaluations.chunks(PUT_EVALUATIONS_BATCH_SIZE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_put_evaluations_takes_it() {
        let evaluation = ConfigEvaluation::new(
            "AWS::IAM::Role",
            "AROAEXAMPLE",
            ComplianceType::NonCompliant,
            "No record of usage",
            "2026-11-01T00:00:00Z".parse().unwrap(),
        );
        assert_eq!(
            serde_json::to_string(&evaluation).unwrap(),
            r#"{"ComplianceResourceType":"AWS::IAM::Role","ComplianceResourceId":"AROAEXAMPLE","ComplianceType":"NON_COMPLIANT","Annotation":"No record of usage","OrderingTimestamp":"2026-11-01T00:00:00Z"}"#
        );
    }

    #[test]
    fn annotations_are_cut_to_256_characters_and_batches_to_100() {
        let long = "x".repeat(300);
        let now: Timestamp = "2026-11-01T00:00:00Z".parse().unwrap();
        let evaluation =
            ConfigEvaluation::new("AWS::IAM::Role", "A", ComplianceType::Compliant, &long, now);
        assert_eq!(evaluation.annotation.as_ref().unwrap().len(), 256);
        let many = vec![evaluation; 250];
        let sizes: Vec<usize> = put_evaluations_batches(&many).map(<[_]>::len).collect();
        assert_eq!(sizes, [100, 100, 50]);
    }
}
