//! `--max-rps`: a capped API's calls, as the meter timed them, never exceed the cap in any
//! one-second window, and span the time the cap implies.

use std::time::Duration;

use iamwatch_collect::{AccountResult, Targets};

use crate::support::moto::Moto;
use crate::support::setup;

const CAPPED: &str = "iam:GetOpenIDConnectProvider";
const RATE: f64 = 4.0;
const PROVIDERS: usize = 12;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_rps_caps_the_rate_of_an_api() {
    let moto = Moto::start();
    let endpoint = moto.endpoint();
    let config = setup::management(&endpoint).await;
    let iam = aws_sdk_iam::Client::new(&config);
    // One GetOpenIDConnectProvider call per provider: twelve calls of one API in one account.
    for i in 0..PROVIDERS {
        iam.create_open_id_connect_provider()
            .url(format!("https://oidc{i}.example.com"))
            .client_id_list("sts.amazonaws.com")
            .thumbprint_list("6938fd4d98bab03faadb97b34396831e3780aea1")
            .send()
            .await
            .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let mut settings = setup::settings(&endpoint, dir.path());
    settings.targets = Targets::Caller;
    settings.resource_policies = false;
    // The key is compared without case, as the CLI's flag is.
    settings
        .max_rps
        .insert("IAM:GetOpenIdConnectProvider".to_owned(), RATE);
    let (report, _) = setup::collect_in_memory(&settings).await;
    let [outcome] = report.accounts.as_slice() else {
        panic!("one account: {report:#?}")
    };
    assert_eq!(outcome.result, AccountResult::Collected { snapshots: 5 });
    assert_eq!(outcome.calls.get(CAPPED).calls, PROVIDERS as u64);

    let starts = &outcome.call_times.0[CAPPED];
    assert_eq!(starts.len(), PROVIDERS);
    // The pacer spaces the calls' slots 1/RATE apart; a call goes out a little after its
    // slot, so one window may catch one call more than the cap, never two.
    let peak = outcome.call_times.peak(CAPPED, Duration::from_secs(1));
    assert!(
        peak <= RATE as usize + 1,
        "{peak} calls in one second: {starts:?}"
    );
    // Over the run: the rate between the first and the last call is at most the cap.
    let span = starts[PROVIDERS - 1] - starts[0];
    let rate = (PROVIDERS - 1) as f64 / span.as_secs_f64();
    assert!(
        rate <= RATE * 1.05,
        "{rate:.2} calls/s over {span:?}: {starts:?}"
    );
}
