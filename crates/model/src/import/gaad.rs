//! `GetAccountAuthorizationDetails` (GAAD) JSON, read as a stream.
//!
//! Shapes accepted, all detected from the content:
//!
//! * the AWS CLI's output (`aws iam get-account-authorization-details`): one object with
//!   `UserDetailList`, `GroupDetailList`, `RoleDetailList` and `Policies`, documents as JSON
//!   objects (the CLI follows `Marker` and merges the pages);
//! * pages saved one by one (`--max-items`/`--starting-token`, or an SDK loop): several page
//!   objects one after another in the file, or a JSON list of pages; their lists are merged;
//! * the raw API shape: documents as URL-encoded strings (`"%7B%22Version%22…"`), dates as
//!   text or epoch seconds, optionally wrapped in `GetAccountAuthorizationDetailsResponse` /
//!   `GetAccountAuthorizationDetailsResult`.
//!
//! Memory: the file is never held whole. serde's streaming deserializer walks the top-level
//! keys, and each list element (one user, group, role or policy with its versions) is read,
//! converted to the model and dropped before the next is read, so peak memory is the model
//! being built plus one element.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::path::Path;
use std::rc::Rc;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::iam::{AccountAuthorization, AwsManagedPolicyRef, Group, ManagedPolicy, Role, User};
use crate::ids::{AccountId, Arn};
use crate::import::err::{ImportError, InvalidValue};
use crate::import::looks_like::{self, LooksLike};
use crate::import::raw::{
    self, ConvertedPolicy, FieldError, RawGroup, RawPolicy, RawRole, RawUser,
};

/// Reads a GAAD file. `account` is the `--account` override, used when the file names no
/// account (an account without entities) and checked against the ARNs otherwise. `locate`
/// turns a byte offset into a line and a 0-based column (it rereads the source: it is only
/// called for an error).
pub(crate) fn read<R: Read>(
    path: &Path,
    reader: R,
    account: Option<&AccountId>,
    locate: &dyn Fn(u64) -> (usize, usize),
) -> Result<AccountAuthorization, ImportError> {
    let tracker = Rc::new(Tracker::default());
    let mut source = Source::new(reader, Rc::clone(&tracker));
    let mut builder = Builder {
        tracker,
        ..Builder::default()
    };
    let mut values = 0usize;
    loop {
        if !source
            .skip_whitespace()
            .map_err(|source| io_error(path, source))?
        {
            break;
        }
        let start = source.tracker.offset.get();
        let mut deserializer = serde_json::Deserializer::from_reader(&mut source);
        if let Err(error) = PageSeed(&mut builder).deserialize(&mut deserializer) {
            return Err(builder.error(path, &error, start, locate));
        }
        values += 1;
    }
    if values == 0 {
        return Err(ImportError::Empty {
            path: path.to_owned(),
        });
    }
    builder.finish(path, account)
}

fn io_error(path: &Path, source: std::io::Error) -> ImportError {
    ImportError::Io {
        path: path.to_owned(),
        source,
    }
}

/// The line (1-based) and column (0-based, in characters) of a byte offset in a source.
pub(crate) fn locate<R: Read>(mut reader: R, offset: u64) -> (usize, usize) {
    let mut line = 1;
    let mut column = 0;
    let mut remaining = offset;
    let mut buffer = vec![0u8; 64 * 1024];
    while remaining > 0 {
        let Ok(n) = reader.read(&mut buffer) else {
            break;
        };
        if n == 0 {
            break;
        }
        let take = usize::try_from(remaining).map_or(n, |r| r.min(n));
        for &byte in buffer.get(..take).unwrap_or_default() {
            if byte == b'\n' {
                line += 1;
                column = 0;
            } else if byte & 0xC0 != 0x80 {
                column += 1;
            }
        }
        remaining -= take as u64;
    }
    (line, column)
}

/// How far the reader is, shared between the reader and the visitors.
#[derive(Debug, Default)]
struct Tracker {
    /// Bytes handed to the deserializer so far.
    offset: Cell<u64>,
    /// Set by a visitor before it reads a list element: the offset of the element's first byte
    /// is recorded in `mark`.
    marking: Cell<bool>,
    mark: Cell<Option<u64>>,
}

/// The buffered reader under the deserializer. serde_json reads a byte at a time, so this is
/// kept to a bounds check and a copy; positions are byte offsets, turned into lines and
/// columns only for an error.
struct Source<R> {
    inner: R,
    buffer: Box<[u8]>,
    position: usize,
    filled: usize,
    tracker: Rc<Tracker>,
}

impl<R: Read> Source<R> {
    fn new(inner: R, tracker: Rc<Tracker>) -> Self {
        Self {
            inner,
            buffer: vec![0u8; 256 * 1024].into_boxed_slice(),
            position: 0,
            filled: 0,
            tracker,
        }
    }

    /// Refills an exhausted buffer; `false` at the end of the input.
    fn fill(&mut self) -> std::io::Result<bool> {
        while self.position >= self.filled {
            match self.inner.read(&mut self.buffer) {
                Ok(0) => return Ok(false),
                Ok(n) => {
                    self.position = 0;
                    self.filled = n;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    }

    fn advance(&mut self, n: usize) {
        self.position += n;
        self.tracker
            .offset
            .set(self.tracker.offset.get() + n as u64);
    }

    /// Skips whitespace (and a UTF-8 byte order mark at the start); `false` at the end.
    fn skip_whitespace(&mut self) -> std::io::Result<bool> {
        loop {
            if !self.fill()? {
                return Ok(false);
            }
            let available = self
                .buffer
                .get(self.position..self.filled)
                .unwrap_or_default();
            if self.tracker.offset.get() == 0 && available.starts_with(&[0xEF, 0xBB, 0xBF]) {
                self.advance(3);
                continue;
            }
            let skip = available
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                .count();
            let rest = available.len() - skip;
            self.advance(skip);
            if rest > 0 {
                return Ok(true);
            }
        }
    }
}

impl<R: Read> Read for Source<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        // serde_json asks for one byte at a time: keep that path to a load and a store.
        if let ([slot], Some(&byte)) = (&mut *out, self.buffer.get(self.position)) {
            if self.position < self.filled {
                *slot = byte;
                if self.tracker.marking.get()
                    && !matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | b',')
                {
                    self.tracker.marking.set(false);
                    self.tracker.mark.set(Some(self.tracker.offset.get()));
                }
                self.advance(1);
                return Ok(1);
            }
        }
        if !self.fill()? {
            return Ok(0);
        }
        let available = self
            .buffer
            .get(self.position..self.filled)
            .unwrap_or_default();
        let n = out.len().min(available.len());
        let (Some(to), Some(from)) = (out.get_mut(..n), available.get(..n)) else {
            return Ok(0);
        };
        to.copy_from_slice(from);
        if self.tracker.marking.get() {
            if let Some(i) = from
                .iter()
                .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b','))
            {
                self.tracker.marking.set(false);
                self.tracker
                    .mark
                    .set(Some(self.tracker.offset.get() + i as u64));
            }
        }
        self.advance(n);
        Ok(n)
    }
}

/// The model being built, and what the reader learned about the file.
#[derive(Default)]
struct Builder {
    users: Vec<User>,
    groups: Vec<Group>,
    roles: Vec<Role>,
    policies: Vec<ManagedPolicy>,
    aws_managed: BTreeMap<Arn, AwsManagedPolicyRef>,
    /// The account of the first entity, and where it was seen.
    account: Option<(AccountId, String)>,
    /// A GAAD entity list was seen (not only `Policies`).
    entity_lists: bool,
    /// Policies were seen, and how many had a version list.
    policies_seen: usize,
    policies_with_versions: usize,
    /// `IsTruncated` of the last page that said.
    last_truncated: Option<bool>,
    /// Where the element being read is (`RoleDetailList[3]`), for errors.
    at: String,
    /// The file turned out to be something else.
    foreign: Option<LooksLike>,
    tracker: Rc<Tracker>,
    /// A list element is being read (its start is the tracker's mark).
    in_element: bool,
}

impl Builder {
    fn note_account(&mut self, arn: &Arn, at: &str) -> Result<(), String> {
        let Some(account) = arn.account() else {
            self.at = format!("{at}.Arn");
            return Err(format!("`{arn}` names no account"));
        };
        match &self.account {
            None => {
                self.account = Some((account, at.to_owned()));
                Ok(())
            }
            Some((first, first_at)) if *first != account => {
                let message = format!(
                    "`{arn}` is in account `{account}`, but `{first_at}` is in `{first}`: a GAAD file holds one account"
                );
                self.at = format!("{at}.Arn");
                Err(message)
            }
            Some(_) => Ok(()),
        }
    }

    /// Records the position of the next list element's first byte.
    fn mark_next_element(&mut self) {
        self.tracker.marking.set(true);
        self.tracker.mark.set(None);
        self.in_element = true;
    }

    fn field_error(&mut self, list: &str, index: usize, error: FieldError) -> String {
        self.at = if error.field.is_empty() {
            format!("{list}[{index}]")
        } else {
            format!("{list}[{index}].{}", error.field)
        };
        error.message
    }

    fn add_user(&mut self, raw: RawUser, index: usize) -> Result<(), String> {
        let user = raw::user(raw).map_err(|e| self.field_error("UserDetailList", index, e))?;
        let at = format!("UserDetailList[{index}]");
        self.note_account(&user.arn, &at)?;
        self.users.push(user);
        Ok(())
    }

    fn add_group(&mut self, raw: RawGroup, index: usize) -> Result<(), String> {
        let group = raw::group(raw).map_err(|e| self.field_error("GroupDetailList", index, e))?;
        let at = format!("GroupDetailList[{index}]");
        self.note_account(&group.arn, &at)?;
        self.groups.push(group);
        Ok(())
    }

    fn add_role(&mut self, raw: RawRole, index: usize) -> Result<(), String> {
        let role = raw::role(raw).map_err(|e| self.field_error("RoleDetailList", index, e))?;
        let at = format!("RoleDetailList[{index}]");
        self.note_account(&role.arn, &at)?;
        self.roles.push(role);
        Ok(())
    }

    fn add_policy(&mut self, raw: RawPolicy, index: usize) -> Result<(), String> {
        self.policies_seen += 1;
        if raw.policy_version_list.is_some() {
            self.policies_with_versions += 1;
        }
        if raw.organizations_aws_managed.is_some() && raw.policy_name.is_none() {
            self.foreign = Some(looks_like::ORGANIZATIONS_LIST_POLICIES);
            return Err("foreign".to_owned());
        }
        match raw::policy(raw).map_err(|e| self.field_error("Policies", index, e))? {
            ConvertedPolicy::Customer(policy) => {
                let at = format!("Policies[{index}]");
                self.note_account(&policy.arn, &at)?;
                self.policies.push(policy);
            }
            ConvertedPolicy::AwsManaged(reference) => {
                self.aws_managed.insert(reference.arn.clone(), reference);
            }
        }
        Ok(())
    }

    /// Turns a deserializer error into an import error with the file's line and column.
    fn error(
        &self,
        path: &Path,
        error: &serde_json::Error,
        start: u64,
        locate: &dyn Fn(u64) -> (usize, usize),
    ) -> ImportError {
        if let Some(foreign) = &self.foreign {
            return foreign.error(path);
        }
        let element_start = if self.in_element {
            self.tracker.mark.get()
        } else {
            None
        };
        let (line, column) = match (error.classify(), element_start) {
            (serde_json::error::Category::Data, Some(mark)) => {
                let (line, column) = locate(mark);
                (line, column + 1)
            }
            _ => {
                // serde_json counts from the start of this value.
                let (base_line, base_column) = locate(start);
                let line = base_line + error.line().saturating_sub(1);
                let column = if error.line() <= 1 {
                    base_column + error.column()
                } else {
                    error.column()
                };
                (line, column)
            }
        };
        let message = strip_position(&error.to_string());
        match error.classify() {
            serde_json::error::Category::Io => ImportError::Io {
                path: path.to_owned(),
                source: std::io::Error::other(message),
            },
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                ImportError::Json {
                    path: path.to_owned(),
                    line,
                    column,
                    message,
                }
            }
            serde_json::error::Category::Data => InvalidValue::new(path, self.at.clone(), message)
                .at_position(Some(line), Some(column))
                .into(),
        }
    }

    fn finish(
        self,
        path: &Path,
        account: Option<&AccountId>,
    ) -> Result<AccountAuthorization, ImportError> {
        if !self.entity_lists {
            if self.policies_seen > 0 && self.policies_with_versions == 0 {
                return Err(looks_like::IAM_LIST_POLICIES.error(path));
            }
            if self.policies_seen == 0 {
                return Err(InvalidValue::new(
                    path,
                    "",
                    "holds none of `UserDetailList`, `GroupDetailList`, `RoleDetailList`, `Policies`",
                )
                .with_help("export it with `aws iam get-account-authorization-details`")
                .into());
            }
        }
        if self.last_truncated == Some(true) {
            return Err(InvalidValue::new(
                path,
                "IsTruncated",
                "the last page says `IsTruncated: true`: pages are missing",
            )
            .with_help(
                "export again without `--max-items` (the AWS CLI then follows `Marker` itself), or add the missing pages to the file",
            )
            .into());
        }
        let account_id = match (self.account, account) {
            (Some((found, _)), Some(expected)) if found != *expected => {
                return Err(ImportError::AccountMismatch {
                    path: path.to_owned(),
                    expected: expected.to_string(),
                    found: found.to_string(),
                });
            }
            (Some((found, _)), _) => found,
            (None, Some(expected)) => expected.clone(),
            (None, None) => {
                return Err(ImportError::MissingAccount {
                    path: path.to_owned(),
                });
            }
        };
        let mut authorization = AccountAuthorization {
            account_id,
            users: self.users,
            groups: self.groups,
            roles: self.roles,
            policies: self.policies,
            aws_managed_policies: self.aws_managed.into_values().collect(),
        };
        raw::add_referenced_aws_managed(&mut authorization);
        Ok(authorization)
    }
}

/// `missing field `Arn` at line 3 column 5` → `missing field `Arn``.
pub(crate) fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message.get(..index).unwrap_or(message).to_owned(),
        None => message.to_owned(),
    }
}

/// One page object, or a list of them.
struct PageSeed<'a>(&'a mut Builder);

impl<'de> DeserializeSeed<'de> for PageSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PageSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GetAccountAuthorizationDetails page object or a list of them")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let builder = self.0;
        let mut index = 0;
        loop {
            builder.at = format!("[{index}]");
            if seq.next_element_seed(PageSeed(builder))?.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let builder = self.0;
        while let Some(key) = map.next_key::<String>()? {
            builder.at = key.clone();
            match key.as_str() {
                "UserDetailList" => {
                    builder.entity_lists = true;
                    map.next_value_seed(ListSeed {
                        builder,
                        list: List::Users,
                    })?;
                }
                "GroupDetailList" => {
                    builder.entity_lists = true;
                    map.next_value_seed(ListSeed {
                        builder,
                        list: List::Groups,
                    })?;
                }
                "RoleDetailList" => {
                    builder.entity_lists = true;
                    map.next_value_seed(ListSeed {
                        builder,
                        list: List::Roles,
                    })?;
                }
                "Policies" => map.next_value_seed(ListSeed {
                    builder,
                    list: List::Policies,
                })?,
                "GetAccountAuthorizationDetailsResponse"
                | "GetAccountAuthorizationDetailsResult" => {
                    builder.entity_lists = true;
                    map.next_value_seed(PageSeed(builder))?;
                }
                "IsTruncated" => {
                    builder.last_truncated = Some(map.next_value::<bool>()?);
                }
                other => {
                    if let Some(foreign) = looks_like::by_key(other) {
                        builder.foreign = Some(foreign);
                        return Err(de::Error::custom("foreign"));
                    }
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum List {
    Users,
    Groups,
    Roles,
    Policies,
}

/// One entity list, read one element at a time.
struct ListSeed<'a> {
    builder: &'a mut Builder,
    list: List,
}

impl<'de> DeserializeSeed<'de> for ListSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ListSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let builder = self.builder;
        let name = match self.list {
            List::Users => "UserDetailList",
            List::Groups => "GroupDetailList",
            List::Roles => "RoleDetailList",
            List::Policies => "Policies",
        };
        let mut index = 0;
        loop {
            builder.at = format!("{name}[{index}]");
            builder.mark_next_element();
            let added = match self.list {
                List::Users => seq
                    .next_element::<RawUser>()?
                    .map(|raw| builder.add_user(raw, index)),
                List::Groups => seq
                    .next_element::<RawGroup>()?
                    .map(|raw| builder.add_group(raw, index)),
                List::Roles => seq
                    .next_element::<RawRole>()?
                    .map(|raw| builder.add_role(raw, index)),
                List::Policies => seq
                    .next_element::<RawPolicy>()?
                    .map(|raw| builder.add_policy(raw, index)),
            };
            match added {
                None => {
                    builder.in_element = false;
                    return Ok(());
                }
                Some(Err(message)) => return Err(de::Error::custom(message)),
                Some(Ok(())) => index += 1,
            }
        }
    }
}
