//! Test support: moto's server, the fault proxy and the fixtures come from
//! `iamwatch-collect-testkit`; collector settings against them live here.

#![allow(dead_code, reason = "each test uses a part of the support")]

pub use iamwatch_collect_testkit::{moto, proxy};

pub mod setup {
    use std::path::Path;
    use std::sync::Arc;

    use iamwatch_collect::{
        Cancel, CollectSettings, Connection, MemorySink, NoProgress, RunReport, StaticCredentials,
    };
    pub use iamwatch_collect_testkit::setup::*;

    /// Collector settings against `endpoint`, state under `dir`, fast retries.
    pub fn settings(endpoint: &str, dir: &Path) -> CollectSettings {
        let mut settings = CollectSettings::new(dir);
        settings.connection = Connection {
            profile: None,
            region: Some(REGION.to_owned()),
            endpoint_url: Some(endpoint.to_owned()),
            credentials: Some(StaticCredentials {
                access_key_id: "testing".to_owned(),
                secret_access_key: "testing".to_owned(),
                session_token: None,
            }),
        };
        settings.regions = Some(vec![REGION.to_owned()]);
        settings.retry.initial_backoff = std::time::Duration::from_millis(20);
        settings.retry.max_backoff = std::time::Duration::from_millis(200);
        settings.credential_report_wait = std::time::Duration::from_millis(20);
        settings
    }

    /// Runs the collector into memory (no progress, no cancellation); the run must not fail.
    pub async fn collect_in_memory(settings: &CollectSettings) -> (RunReport, Arc<MemorySink>) {
        let sink = Arc::new(MemorySink::default());
        let report = iamwatch_collect::collect(
            settings,
            sink.clone(),
            Arc::new(NoProgress),
            Cancel::default(),
        )
        .await
        .unwrap();
        (report, sink)
    }
}
