//! The parts of `scripts/bench-collect` that talk to moto, against 127.0.0.1 only:
//!
//! ```text
//! bench_collect populate ENDPOINT ACCOUNT ROLES   # ROLES roles in ACCOUNT, each with an inline
//!                                                 # policy and its own customer managed policy
//! bench_collect naive ENDPOINT ACCOUNT            # the per-role loop; JSON calls and time
//! bench_collect proxy MOTO_PORT GAAD_PAGE_SIZE    # a fault-free proxy that pages GAAD
//! ```
//!
//! The naive loop is what a collector without GetAccountAuthorizationDetails does: ListRoles,
//! then for every role ListRolePolicies and GetRolePolicy for each inline policy,
//! ListAttachedRolePolicies and, for each attached policy, GetPolicy (for its default version)
//! and GetPolicyVersion. Every call is counted as it is made (the loop is serial).

#![expect(
    clippy::unwrap_used,
    reason = "a benchmark helper: a failed call ends it"
)]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use aws_credential_types::Credentials;
use iamwatch_collect_testkit::proxy::{Faults, Proxy};
use iamwatch_collect_testkit::setup;

/// Roles created at once (moto's server answers requests on threads).
const PARALLEL: usize = 8;

fn usage() -> ! {
    eprintln!(
        "usage: bench_collect populate ENDPOINT ACCOUNT ROLES | naive ENDPOINT ACCOUNT | proxy MOTO_PORT GAAD_PAGE_SIZE"
    );
    std::process::exit(2)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["populate", endpoint, account, roles] => {
            populate(endpoint, account, roles.parse().unwrap_or_else(|_| usage())).await;
        }
        ["naive", endpoint, account] => naive(endpoint, account).await,
        ["proxy", port, size] => {
            let port = port.parse().unwrap_or_else(|_| usage());
            let size = size.parse().unwrap_or_else(|_| usage());
            proxy(port, size).await;
        }
        _ => usage(),
    }
}

/// The SDK config of `account`: an AssumeRole into it (moto routes the session there).
async fn account_config(endpoint: &str, account: &str) -> (aws_types::SdkConfig, u64) {
    let sts = aws_sdk_sts::Client::new(&setup::management(endpoint).await);
    let credentials = sts
        .assume_role()
        .role_arn(format!("arn:aws:iam::{account}:role/iamwatch-bench"))
        .role_session_name("bench")
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    let config = setup::sdk_config(
        endpoint,
        Credentials::new(
            credentials.access_key_id,
            credentials.secret_access_key,
            Some(credentials.session_token),
            None,
            "bench",
        ),
    )
    .await;
    (config, 1)
}

async fn populate(endpoint: &str, account: &str, roles: usize) {
    let (config, _) = account_config(endpoint, account).await;
    let iam = aws_sdk_iam::Client::new(&config);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..roles {
        if tasks.len() >= PARALLEL {
            tasks.join_next().await.unwrap().unwrap();
        }
        let iam = iam.clone();
        tasks.spawn(async move {
            let name = format!("bench-role-{i:05}");
            iam.create_role()
                .role_name(&name)
                .assume_role_policy_document(setup::TRUST)
                .send()
                .await
                .unwrap();
            iam.put_role_policy()
                .role_name(&name)
                .policy_name("inline")
                .policy_document(setup::allow("sqs:SendMessage"))
                .send()
                .await
                .unwrap();
            let policy = iam
                .create_policy()
                .policy_name(format!("{name}-policy"))
                .policy_document(setup::allow("s3:GetObject"))
                .send()
                .await
                .unwrap()
                .policy
                .unwrap();
            iam.attach_role_policy()
                .role_name(&name)
                .policy_arn(policy.arn.unwrap())
                .send()
                .await
                .unwrap();
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    eprintln!(
        "{roles} roles in {account} in {:.1}s",
        started.elapsed().as_secs_f64()
    );
}

#[derive(Default)]
struct Counter(BTreeMap<&'static str, u64>);

impl Counter {
    fn count(&mut self, api: &'static str) {
        *self.0.entry(api).or_default() += 1;
    }
}

async fn naive(endpoint: &str, account: &str) {
    let started = Instant::now();
    let mut calls = Counter::default();
    let (config, assume) = account_config(endpoint, account).await;
    calls.0.insert("sts:AssumeRole", assume);
    let iam = aws_sdk_iam::Client::new(&config);
    let mut roles = Vec::new();
    let mut marker = None;
    loop {
        calls.count("iam:ListRoles");
        let page = iam
            .list_roles()
            .max_items(1000)
            .set_marker(marker.take())
            .send()
            .await
            .unwrap();
        roles.extend(page.roles);
        marker = page.marker.filter(|_| page.is_truncated);
        if marker.is_none() {
            break;
        }
    }
    let mut documents = 0usize;
    for role in &roles {
        let mut marker = None;
        loop {
            calls.count("iam:ListRolePolicies");
            let page = iam
                .list_role_policies()
                .role_name(&role.role_name)
                .set_marker(marker.take())
                .send()
                .await
                .unwrap();
            for name in &page.policy_names {
                calls.count("iam:GetRolePolicy");
                let policy = iam
                    .get_role_policy()
                    .role_name(&role.role_name)
                    .policy_name(name)
                    .send()
                    .await
                    .unwrap();
                documents += usize::from(!policy.policy_document.is_empty());
            }
            marker = page.marker.filter(|_| page.is_truncated);
            if marker.is_none() {
                break;
            }
        }
        let mut marker = None;
        loop {
            calls.count("iam:ListAttachedRolePolicies");
            let page = iam
                .list_attached_role_policies()
                .role_name(&role.role_name)
                .set_marker(marker.take())
                .send()
                .await
                .unwrap();
            for attached in page.attached_policies.unwrap_or_default() {
                let arn = attached.policy_arn.unwrap();
                calls.count("iam:GetPolicy");
                let policy = iam
                    .get_policy()
                    .policy_arn(&arn)
                    .send()
                    .await
                    .unwrap()
                    .policy
                    .unwrap();
                calls.count("iam:GetPolicyVersion");
                let version = iam
                    .get_policy_version()
                    .policy_arn(&arn)
                    .version_id(policy.default_version_id.unwrap())
                    .send()
                    .await
                    .unwrap()
                    .policy_version
                    .unwrap();
                documents += usize::from(version.document.is_some());
            }
            marker = page.marker.filter(|_| page.is_truncated);
            if marker.is_none() {
                break;
            }
        }
    }
    let total: u64 = calls.0.values().sum();
    let elapsed = started.elapsed();
    println!(
        "{}",
        serde_json::json!({
            "roles": roles.len(),
            "documents": documents,
            "calls": total,
            "by_api": calls.0,
            "seconds": elapsed.as_secs_f64(),
        })
    );
}

async fn proxy(moto_port: u16, page_size: usize) {
    let proxy = Proxy::start(
        moto_port,
        Faults {
            gaad_page_size: Some(page_size),
            ..Faults::default()
        },
    )
    .await;
    println!("{}", proxy.endpoint());
    loop {
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
}
