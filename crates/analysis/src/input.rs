//! What an audit reads: the model's [`Inventory`] (the organization and, per account, the
//! latest data of each source, as the store loads it) and which accounts to audit.

use std::collections::BTreeSet;

use iamwatch_model::inventory::{AccountInventory, Inventory};
use iamwatch_model::{AccountId, OrgNodeId, Organization, OuId, Snapshot};

/// Which accounts to audit: all of them (the default), or those listed and those under the
/// listed OUs (at any depth).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    pub accounts: BTreeSet<AccountId>,
    pub organizational_units: BTreeSet<OuId>,
}

impl Selection {
    /// Every account.
    pub fn all() -> Self {
        Self::default()
    }

    /// Whether nothing restricts the selection.
    pub fn is_all(&self) -> bool {
        self.accounts.is_empty() && self.organizational_units.is_empty()
    }

    /// Whether the account is selected. OU selection needs the organization to know where the
    /// account sits; without it only listed accounts match.
    pub fn includes(&self, account: &AccountId, organization: Option<&Organization>) -> bool {
        if self.is_all() || self.accounts.contains(account) {
            return true;
        }
        if self.organizational_units.is_empty() {
            return false;
        }
        organization
            .and_then(|org| org.path_to(&OrgNodeId::Account(account.clone())))
            .is_some_and(|path| {
                path.iter().any(|node| match node {
                    OrgNodeId::Ou(ou) => self.organizational_units.contains(ou),
                    _ => false,
                })
            })
    }
}

/// The input of [`crate::audit`]: the inventory and which of its accounts to audit. Accounts
/// outside the selection still count as members of the organization (a trust to them is not
/// external), and their data is not read.
///
/// Every part of an account's inventory is optional: rules that need a missing part skip the
/// account (an audit of a GAAD file alone runs the policy rules; one of a credential report
/// alone runs the credential rules).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditInput {
    pub inventory: Inventory,
    pub selection: Selection,
}

impl AuditInput {
    /// Every account of the inventory.
    pub fn new(inventory: Inventory) -> Self {
        Self {
            inventory,
            selection: Selection::all(),
        }
    }

    /// The inventory of the latest snapshot of each account and source (see
    /// [`Inventory::from_snapshots`]), every account selected.
    pub fn from_snapshots(snapshots: impl IntoIterator<Item = Snapshot>) -> Self {
        Self::new(Inventory::from_snapshots(snapshots))
    }

    /// The same input, auditing only the selected accounts.
    pub fn with_selection(self, selection: Selection) -> Self {
        Self { selection, ..self }
    }

    /// The organization, when the inventory has one.
    pub fn organization(&self) -> Option<&Organization> {
        self.inventory.organization.as_ref()
    }

    /// The inventory of one account (selected or not).
    pub fn account(&self, id: &AccountId) -> Option<&AccountInventory> {
        self.inventory.account(id)
    }

    /// The IDs of the accounts the inventory has data for, in order.
    pub fn account_ids(&self) -> impl Iterator<Item = &AccountId> + '_ {
        self.inventory.accounts.keys()
    }

    /// The accounts the selection includes, by ID.
    pub fn selected_accounts(&self) -> impl Iterator<Item = (&AccountId, &AccountInventory)> + '_ {
        let organization = self.inventory.organization.as_ref();
        self.inventory
            .accounts
            .iter()
            .filter(move |(id, _)| self.selection.includes(id, organization))
    }
}

impl From<Inventory> for AuditInput {
    fn from(inventory: Inventory) -> Self {
        Self::new(inventory)
    }
}
