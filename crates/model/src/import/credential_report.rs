//! The credential report: CSV as `aws iam get-credential-report --query Content --output text |
//! base64 -d` writes it, the base64 text itself, or the whole `GetCredentialReport` JSON
//! (`Content` in base64, `GeneratedTime`).

use std::path::Path;

use base64::Engine as _;

use crate::credential_report::{
    AccessKeyColumns, CREDENTIAL_REPORT_COLUMNS, CertificateColumns, CredentialReport,
    CredentialReportRow, ReportUser, ReportValue,
};
use crate::err::ValueError;
use crate::ids::{AccountId, Arn, parse_timestamp};
use crate::import::err::{ImportError, InvalidValue};

/// `user,arn,` in base64: how a base64 report starts.
pub(crate) const BASE64_PREFIX: &[u8] = b"dXNlcixhcm4s";

/// Decodes base64 text (whitespace and line breaks allowed) to the CSV bytes.
pub(crate) fn decode_base64(path: &Path, text: &[u8]) -> Result<Vec<u8>, ImportError> {
    let compact: Vec<u8> = text
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(&compact)
        .map_err(|e| {
            ImportError::invalid(
                path,
                "Content",
                format!("the report is not valid base64: {e}"),
            )
        })
}

/// Reads a `GetCredentialReport` JSON response.
pub(crate) fn from_get_credential_report(
    path: &Path,
    value: &serde_json::Value,
    account: Option<&AccountId>,
) -> Result<CredentialReport, ImportError> {
    let content = value
        .get("Content")
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| ImportError::invalid(path, "Content", "`Content` is not a base64 string"))?;
    let generated = value
        .get("GeneratedTime")
        .map(|t| match t {
            serde_json::Value::String(text) => parse_timestamp(text),
            serde_json::Value::Number(n) => {
                crate::ids::timestamp_from_epoch(n.as_f64().unwrap_or(f64::NAN))
                    .ok_or_else(|| ValueError::new("timestamp", &n.to_string()))
            }
            other => Err(ValueError::new("timestamp", &other.to_string())),
        })
        .transpose()
        .map_err(|e| ImportError::invalid(path, "GeneratedTime", e.to_string()))?;
    if let Some(format) = value
        .get("ReportFormat")
        .and_then(serde_json::Value::as_str)
    {
        if format != "text/csv" {
            return Err(ImportError::invalid(
                path,
                "ReportFormat",
                format!("report format `{format}` is not `text/csv`"),
            ));
        }
    }
    let csv = decode_base64(path, content.as_bytes())?;
    let mut report = from_csv(path, &csv, account)?;
    report.generated_time = generated;
    Ok(report)
}

/// Reads the CSV.
pub(crate) fn from_csv(
    path: &Path,
    bytes: &[u8],
    account: Option<&AccountId>,
) -> Result<CredentialReport, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let csv_error = |e: csv::Error| {
        let line = e.position().map_or(0, csv::Position::line);
        let message = match e.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!(
                "the row has {len} fields where the header has {expected_len} (the file may be cut short)"
            ),
            csv::ErrorKind::Utf8 { .. } => "the row is not UTF-8 text".to_owned(),
            _ => e.to_string(),
        };
        ImportError::Csv {
            path: path.to_owned(),
            line,
            message,
        }
    };
    let headers = reader.headers().map_err(csv_error)?.clone();
    let mut columns = [0usize; 22];
    for (slot, name) in columns.iter_mut().zip(CREDENTIAL_REPORT_COLUMNS) {
        *slot = headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| ImportError::Csv {
                path: path.to_owned(),
                line: 1,
                message: format!("the header has no `{name}` column"),
            })?;
    }
    let mut rows = Vec::new();
    let mut found_account: Option<AccountId> = None;
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        let line = record.position().map_or(0, csv::Position::line);
        let cell = |index: usize| -> &str {
            columns
                .get(index)
                .and_then(|c| record.get(*c))
                .unwrap_or_default()
        };
        let at = |index: usize| {
            CREDENTIAL_REPORT_COLUMNS
                .get(index)
                .copied()
                .unwrap_or_default()
        };
        let invalid = |index: usize, message: String| -> ImportError {
            InvalidValue::new(path, at(index), message)
                .at_position(usize::try_from(line).ok(), None)
                .into()
        };
        let date = |index: usize| {
            value(cell(index), parse_timestamp).map_err(|e| invalid(index, e.to_string()))
        };
        let boolean = |index: usize| {
            value(cell(index), parse_bool).map_err(|e| invalid(index, e.to_string()))
        };
        let text = |index: usize| {
            value(cell(index), |t| Ok(t.to_owned())).map_err(|e| invalid(index, e.to_string()))
        };

        let user = match cell(0) {
            "<root_account>" => ReportUser::Root,
            name => ReportUser::User(name.to_owned()),
        };
        let arn = Arn::parse(cell(1)).map_err(|e| invalid(1, e.to_string()))?;
        let Some(row_account) = arn.account() else {
            return Err(invalid(1, format!("`{arn}` names no account")));
        };
        match &found_account {
            None => found_account = Some(row_account),
            Some(first) if *first != row_account => {
                return Err(invalid(
                    1,
                    format!(
                        "`{arn}` is in account `{row_account}`, but earlier rows are in `{first}`"
                    ),
                ));
            }
            Some(_) => {}
        }
        rows.push(CredentialReportRow {
            user,
            arn,
            user_creation_time: date(2)?,
            password_enabled: boolean(3)?,
            password_last_used: date(4)?,
            password_last_changed: date(5)?,
            password_next_rotation: date(6)?,
            mfa_active: boolean(7)?,
            access_key_1: AccessKeyColumns {
                active: boolean(8)?,
                last_rotated: date(9)?,
                last_used_date: date(10)?,
                last_used_region: text(11)?,
                last_used_service: text(12)?,
            },
            access_key_2: AccessKeyColumns {
                active: boolean(13)?,
                last_rotated: date(14)?,
                last_used_date: date(15)?,
                last_used_region: text(16)?,
                last_used_service: text(17)?,
            },
            cert_1: CertificateColumns {
                active: boolean(18)?,
                last_rotated: date(19)?,
            },
            cert_2: CertificateColumns {
                active: boolean(20)?,
                last_rotated: date(21)?,
            },
        });
    }
    let account_id = match (found_account, account) {
        (Some(found), Some(expected)) if found != *expected => {
            return Err(ImportError::AccountMismatch {
                path: path.to_owned(),
                expected: expected.to_string(),
                found: found.to_string(),
            });
        }
        (Some(found), _) => found,
        (None, Some(expected)) => expected.clone(),
        (None, None) => {
            return Err(ImportError::MissingAccount {
                path: path.to_owned(),
            });
        }
    };
    Ok(CredentialReport {
        account_id,
        generated_time: None,
        rows,
    })
}

/// A cell: one of the three placeholder words, or a value. An empty cell is `N/A`.
fn value<T>(
    text: &str,
    parse: impl Fn(&str) -> Result<T, ValueError>,
) -> Result<ReportValue<T>, ValueError> {
    Ok(match text.trim() {
        "N/A" | "" => ReportValue::NotApplicable,
        "no_information" => ReportValue::NoInformation,
        "not_supported" => ReportValue::NotSupported,
        other => ReportValue::Value(parse(other)?),
    })
}

/// `true`/`false`; the IAM User Guide writes `TRUE`/`FALSE`, real reports are lowercase.
fn parse_bool(text: &str) -> Result<bool, ValueError> {
    if text.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if text.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(ValueError::new("boolean (`true` or `false`)", text))
    }
}
