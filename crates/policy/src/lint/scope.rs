//! What a statement is about, as the catalog sees it: the actions its `Action` names. Expanding
//! patterns against the catalog is the costly part of the lint, so each statement's expansion is
//! computed at most once and shared by the checks.

use std::cell::OnceCell;

use iamwatch_catalog::{Action, Catalog};

use crate::document::{Policy, Statement};

/// The catalog actions of each statement of one policy, expanded on first use.
pub(super) struct Scopes<'c> {
    catalog: &'c Catalog,
    cells: Vec<OnceCell<Option<Vec<&'c Action>>>>,
}

impl<'c> Scopes<'c> {
    pub(super) fn new(catalog: &'c Catalog, policy: &Policy) -> Self {
        Self {
            catalog,
            cells: policy
                .statements()
                .iter()
                .map(|_| OnceCell::new())
                .collect(),
        }
    }

    /// The actions statement `index` names, or `None` when that cannot be known or is unbounded
    /// (`NotAction`, `*`, or a pattern the catalog does not know).
    pub(super) fn actions(&self, index: usize, statement: &Statement) -> Option<&[&'c Action]> {
        self.cells
            .get(index)?
            .get_or_init(|| expand_statement(self.catalog, statement))
            .as_deref()
    }
}

fn expand_statement<'c>(catalog: &'c Catalog, statement: &Statement) -> Option<Vec<&'c Action>> {
    if statement.action.negated {
        return None;
    }
    let mut actions = Vec::new();
    for value in &statement.action.values {
        let name: String = value.value.chars().filter(|c| !c.is_whitespace()).collect();
        if name == "*" {
            return None;
        }
        let expanded = catalog.expand(&name);
        if expanded.is_empty() {
            return None;
        }
        actions.extend(expanded);
    }
    Some(actions)
}
