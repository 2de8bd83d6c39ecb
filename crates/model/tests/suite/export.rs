use iamwatch_model::export::{
    GaadShape, account_bundle, credential_report_csv, organizations_bundle,
    resource_policies_bundle, write_gaad,
};
use iamwatch_model::import::import_bytes;
use iamwatch_model::{Payload, Snapshot};

use crate::{import, options};

fn reimport(name: &str, bytes: &[u8]) -> Vec<Snapshot> {
    import_bytes(name.as_ref(), bytes, &options())
        .unwrap_or_else(|e| panic!("{e}\n{}", String::from_utf8_lossy(bytes)))
        .snapshots
}

#[test]
fn gaad_round_trips_in_both_shapes() {
    for fixture in ["gaad-cli.json", "config-snapshot.json"] {
        let original = import(fixture).snapshots.remove(0);
        let Payload::Iam(account) = &original.payload else {
            panic!()
        };
        for shape in [GaadShape::Cli, GaadShape::Raw] {
            let bytes = write_gaad(Vec::new(), account, shape).unwrap();
            let again = reimport("gaad.json", &bytes).remove(0);
            assert_eq!(again.payload, original.payload, "{fixture} {shape:?}");
            if shape == GaadShape::Raw {
                let text = String::from_utf8(bytes).unwrap();
                assert!(
                    text.contains("\"AssumeRolePolicyDocument\":\"%7B%22Version%22"),
                    "{text}"
                );
            }
        }
    }
}

#[test]
fn credential_report_round_trips() {
    let original = import("credential-report.csv").snapshots.remove(0);
    let Payload::CredentialReport(report) = &original.payload else {
        panic!()
    };
    let csv = credential_report_csv(report);
    let again = reimport("report.csv", csv.as_bytes()).remove(0);
    assert_eq!(again.content_hash, original.content_hash);
    // The same lines (rows are ordered by ARN in the model).
    let mut written: Vec<&str> = csv.lines().collect();
    let fixture = std::fs::read_to_string(crate::fixture("credential-report.csv")).unwrap();
    let mut expected: Vec<&str> = fixture.lines().collect();
    written.sort_unstable();
    expected.sort_unstable();
    assert_eq!(written, expected);
}

#[test]
fn bundles_round_trip() {
    let taken_at = "2024-05-01T06:00:00Z".parse().unwrap();
    let org = import("organizations.json").snapshots.remove(0);
    let Payload::Organization(organization) = &org.payload else {
        panic!()
    };
    let bundle = organizations_bundle(organization, taken_at).to_string();
    assert_eq!(
        reimport("org.json", bundle.as_bytes())[0].payload,
        org.payload
    );

    let account = import("account.json").snapshots;
    let [
        Payload::PasswordPolicy(p),
        Payload::AccountSummary(s),
        Payload::IdentityProviders(i),
    ] = [
        &account[0].payload,
        &account[1].payload,
        &account[2].payload,
    ]
    else {
        panic!()
    };
    let bundle = account_bundle(&p.account_id, Some(p), Some(s), Some(i), taken_at).to_string();
    let again = reimport("account.json", bundle.as_bytes());
    for (a, b) in again.iter().zip(&account) {
        assert_eq!(a.payload, b.payload);
    }

    let resources = import("resource-policies.json").snapshots.remove(0);
    let Payload::ResourcePolicies(r) = &resources.payload else {
        panic!()
    };
    let bundle = resource_policies_bundle(r, taken_at).to_string();
    assert_eq!(
        reimport("resources.json", bundle.as_bytes())[0].payload,
        resources.payload
    );
}
