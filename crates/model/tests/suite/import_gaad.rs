use iamwatch_model::import::{Format, ImportError, ImportOptions, import_bytes, import_file};
use iamwatch_model::{
    AccountAuthorization, AccountId, Arn, Payload, SnapshotScope, SnapshotSource,
};

use crate::{fixture, import, import_err, options};

fn iam(name: &str) -> AccountAuthorization {
    let imported = import(name);
    assert_eq!(imported.format, Format::Gaad);
    assert_eq!(imported.snapshots.len(), 1);
    let snapshot = &imported.snapshots[0];
    assert_eq!(snapshot.source, SnapshotSource::Gaad);
    assert!(snapshot.verify());
    match &snapshot.payload {
        Payload::Iam(account) => account.clone(),
        other => panic!("{other:?}"),
    }
}

fn arn(text: &str) -> Arn {
    Arn::parse(text).unwrap()
}

#[test]
fn cli_shape() {
    let account = iam("gaad-cli.json");
    assert_eq!(account.account_id.as_str(), "123456789012");
    assert_eq!(account.users.len(), 3);
    assert_eq!(account.groups.len(), 2);
    assert_eq!(account.roles.len(), 4);
    assert_eq!(account.policies.len(), 3, "customer managed only");

    let alice = account
        .user(&arn("arn:aws:iam::123456789012:user/alice"))
        .unwrap();
    assert_eq!(alice.groups, ["developers"]);
    assert_eq!(alice.inline_policies[0].name, "own-prefix");
    assert!(
        alice.inline_policies[0]
            .document
            .as_str()
            .contains("${aws:username}")
    );
    assert_eq!(
        alice.attached_policies[0].arn.as_str(),
        "arn:aws:iam::aws:policy/ReadOnlyAccess"
    );
    assert_eq!(
        alice.permissions_boundary.as_ref().unwrap().arn.as_str(),
        "arn:aws:iam::123456789012:policy/boundaries/developer-boundary"
    );
    assert_eq!(alice.tags.len(), 2);
    assert_eq!(
        alice.create_date.unwrap().to_string(),
        "2019-03-04T05:06:07Z"
    );

    let deploy = account
        .role(&arn("arn:aws:iam::123456789012:role/deploy"))
        .unwrap();
    assert_eq!(deploy.max_session_duration, Some(7200));
    assert_eq!(
        deploy.description.as_deref(),
        Some("cross-account deployer")
    );
    let last = deploy.last_used.as_ref().unwrap();
    assert_eq!(last.region.as_deref(), Some("eu-west-1"));
    assert!(last.last_used_date.is_some());
    assert!(
        deploy
            .trust_policy
            .as_ref()
            .unwrap()
            .as_str()
            .contains("210987654321")
    );
    // Trust documents parse with the policy crate.
    deploy.trust_policy.as_ref().unwrap().parse().unwrap();

    let web = account
        .role(&arn("arn:aws:iam::123456789012:role/web"))
        .unwrap();
    assert_eq!(web.instance_profiles.len(), 1);
    assert_eq!(
        web.instance_profiles[0].roles,
        std::slice::from_ref(&web.arn)
    );
    let never_used = account
        .role(&arn("arn:aws:iam::123456789012:role/github-actions"))
        .unwrap();
    assert_eq!(never_used.last_used.as_ref().unwrap().last_used_date, None);
    let slr = account
        .roles
        .iter()
        .find(|r| r.name == "AWSServiceRoleForElasticLoadBalancing")
        .unwrap();
    assert!(slr.is_service_linked());

    let deploy_policy = account
        .policy(&arn("arn:aws:iam::123456789012:policy/deploy"))
        .unwrap();
    assert_eq!(deploy_policy.versions.len(), 2);
    assert_eq!(deploy_policy.default_version_id, "v2");
    assert!(
        deploy_policy
            .default_document()
            .unwrap()
            .as_str()
            .contains("s3:PutObject")
    );

    // AWS managed: the one listed with its document, the ones only attached without.
    let s3 = account
        .aws_managed_policy(&arn("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"))
        .unwrap();
    assert_eq!(s3.default_version_id.as_deref(), Some("v3"));
    assert!(s3.document.as_ref().unwrap().as_str().contains("s3:List*"));
    let read_only = account
        .aws_managed_policy(&arn("arn:aws:iam::aws:policy/ReadOnlyAccess"))
        .unwrap();
    assert_eq!(read_only.document, None);
}

#[test]
fn unicode_names_survive() {
    let account = iam("gaad-cli.json");
    let jose = account
        .users
        .iter()
        .find(|u| u.name == "josé-日本")
        .unwrap();
    assert_eq!(jose.path, "/ünïcode/");
    assert_eq!(
        jose.arn.as_str(),
        "arn:aws:iam::123456789012:user/ünïcode/josé-日本"
    );
    assert_eq!(jose.tags[0].key, "名前");
}

#[test]
fn pages_one_after_another_or_in_a_list_merge_to_the_same_snapshot() {
    let whole = import("gaad-cli.json").snapshots.remove(0);
    let pages = import("gaad-pages.json").snapshots.remove(0);
    let list = import("gaad-pages-array.json").snapshots.remove(0);
    assert_eq!(whole.payload, pages.payload);
    assert_eq!(whole.content_hash, pages.content_hash);
    assert_eq!(whole.content_hash, list.content_hash);
}

#[test]
fn raw_api_shape_gives_the_same_documents() {
    let cli = iam("gaad-cli.json");
    let raw = iam("gaad-raw.json");
    assert_eq!(cli.users, raw.users);
    assert_eq!(cli.groups, raw.groups);
    assert_eq!(cli.policies, raw.policies);
    assert_eq!(cli.aws_managed_policies, raw.aws_managed_policies);
    for (a, b) in cli.roles.iter().zip(&raw.roles) {
        assert_eq!(a.trust_policy, b.trust_policy);
        assert_eq!(a.inline_policies, b.inline_policies);
    }
    // Epoch seconds in the raw fixture.
    assert_eq!(raw.roles[0].create_date.unwrap().as_second(), 1583118245);
}

#[test]
fn identical_reimport_has_the_same_hash_and_a_change_does_not() {
    let a = import("gaad-cli.json").snapshots.remove(0);
    let b = import_file(
        &fixture("gaad-cli.json"),
        &ImportOptions::default().taken_at("2025-01-01T00:00:00Z".parse().unwrap()),
    )
    .unwrap()
    .snapshots
    .remove(0);
    assert_eq!(a.content_hash, b.content_hash);
    assert_ne!(a.taken_at, b.taken_at);
    let text = std::fs::read_to_string(fixture("gaad-cli.json")).unwrap();
    let changed = text.replace(
        "\"MaxSessionDuration\": 7200",
        "\"MaxSessionDuration\": 3600",
    );
    assert_ne!(text, changed);
    let c = import_bytes("changed.json".as_ref(), changed.as_bytes(), &options())
        .unwrap()
        .snapshots
        .remove(0);
    assert_ne!(a.content_hash, c.content_hash);
}

#[test]
fn empty_account_needs_the_account() {
    let error = import_err("gaad-empty.json");
    assert!(
        matches!(error, ImportError::MissingAccount { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("gaad-empty.json"));
    let account = AccountId::parse("111111111111").unwrap();
    let imported = import_file(
        &fixture("gaad-empty.json"),
        &options().account(account.clone()),
    )
    .unwrap();
    assert_eq!(
        imported.snapshots[0].scope,
        SnapshotScope::Account(account.clone())
    );
    let Payload::Iam(iam) = &imported.snapshots[0].payload else {
        panic!()
    };
    assert_eq!(*iam, AccountAuthorization::empty(account));
}

#[test]
fn account_override_must_agree_with_the_arns() {
    let error = import_file(
        &fixture("gaad-cli.json"),
        &options().account(AccountId::parse("210987654321").unwrap()),
    )
    .unwrap_err();
    assert!(
        matches!(error, ImportError::AccountMismatch { .. }),
        "{error}"
    );
}

#[test]
fn truncated_json_points_at_the_end() {
    let error = import_err("gaad-truncated.json");
    let ImportError::Json { line, column, .. } = &error else {
        panic!("{error}")
    };
    assert!(*line > 100, "{error}");
    assert!(*column > 0);
    let text = error.to_string();
    assert!(text.starts_with("`"), "{text}");
    assert!(
        text.contains("gaad-truncated.json` is not valid JSON at line"),
        "{text}"
    );
}

#[test]
fn an_invalid_value_names_the_path_and_the_element_line() {
    let error = import_err("gaad-bad-arn.json");
    let ImportError::Invalid(invalid) = &error else {
        panic!("{error}")
    };
    assert_eq!(invalid.at(), "RoleDetailList[1].Arn");
    assert_eq!(invalid.message(), "`web-role` is not an ARN");
    // The line of the element's opening brace.
    let text = std::fs::read_to_string(fixture("gaad-bad-arn.json")).unwrap();
    let line = invalid.line().unwrap();
    let opening = text.lines().nth(line - 1).unwrap().trim();
    assert_eq!(opening, "{", "line {line}");
    let next = text.lines().nth(line).unwrap();
    assert!(next.contains("\"Path\""), "{next}");
    assert!(
        text.lines()
            .skip(line)
            .take(5)
            .any(|l| l.contains("\"RoleName\": \"web\""))
    );
}

#[test]
fn two_accounts_in_one_file_are_refused() {
    let error = import_err("gaad-two-accounts.json");
    let ImportError::Invalid(invalid) = &error else {
        panic!("{error}")
    };
    assert_eq!(invalid.at(), "RoleDetailList[2].Arn");
    assert!(
        invalid.message().contains("a GAAD file holds one account"),
        "{error}"
    );
}

#[test]
fn missing_pages_are_refused() {
    let error = import_err("gaad-missing-pages.json");
    assert!(error.to_string().contains("IsTruncated"), "{error}");
}

#[test]
fn error_positions_count_lines_of_earlier_pages() {
    let mut text = std::fs::read_to_string(fixture("gaad-pages.json")).unwrap();
    let total_lines = text.lines().count();
    text.push_str("{\"UserDetailList\": [}\n");
    let error = import_bytes("pages.json".as_ref(), text.as_bytes(), &options()).unwrap_err();
    let ImportError::Json { line, column, .. } = error else {
        panic!("{error}")
    };
    assert_eq!((line, column), (total_lines + 1, 21));
}

#[test]
fn other_files_that_start_like_gaad_are_named() {
    let error = import_err("organizations-list-policies.json");
    assert!(
        error
            .to_string()
            .contains("`aws organizations list-policies` output"),
        "{error}"
    );
    let error = import_bytes(
        "list-policies.json".as_ref(),
        br#"{"Policies": [{"PolicyName": "p", "PolicyId": "ANPAEXAMPLE", "Arn": "arn:aws:iam::123456789012:policy/p", "DefaultVersionId": "v1"}]}"#,
        &options(),
    )
    .unwrap_err();
    assert!(
        error.to_string().contains("`aws iam list-policies` output"),
        "{error}"
    );
}

#[test]
fn every_truncation_is_an_error_never_a_partial_import() {
    for name in ["gaad-cli.json", "gaad-raw.json", "gaad-pages.json"] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let end = bytes.len()
            - bytes
                .iter()
                .rev()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
        for cut in (1..end).step_by(61) {
            let result = import_bytes("cut.json".as_ref(), &bytes[..cut], &options());
            // A cut right after a complete page object of a multi-page file is a valid file with
            // fewer pages; it is refused by `IsTruncated: true` instead.
            assert!(result.is_err(), "{name} cut at {cut} imported");
        }
    }
}

#[test]
fn corrupted_bytes_never_panic() {
    let bytes = std::fs::read(fixture("gaad-cli.json")).unwrap();
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    for _ in 0..300 {
        let mut corrupt = bytes.clone();
        for _ in 0..3 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let at = (state % corrupt.len() as u64) as usize;
            corrupt[at] = (state >> 32) as u8;
        }
        let _ = import_bytes("corrupt.json".as_ref(), &corrupt, &options());
    }
}
