//! A collection run: the caller, the organization, the AWS managed policies once, then the
//! accounts with bounded concurrency, each committed as soon as it is complete.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use aws_credential_types::Credentials;
use aws_types::SdkConfig;
use iamwatch_model::{
    AccountId, AccountStatus, Arn, OrgId, Payload, Snapshot, SnapshotSource, Timestamp,
};
use tokio::sync::{Notify, Semaphore};

use crate::aws::{AccountClients, api_error};
use crate::err::CollectError;
use crate::managed::{self, ManagedPolicies};
use crate::meter::{CallCounts, CallTimes, Meter};
use crate::progress::{Phase, Progress};
use crate::runfile::{FinishedAccount, RunState};
use crate::settings::{CollectSettings, Targets};
use crate::{account, org};

/// An error a sink reports.
pub type SinkError = Box<dyn std::error::Error + Send + Sync>;

/// Where snapshots go: the store, in the CLI.
pub trait SnapshotSink: Send + Sync {
    /// Writes the snapshots of one account (or of the organization) in one transaction:
    /// all of them or none.
    fn commit(&self, run_id: &str, snapshots: Vec<Snapshot>) -> Result<(), SinkError>;
}

/// A sink that keeps what it is given, for tests and dry runs.
#[derive(Debug, Default)]
pub struct MemorySink {
    commits: Mutex<Vec<Vec<Snapshot>>>,
}

impl MemorySink {
    /// Every commit so far, in order.
    pub fn commits(&self) -> Vec<Vec<Snapshot>> {
        self.commits
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl SnapshotSink for MemorySink {
    fn commit(&self, _run_id: &str, snapshots: Vec<Snapshot>) -> Result<(), SinkError> {
        self.commits
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(snapshots);
        Ok(())
    }
}

/// Asks a run to stop (Ctrl-C): accounts in flight are abandoned uncommitted, nothing new
/// starts, and what was committed stays.
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<CancelInner>);

#[derive(Debug, Default)]
struct CancelInner {
    flag: AtomicBool,
    notify: Notify,
}

impl Cancel {
    pub fn cancel(&self) {
        self.0.flag.store(true, Ordering::SeqCst);
        self.0.notify.notify_waiters();
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.flag.load(Ordering::SeqCst)
    }

    /// Resolves once [`Cancel::cancel`] is called.
    pub async fn cancelled(&self) {
        loop {
            let notified = self.0.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}

/// How one account ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountResult {
    /// Collected and committed in this run.
    Collected {
        snapshots: usize,
    },
    /// Committed by an earlier attempt of this run (`--resume`).
    AlreadyDone,
    Failed(String),
    /// Not finished when the run was interrupted.
    Interrupted,
}

/// One account of the run summary.
#[derive(Clone, Debug)]
pub struct AccountOutcome {
    pub account: AccountId,
    pub result: AccountResult,
    pub calls: CallCounts,
    /// When each call started, for rates (`--max-rps`).
    pub call_times: CallTimes,
    pub elapsed: Duration,
}

/// What a run did.
#[derive(Clone, Debug)]
pub struct RunReport {
    pub run_id: String,
    pub caller: AccountId,
    pub organization: Option<OrgId>,
    /// Calls made once for the run: caller identity, organization, AWS managed policies.
    pub setup_calls: CallCounts,
    pub managed_policies: usize,
    pub managed_policies_from_cache: bool,
    pub accounts: Vec<AccountOutcome>,
    pub interrupted: bool,
    pub elapsed: Duration,
    pub run_file: PathBuf,
}

impl RunReport {
    /// Every account collected (in this run or an earlier attempt of it).
    pub fn is_complete(&self) -> bool {
        !self.interrupted
            && self.accounts.iter().all(|a| {
                matches!(
                    a.result,
                    AccountResult::Collected { .. } | AccountResult::AlreadyDone
                )
            })
    }

    /// Every call of the run.
    pub fn total_calls(&self) -> CallCounts {
        let mut total = self.setup_calls.clone();
        for account in &self.accounts {
            total.merge(&account.calls);
        }
        total
    }
}

fn run_key(settings: &CollectSettings) -> String {
    let targets = match &settings.targets {
        Targets::Caller => "caller".to_owned(),
        Targets::Organization => "organization".to_owned(),
        Targets::Accounts(list) => {
            let ids: Vec<&str> = list.iter().map(AccountId::as_str).collect();
            format!("accounts {}", ids.join(","))
        }
    };
    match &settings.connection.endpoint_url {
        Some(endpoint) => format!("{targets} at {endpoint}"),
        None => targets,
    }
}

struct Context {
    settings: CollectSettings,
    base: SdkConfig,
    caller: AccountId,
    partition: String,
    managed: ManagedPolicies,
    sink: Arc<dyn SnapshotSink>,
    progress: Arc<dyn Progress>,
    cancel: Cancel,
    state: Mutex<RunState>,
}

impl Context {
    fn update_state(&self, update: impl FnOnce(&mut RunState)) -> Result<(), CollectError> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        update(&mut state);
        state.write(&self.settings.run_file)
    }

    fn run_id(&self) -> String {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .run_id
            .clone()
    }
}

async fn commit(
    sink: &Arc<dyn SnapshotSink>,
    run_id: String,
    label: &str,
    snapshots: Vec<Snapshot>,
) -> Result<(), CollectError> {
    let sink = Arc::clone(sink);
    let result = tokio::task::spawn_blocking(move || sink.commit(&run_id, snapshots)).await;
    match result {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(CollectError::Sink {
            account: label.to_owned(),
            message: error.to_string(),
        }),
        Err(error) => Err(CollectError::Sink {
            account: label.to_owned(),
            message: error.to_string(),
        }),
    }
}

/// Runs a collection.
pub async fn collect(
    settings: &CollectSettings,
    sink: Arc<dyn SnapshotSink>,
    progress: Arc<dyn Progress>,
    cancel: Cancel,
) -> Result<RunReport, CollectError> {
    let started = Instant::now();
    let base = crate::aws::load_base(&settings.connection, &settings.retry).await?;
    let setup_meter = Meter::new(&settings.max_rps);

    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(&base)
            .interceptor(setup_meter.interceptor())
            .build(),
    );
    setup_meter.pace("sts:GetCallerIdentity").await;
    let identity = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| api_error(None, "sts:GetCallerIdentity", &e))?;
    let caller = AccountId::try_from(identity.account.unwrap_or_default())
        .map_err(|e| CollectError::Config(e.to_string()))?;
    let partition = identity
        .arn
        .and_then(|a| Arn::try_from(a).ok())
        .map_or_else(|| "aws".to_owned(), |a| a.partition().to_owned());
    tracing::info!(%caller, %partition, "caller identity");
    let setup = AccountClients::caller(&base, &caller, Arc::clone(&setup_meter));

    let key = run_key(settings);
    let resumed = if settings.resume {
        if !settings.run_file.exists() {
            return Err(CollectError::Resume(format!(
                "there is no run file at `{}`",
                settings.run_file.display()
            )));
        }
        let state = RunState::read(&settings.run_file)?;
        if state.key != key {
            return Err(CollectError::Resume(format!(
                "the run in `{}` collected `{}`, not `{key}`",
                settings.run_file.display(),
                state.key
            )));
        }
        Some(state)
    } else {
        None
    };

    // The organization first: it names the accounts.
    let mut organization_id = None;
    let mut organization_done = resumed.as_ref().is_some_and(|s| s.organization_done);
    let mut org_accounts = Vec::new();
    if settings.targets == Targets::Organization && !organization_done {
        let taken_at = Timestamp::now();
        let organization = org::collect(&setup).await?;
        organization_id = Some(organization.id.clone());
        org_accounts = organization
            .accounts
            .iter()
            .filter(|a| a.status == AccountStatus::Active)
            .map(|a| a.id.clone())
            .collect();
        org_accounts.sort();
        let snapshot = Snapshot::new(
            SnapshotSource::Organizations,
            taken_at,
            Payload::Organization(organization),
        );
        let run_id = resumed
            .as_ref()
            .map(|s| s.run_id.clone())
            .unwrap_or_default();
        commit(&sink, run_id, "organization", vec![snapshot]).await?;
        organization_done = true;
    }

    let mut state = match resumed {
        Some(state) => state,
        None => {
            let accounts = match &settings.targets {
                Targets::Caller => vec![caller.clone()],
                Targets::Organization => org_accounts,
                Targets::Accounts(list) => list.clone(),
            };
            RunState::new(key, caller.clone(), accounts)
        }
    };
    state.organization_done = organization_done;
    state.write(&settings.run_file)?;

    let todo: Vec<AccountId> = state
        .accounts
        .iter()
        .filter(|a| !state.finished.contains_key(*a))
        .cloned()
        .collect();
    progress.planned(state.accounts.len(), state.accounts.len() - todo.len());

    // AWS managed policies: once per partition, from the cache while it is fresh.
    let managed = if todo.is_empty() {
        ManagedPolicies::default()
    } else {
        match managed::load(
            &setup,
            &partition,
            settings.connection.endpoint_url.as_deref(),
            &settings.cache_dir,
            settings.managed_policy_ttl,
        )
        .await
        {
            Ok(managed) => managed,
            Err(error) => {
                // Accounts still refer to the policies by ARN; the catalog has their documents.
                tracing::warn!(%error, "AWS managed policies not read; accounts refer to them by ARN only");
                ManagedPolicies::default()
            }
        }
    };

    let already: Vec<AccountOutcome> = state
        .accounts
        .iter()
        .filter(|a| state.finished.contains_key(*a))
        .map(|a| AccountOutcome {
            account: a.clone(),
            result: AccountResult::AlreadyDone,
            calls: CallCounts::default(),
            call_times: CallTimes::default(),
            elapsed: Duration::ZERO,
        })
        .collect();
    for outcome in &already {
        progress.finished(outcome);
    }

    let run_id = state.run_id.clone();
    let managed_count = managed.len();
    let managed_from_cache = managed.from_cache();
    let context = Arc::new(Context {
        settings: settings.clone(),
        base,
        caller: caller.clone(),
        partition,
        managed,
        sink,
        progress: Arc::clone(&progress),
        cancel: cancel.clone(),
        state: Mutex::new(state),
    });

    let semaphore = Arc::new(Semaphore::new(settings.concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    let mut not_started = Vec::new();
    for account in todo {
        if cancel.is_cancelled() {
            not_started.push(account);
            continue;
        }
        let permit = tokio::select! {
            permit = Arc::clone(&semaphore).acquire_owned() => permit.ok(),
            () = cancel.cancelled() => None,
        };
        let Some(permit) = permit else {
            not_started.push(account);
            continue;
        };
        let context = Arc::clone(&context);
        tasks.spawn(async move {
            let outcome = run_account(&context, account).await;
            drop(permit);
            outcome
        });
    }
    let mut outcomes = already;
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(outcome) => outcomes.push(outcome),
            Err(error) => tracing::error!(%error, "an account task failed"),
        }
    }
    for account in not_started {
        outcomes.push(AccountOutcome {
            account,
            result: AccountResult::Interrupted,
            calls: CallCounts::default(),
            call_times: CallTimes::default(),
            elapsed: Duration::ZERO,
        });
    }
    let order: Vec<AccountId> = context
        .state
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .accounts
        .clone();
    outcomes.sort_by_key(|o| order.iter().position(|a| *a == o.account));

    let interrupted = cancel.is_cancelled();
    let mut report = RunReport {
        run_id,
        caller,
        organization: organization_id,
        setup_calls: setup_meter.snapshot(),
        managed_policies: managed_count,
        managed_policies_from_cache: managed_from_cache,
        accounts: outcomes,
        interrupted,
        elapsed: started.elapsed(),
        run_file: settings.run_file.clone(),
    };
    if report.is_complete() {
        context.update_state(|s| s.completed = true)?;
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

async fn run_account(context: &Context, account: AccountId) -> AccountOutcome {
    let started = Instant::now();
    let meter = Meter::new(&context.settings.max_rps);
    let collected = tokio::select! {
        result = collect_account(context, &account, &meter) => result,
        () = context.cancel.cancelled() => Err(CollectError::Interrupted),
    };
    let result = match collected {
        Ok(snapshots) => {
            context.progress.phase(&account, Phase::Storing);
            let hashes = snapshots.iter().map(|s| s.content_hash).collect();
            let count = snapshots.len();
            let stored = commit(&context.sink, context.run_id(), account.as_str(), snapshots)
                .await
                .and_then(|()| {
                    context.update_state(|s| {
                        s.failed.remove(&account);
                        s.finished.insert(
                            account.clone(),
                            FinishedAccount {
                                at: Timestamp::now(),
                                snapshots: hashes,
                            },
                        );
                    })
                });
            match stored {
                Ok(()) => AccountResult::Collected { snapshots: count },
                Err(error) => AccountResult::Failed(error.to_string()),
            }
        }
        Err(CollectError::Interrupted) => AccountResult::Interrupted,
        Err(error) => {
            let message = error.to_string();
            tracing::warn!(%account, error = %message, "account failed");
            if let Err(error) = context.update_state(|s| {
                s.failed.insert(account.clone(), message.clone());
            }) {
                tracing::warn!(%error, "run file not updated");
            }
            AccountResult::Failed(message)
        }
    };
    let outcome = AccountOutcome {
        account,
        result,
        calls: meter.snapshot(),
        call_times: meter.times(),
        elapsed: started.elapsed(),
    };
    context.progress.finished(&outcome);
    outcome
}

async fn collect_account(
    context: &Context,
    account: &AccountId,
    meter: &Arc<Meter>,
) -> Result<Vec<Snapshot>, CollectError> {
    let clients = if *account == context.caller {
        AccountClients::caller(&context.base, account, Arc::clone(meter))
    } else {
        context.progress.phase(account, Phase::AssumeRole);
        let credentials = assume_role(context, account, meter).await?;
        AccountClients::assumed(&context.base, account, Arc::clone(meter), credentials)
    };
    account::collect(
        &clients,
        &context.managed,
        &context.settings,
        context.progress.as_ref(),
    )
    .await
}

/// AssumeRole into a member account with the caller's credentials.
async fn assume_role(
    context: &Context,
    account: &AccountId,
    meter: &Arc<Meter>,
) -> Result<Credentials, CollectError> {
    let role = &context.settings.role;
    let role_arn = role.role_arn(&context.partition, account);
    let caller = AccountClients::caller(&context.base, &context.caller, Arc::clone(meter));
    let sts = caller.sts(None);
    let output = caller
        .send(
            "sts:AssumeRole",
            sts.assume_role()
                .role_arn(&role_arn)
                .role_session_name(&role.session_name)
                .set_external_id(role.external_id.clone())
                .duration_seconds(3600)
                .send(),
        )
        .await
        .map_err(|error| match error {
            CollectError::Api(api) => CollectError::AssumeRole {
                account: account.clone(),
                role_arn: role_arn.clone(),
                message: api.to_string(),
            },
            other => other,
        })?;
    let credentials = output.credentials.ok_or_else(|| CollectError::AssumeRole {
        account: account.clone(),
        role_arn: role_arn.clone(),
        message: "STS returned no credentials".to_owned(),
    })?;
    let expiry = std::time::SystemTime::try_from(credentials.expiration).ok();
    Ok(Credentials::new(
        credentials.access_key_id,
        credentials.secret_access_key,
        Some(credentials.session_token),
        expiry,
        "iamwatch-assume-role",
    ))
}
