//! Audit input: selection by account and OU, assembly from snapshots.

use std::collections::BTreeSet;

use iamwatch_analysis::{AuditInput, Selection, audit, demo};
use iamwatch_model::{AccountId, OuId};

#[test]
fn selection_by_account_and_by_ou() {
    let now = demo::now().unwrap();
    let config = demo::config().unwrap();
    let input = demo::input().unwrap().with_selection(Selection {
        accounts: BTreeSet::from([AccountId::parse(demo::SANDBOX).unwrap()]),
        organizational_units: BTreeSet::new(),
    });
    let report = audit(&input, &config, now);
    assert_eq!(report.summary.accounts_audited, 1);
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.account_id.as_str() == demo::SANDBOX)
    );

    // The Workloads OU holds the Prod and Dev OUs.
    let input = input.with_selection(Selection {
        accounts: BTreeSet::new(),
        organizational_units: BTreeSet::from([OuId::parse("ou-a1b2-22222222").unwrap()]),
    });
    let report = audit(&input, &config, now);
    let accounts: BTreeSet<&str> = report
        .findings
        .iter()
        .map(|f| f.account_id.as_str())
        .collect();
    assert_eq!(accounts, BTreeSet::from([demo::PROD, demo::DEV]));
    // Unselected accounts still count as members of the organization: the prod role trusting
    // the security account is no external trust.
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.message.contains("trusts account 222222222222"))
    );
}

#[test]
fn the_demo_snapshots_verify_and_rebuild_the_input() {
    let snapshots = demo::snapshots().unwrap();
    // One organization snapshot, five per account, and resource policies for two accounts.
    assert_eq!(snapshots.len(), 1 + 5 * 5 + 2);
    assert!(snapshots.iter().all(|s| s.verify()));
    let rebuilt = AuditInput::from_snapshots(snapshots);
    assert_eq!(rebuilt, demo::input().unwrap());
    assert_eq!(rebuilt.inventory.accounts.len(), 5);
}

#[test]
fn the_latest_snapshot_of_a_source_wins() {
    let mut snapshots = demo::snapshots().unwrap();
    let older = snapshots
        .iter()
        .find(|s| matches!(&s.payload, iamwatch_model::Payload::Iam(iam) if iam.account_id.as_str() == demo::SANDBOX))
        .cloned()
        .unwrap();
    let mut emptied = older.clone();
    if let iamwatch_model::Payload::Iam(iam) = &mut emptied.payload {
        iam.roles.clear();
    }
    emptied.taken_at = "2026-11-02T00:00:00Z".parse().unwrap();
    snapshots.push(emptied);
    let input = AuditInput::from_snapshots(snapshots);
    let sandbox = input
        .inventory
        .account(&AccountId::parse(demo::SANDBOX).unwrap())
        .unwrap();
    assert!(sandbox.iam.as_ref().unwrap().roles.is_empty());
}
