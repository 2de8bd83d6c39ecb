//! The run file: what a run set out to do and which accounts are done, rewritten atomically
//! after each account so that `--resume` can skip them after a crash or a Ctrl-C.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use iamwatch_model::{AccountId, ContentHash, Timestamp};
use serde::{Deserialize, Serialize};

use crate::err::CollectError;

const VERSION: u32 = 1;

/// The state of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunState {
    pub version: u32,
    pub run_id: String,
    pub started_at: Timestamp,
    /// What was asked (targets and endpoint), so a resume continues the same run.
    pub key: String,
    pub caller: AccountId,
    /// The accounts to collect, in order.
    pub accounts: Vec<AccountId>,
    /// The organization snapshot was stored.
    pub organization_done: bool,
    pub finished: BTreeMap<AccountId, FinishedAccount>,
    /// The last error of accounts that failed (they are tried again on resume).
    pub failed: BTreeMap<AccountId, String>,
    pub completed: bool,
}

/// An account whose snapshots are in the store.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FinishedAccount {
    pub at: Timestamp,
    pub snapshots: Vec<ContentHash>,
}

impl RunState {
    pub(crate) fn new(key: String, caller: AccountId, accounts: Vec<AccountId>) -> Self {
        let started_at = Timestamp::now();
        Self {
            version: VERSION,
            run_id: format!("{}-{}", started_at.as_second(), std::process::id()),
            started_at,
            key,
            caller,
            accounts,
            organization_done: false,
            finished: BTreeMap::new(),
            failed: BTreeMap::new(),
            completed: false,
        }
    }

    pub fn read(path: &Path) -> Result<Self, CollectError> {
        let bytes = std::fs::read(path).map_err(|e| CollectError::file(path, e))?;
        let state: RunState =
            serde_json::from_slice(&bytes).map_err(|e| CollectError::file(path, e))?;
        if state.version != VERSION {
            return Err(CollectError::Resume(format!(
                "`{}` was written by another version of iamwatch",
                path.display()
            )));
        }
        Ok(state)
    }

    pub(crate) fn write(&self, path: &Path) -> Result<(), CollectError> {
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| CollectError::file(path, e))?;
        write_atomically(path, &bytes)
    }
}

/// Writes `bytes` to a temporary file beside `path`, syncs it and renames it over `path`, so
/// a reader sees the old or the new content, never a part.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CollectError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| CollectError::file(dir, e))?;
    }
    let mut tmp = PathBuf::from(path);
    tmp.set_extension(format!("tmp-{}", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|e| CollectError::file(path, e))
}
