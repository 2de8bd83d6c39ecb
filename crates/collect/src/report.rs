//! The credential report: Generate, poll while AWS builds it, then Get.
//!
//! AWS builds a report at most every four hours; Generate on a fresh report answers
//! `COMPLETE` at once (IAM User Guide, "Getting credential reports for your AWS account").
//! Get answers `ReportNotPresent` when no report exists or it expired, and `ReportInProgress`
//! while it is built.

use iamwatch_model::import::{ImportOptions, import_bytes};
use iamwatch_model::{AccountId, CredentialReport, Payload};

use crate::account::{is_complete, poll_wait};
use crate::aws::{AccountClients, timestamp};
use crate::err::CollectError;
use crate::settings::CollectSettings;

const GENERATE: &str = "iam:GenerateCredentialReport";
const GET: &str = "iam:GetCredentialReport";

pub(crate) async fn collect(
    clients: &AccountClients,
    settings: &CollectSettings,
) -> Result<CredentialReport, CollectError> {
    let account = clients.account();
    let iam = clients.iam(None);
    let polls = settings.credential_report_polls.max(1);
    let mut poll = 0;
    let mut generate = true;
    while poll < polls {
        if generate {
            let output = clients
                .send(GENERATE, iam.generate_credential_report().send())
                .await?;
            if !is_complete(output.state.as_ref()) {
                tokio::time::sleep(poll_wait(settings.credential_report_wait, poll)).await;
                poll += 1;
                continue;
            }
        }
        let output = clients
            .send_optional(
                GET,
                &["ReportNotPresent", "ReportExpired", "ReportInProgress"],
                iam.get_credential_report().send(),
            )
            .await?;
        let Some(output) = output else {
            // Not there, expired or still being built: generate (again) and poll.
            generate = true;
            tokio::time::sleep(poll_wait(settings.credential_report_wait, poll)).await;
            poll += 1;
            continue;
        };
        let csv = output.content.map(|b| b.into_inner()).unwrap_or_default();
        let mut report = parse_csv(account, &csv)?;
        report.generated_time = output.generated_time.as_ref().and_then(timestamp);
        return Ok(report);
    }
    Err(CollectError::CredentialReportTimeout(
        account.clone(),
        polls,
    ))
}

/// The CSV through the importer's reader, so `collect` and `import` read reports alike.
fn parse_csv(account: &AccountId, csv: &[u8]) -> Result<CredentialReport, CollectError> {
    let failed = |message: String| CollectError::Report {
        account: account.clone(),
        message,
    };
    let options = ImportOptions::default().account(account.clone());
    let imported = import_bytes(std::path::Path::new("credential-report.csv"), csv, &options)
        .map_err(|e| failed(e.to_string()))?;
    imported
        .snapshots
        .into_iter()
        .find_map(|s| match s.payload {
            Payload::CredentialReport(report) => Some(report),
            _ => None,
        })
        .ok_or_else(|| failed("the report is not a credential report".to_owned()))
}
