//! Every AWS call is counted: calls by API, attempts, throttles met and retries used, for each
//! account. An SDK interceptor sees each attempt the SDK's retry loop makes; the optional
//! `--max-rps` caps pace the calls an account starts.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::retries::RequestAttempts;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use serde::{Deserialize, Serialize};

/// The counts for one API in one account.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiCounts {
    /// Operations called (a paginated list counts one per page).
    pub calls: u64,
    /// HTTP attempts, retries included.
    pub attempts: u64,
    /// Attempts AWS answered with a throttling error.
    pub throttles: u64,
    /// Attempts that met a 5xx answer, a timeout or a dropped connection.
    pub transient: u64,
}

impl ApiCounts {
    /// Attempts beyond the first of each call.
    pub fn retries(&self) -> u64 {
        self.attempts.saturating_sub(self.calls)
    }

    fn add(&mut self, other: &ApiCounts) {
        self.calls += other.calls;
        self.attempts += other.attempts;
        self.throttles += other.throttles;
        self.transient += other.transient;
    }
}

/// Counts by API (`iam:GetAccountAuthorizationDetails`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallCounts(pub BTreeMap<String, ApiCounts>);

impl CallCounts {
    pub fn total(&self) -> ApiCounts {
        let mut total = ApiCounts::default();
        for counts in self.0.values() {
            total.add(counts);
        }
        total
    }

    pub fn get(&self, api: &str) -> ApiCounts {
        self.0.get(api).copied().unwrap_or_default()
    }

    pub fn merge(&mut self, other: &CallCounts) {
        for (api, counts) in &other.0 {
            self.0.entry(api.clone()).or_default().add(counts);
        }
    }
}

impl fmt::Display for CallCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (api, counts) in &self.0 {
            if !first {
                f.write_str(", ")?;
            }
            first = false;
            write!(f, "{api} {}", counts.calls)?;
        }
        Ok(())
    }
}

/// When each call started (its first attempt went out), by API, as offsets from the start
/// of the account's collection: what `--max-rps` is measured against.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallTimes(pub BTreeMap<String, Vec<Duration>>);

impl CallTimes {
    /// The most calls of `api` that started within any `window` (a sliding window over the
    /// start times).
    pub fn peak(&self, api: &str, window: Duration) -> usize {
        let Some(starts) = self.0.get(api) else {
            return 0;
        };
        let mut peak = 0;
        let mut first = 0;
        for (last, start) in starts.iter().enumerate() {
            while starts
                .get(first)
                .is_some_and(|earliest| *start >= *earliest + window)
            {
                first += 1;
            }
            peak = peak.max(last + 1 - first);
        }
        peak
    }
}

/// The meter of one account: shared by every client built for it.
#[derive(Debug)]
pub(crate) struct Meter {
    counts: Mutex<CallCounts>,
    times: Mutex<CallTimes>,
    started: Instant,
    pace: Pacer,
}

impl Meter {
    pub(crate) fn new(max_rps: &BTreeMap<String, f64>) -> Arc<Self> {
        Arc::new(Self {
            counts: Mutex::default(),
            times: Mutex::default(),
            started: Instant::now(),
            pace: Pacer::new(max_rps),
        })
    }

    fn with(&self, api: &str, update: impl FnOnce(&mut ApiCounts)) {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        update(counts.0.entry(api.to_owned()).or_default());
    }

    fn call_started(&self, api: &str) {
        let at = self.started.elapsed();
        let mut times = self.times.lock().unwrap_or_else(PoisonError::into_inner);
        // Calls of one API may start out of order across tasks; keep each list sorted.
        let starts = times.0.entry(api.to_owned()).or_default();
        let index = starts.partition_point(|t| *t <= at);
        starts.insert(index, at);
    }

    pub(crate) fn times(&self) -> CallTimes {
        self.times
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub(crate) fn snapshot(&self) -> CallCounts {
        self.counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Waits until `api` may be called under its `--max-rps` cap.
    pub(crate) async fn pace(&self, api: &str) {
        if let Some(wait) = self.pace.reserve(api) {
            tokio::time::sleep(wait).await;
        }
    }

    pub(crate) fn interceptor(self: &Arc<Self>) -> MeterInterceptor {
        MeterInterceptor(Arc::clone(self))
    }
}

/// `--max-rps`: the next free start time of each capped API.
#[derive(Debug, Default)]
struct Pacer {
    caps: BTreeMap<String, Duration>,
    next: Mutex<BTreeMap<String, Instant>>,
}

impl Pacer {
    fn new(max_rps: &BTreeMap<String, f64>) -> Self {
        let caps = max_rps
            .iter()
            .filter(|(_, rps)| rps.is_finite() && **rps > 0.0)
            .map(|(api, rps)| (api.to_ascii_lowercase(), Duration::from_secs_f64(1.0 / rps)))
            .collect();
        Self {
            caps,
            next: Mutex::default(),
        }
    }

    /// Reserves the next slot for `api`; the wait until it, if any.
    fn reserve(&self, api: &str) -> Option<Duration> {
        let key = api.to_ascii_lowercase();
        let interval = *self.caps.get(&key)?;
        let now = Instant::now();
        let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
        let slot = next.get(&key).copied().filter(|t| *t > now).unwrap_or(now);
        next.insert(key, slot + interval);
        (slot > now).then(|| slot - now)
    }
}

/// The API name of an operation, as the IAM action prefix and the operation
/// (`iam:GetAccountAuthorizationDetails`).
pub(crate) fn api_name(metadata: &Metadata) -> String {
    let service: String = metadata
        .service()
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    format!("{service}:{}", metadata.name())
}

/// Counts every execution and attempt of the clients it is installed on.
#[derive(Debug)]
pub(crate) struct MeterInterceptor(Arc<Meter>);

fn api_of(cfg: &ConfigBag) -> String {
    cfg.load::<Metadata>()
        .map_or_else(|| "unknown:Unknown".to_owned(), api_name)
}

/// Error codes AWS uses for throttling, across the Query, JSON and REST-XML protocols
/// (the SDK's own list, `aws_smithy_runtime::client::retries::classifiers`).
const THROTTLING_CODES: [&str; 12] = [
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
];

fn is_throttling(status: u16, body: &[u8]) -> bool {
    if status == 429 {
        return true;
    }
    if !(400..600).contains(&status) {
        return false;
    }
    let text = String::from_utf8_lossy(body.get(..body.len().min(2048)).unwrap_or_default());
    THROTTLING_CODES.iter().any(|code| {
        text.contains(&format!("<Code>{code}</Code>"))
            || text.contains(&format!("\"{code}\""))
            || text.contains(&format!("#{code}\""))
    })
}

impl Intercept for MeterInterceptor {
    fn name(&self) -> &'static str {
        "iamwatch-meter"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // The operation's metadata is in the bag from here on (not yet before execution); the
        // attempt number tells a new call from a retry.
        let first = cfg
            .load::<RequestAttempts>()
            .is_none_or(|a| a.attempts() <= 1);
        let api = api_of(cfg);
        self.0.with(&api, |c| {
            c.attempts += 1;
            if first {
                c.calls += 1;
            }
        });
        if first {
            self.0.call_started(&api);
        }
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let api = api_of(cfg);
        match context.response() {
            Some(response) => {
                let status = response.status().as_u16();
                let body = response.body().bytes().unwrap_or_default();
                if is_throttling(status, body) {
                    self.0.with(&api, |c| c.throttles += 1);
                } else if status >= 500 {
                    self.0.with(&api, |c| c.transient += 1);
                }
            }
            // No response: a timeout or a dropped connection.
            None => {
                if matches!(context.output_or_error(), Some(Err(_))) {
                    self.0.with(&api, |c| c.transient += 1);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_is_recognised_in_every_protocol() {
        let query = b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>";
        assert!(is_throttling(400, query));
        assert!(is_throttling(
            400,
            br#"{"__type":"ThrottlingException","message":"x"}"#
        ));
        assert!(is_throttling(429, b""));
        assert!(!is_throttling(400, b"<Code>NoSuchEntity</Code>"));
        assert!(!is_throttling(200, b"<Code>Throttling</Code>"));
    }

    #[test]
    fn pacer_spaces_calls_of_capped_apis_only() {
        let caps = BTreeMap::from([("IAM:GetAccountSummary".to_owned(), 10.0)]);
        let pacer = Pacer::new(&caps);
        assert_eq!(pacer.reserve("iam:GetAccountAuthorizationDetails"), None);
        assert_eq!(pacer.reserve("iam:GetAccountSummary"), None);
        let wait = pacer.reserve("iam:getaccountsummary").unwrap();
        assert!(wait > Duration::from_millis(50) && wait <= Duration::from_millis(100));
    }

    #[test]
    fn peak_counts_calls_in_the_busiest_window() {
        let ms = Duration::from_millis;
        let times = CallTimes(BTreeMap::from([(
            "iam:GetAccountSummary".to_owned(),
            vec![
                ms(0),
                ms(100),
                ms(900),
                ms(1000),
                ms(1050),
                ms(1950),
                ms(3000),
            ],
        )]));
        let second = Duration::from_secs(1);
        // [100, 1100): 100, 900, 1000, 1050.
        assert_eq!(times.peak("iam:GetAccountSummary", second), 4);
        assert_eq!(times.peak("iam:GetAccountSummary", ms(60)), 2);
        assert_eq!(times.peak("iam:ListRoles", second), 0);
    }

    #[test]
    fn retries_are_attempts_beyond_calls() {
        let mut counts = CallCounts::default();
        counts.0.insert(
            "iam:GetAccountSummary".into(),
            ApiCounts {
                calls: 2,
                attempts: 5,
                throttles: 2,
                transient: 1,
            },
        );
        assert_eq!(counts.total().retries(), 3);
    }
}
