//! One test per lint code, each with a policy written here that must raise it (and, where it
//! matters, a near twin that must not). Citations name the AWS page the rule follows.

#![expect(
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail the test on bad fixtures"
)]

use iamwatch_policy::lint::{Finding, LintCode, LintOptions, PolicyType, Severity, lint_text};

fn lint_as(kind: PolicyType, text: &str) -> Vec<Finding> {
    lint_text(text, &LintOptions::new(kind)).expect("fixture parses")
}

fn codes(kind: PolicyType, text: &str) -> Vec<LintCode> {
    lint_as(kind, text).into_iter().map(|f| f.code).collect()
}

fn identity(statements: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)
}

fn find(findings: &[Finding], code: LintCode) -> &Finding {
    findings
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code:?} in {findings:#?}"))
}

#[test]
fn a_clean_policy_has_no_findings() {
    let text = identity(
        r#"{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::example-bucket/*"}"#,
    );
    assert_eq!(lint_as(PolicyType::Identity, &text), vec![]);
}

#[test]
fn unknown_service() {
    let text = identity(r#"{"Effect":"Allow","Action":"nosuchservice:GetThing","Resource":"*"}"#);
    let findings = lint_as(PolicyType::Identity, &text);
    let finding = find(&findings, LintCode::UnknownService);
    assert_eq!(finding.path, "Statement[0].Action");
    assert_eq!(finding.severity, Severity::Warning);
    assert_eq!((finding.span.line, finding.span.column), (1, 65));
}

#[test]
fn unknown_action_suggests_the_near_name() {
    let text =
        identity(r#"{"Effect":"Allow","Action":["iam:GetRole","iam:GetRoel"],"Resource":"*"}"#);
    let findings = lint_as(PolicyType::Identity, &text);
    let finding = find(&findings, LintCode::UnknownAction);
    assert_eq!(finding.path, "Statement[0].Action[1]");
    assert_eq!(finding.help.as_deref(), Some("did you mean `iam:GetRole`?"));
    // The real action is not reported.
    assert_eq!(
        findings
            .iter()
            .filter(|f| f.code == LintCode::UnknownAction)
            .count(),
        1
    );
}

#[test]
fn action_names_are_case_insensitive() {
    // "The prefix and the action name are case insensitive" (reference_policies_elements_action.html).
    let text = identity(r#"{"Effect":"Allow","Action":"IAM:getrole","Resource":"*"}"#);
    assert!(!codes(PolicyType::Identity, &text).contains(&LintCode::UnknownAction));
}

#[test]
fn pattern_matches_nothing() {
    let text = identity(r#"{"Effect":"Allow","Action":"s3:Frobnicate*","Resource":"*"}"#);
    assert!(codes(PolicyType::Identity, &text).contains(&LintCode::PatternMatchesNothing));
    let good = identity(r#"{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}"#);
    assert!(!codes(PolicyType::Identity, &good).contains(&LintCode::PatternMatchesNothing));
}

#[test]
fn invalid_action() {
    let text = identity(r#"{"Effect":"Allow","Action":"GetObject","Resource":"*"}"#);
    let findings = lint_as(PolicyType::Identity, &text);
    assert_eq!(
        find(&findings, LintCode::InvalidAction).severity,
        Severity::Error
    );
}

#[test]
fn whitespace_in_action() {
    // AWS itself shipped `lambda:ListFunctions ` in SecurityAudit v5: accepted, but flagged.
    let text = identity(
        r#"{"Effect":"Allow","Action":["lambda:ListFunctions ","ec2: DescribeRegions"],"Resource":"*"}"#,
    );
    let found = codes(PolicyType::Identity, &text);
    assert_eq!(
        found
            .iter()
            .filter(|c| **c == LintCode::WhitespaceInAction)
            .count(),
        2
    );
    assert!(!found.contains(&LintCode::InvalidAction));
    assert!(!found.contains(&LintCode::UnknownAction));
}

#[test]
fn trailing_star_arn_patterns_are_complete() {
    let text = identity(r#"{"Effect":"Allow","Action":"waf:GetRule","Resource":"arn:aws:waf:*"}"#);
    assert!(!codes(PolicyType::Identity, &text).contains(&LintCode::MalformedArn));
}

#[test]
fn unknown_condition_key() {
    let text = identity(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:NoSuchKey":"x"}}}"#,
    );
    let findings = lint_as(PolicyType::Identity, &text);
    assert_eq!(
        find(&findings, LintCode::UnknownConditionKey).path,
        "Statement[0].Condition.StringEquals.aws:NoSuchKey"
    );
}

#[test]
fn tag_keys_fill_catalog_placeholders() {
    // aws:PrincipalTag/${TagKey} accepts any tag key (reference_policies_condition-keys.html).
    let text = identity(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/Team":"a","AWS:principaltag/other":"b"}}}"#,
    );
    assert_eq!(lint_as(PolicyType::Identity, &text), vec![]);
}

#[test]
fn provider_keys_in_trust_policies_are_accepted() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":"repo:example-org/app:*"}}}]}"#;
    assert_eq!(lint_as(PolicyType::Trust, text), vec![]);
}

#[test]
fn condition_key_not_for_action() {
    let text = identity(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"ec2:InstanceType":"t3.micro"}}}"#,
    );
    assert!(codes(PolicyType::Identity, &text).contains(&LintCode::ConditionKeyNotForAction));
    let good = identity(
        r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringLike":{"s3:prefix":"home/*"}}}"#,
    );
    assert!(!codes(PolicyType::Identity, &good).contains(&LintCode::ConditionKeyNotForAction));
}

#[test]
fn operator_type_mismatch() {
    let text = identity(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"DateGreaterThan":{"aws:SourceIp":"2026-01-01T00:00:00Z"}}}"#,
    );
    let findings = lint_as(PolicyType::Identity, &text);
    let finding = find(&findings, LintCode::OperatorTypeMismatch);
    assert!(finding.message.contains("IPAddress"), "{}", finding.message);
    // String operators on ARN keys are accepted.
    let good = identity(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::111111111111:role/*"}}}"#,
    );
    assert!(!codes(PolicyType::Identity, &good).contains(&LintCode::OperatorTypeMismatch));
    // ... and ARN operators on String keys that hold ARNs, as AWS's own policies do.
    let arn_on_string = identity(
        r#"{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{"ArnLike":{"kms:EncryptionContext:aws:s3:arn":"arn:aws:s3:::example-bucket/*"}}}"#,
    );
    assert!(!codes(PolicyType::Identity, &arn_on_string).contains(&LintCode::OperatorTypeMismatch));
}

#[test]
fn invalid_condition_values() {
    for (operator, key, value) in [
        ("DateLessThan", "aws:CurrentTime", "\"next tuesday\""),
        ("NumericLessThan", "aws:MultiFactorAuthAge", "\"ten\""),
        ("IpAddress", "aws:SourceIp", "\"203.0.113.0/99\""),
        ("Bool", "aws:SecureTransport", "\"yes\""),
        ("Null", "aws:SourceIp", "\"maybe\""),
    ] {
        let text = identity(&format!(
            r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{{"{operator}":{{"{key}":{value}}}}}}}"#
        ));
        assert!(
            codes(PolicyType::Identity, &text).contains(&LintCode::InvalidConditionValue),
            "{operator}"
        );
    }
    let good = identity(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":3600},"Bool":{"aws:SecureTransport":true},"DateLessThan":{"aws:CurrentTime":"2026-12-31"}}}"#,
    );
    assert!(!codes(PolicyType::Identity, &good).contains(&LintCode::InvalidConditionValue));
}

#[test]
fn set_operator_on_single_valued_key() {
    // "Do not use ... set operators with single-valued context keys"
    // (reference_policies_condition-single-vs-multi-valued-context-keys.html).
    let text = identity(
        r#"{"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:PrincipalAccount":"111111111111"}}}"#,
    );
    assert!(codes(PolicyType::Identity, &text).contains(&LintCode::SetOperatorOnSingleValuedKey));
}

#[test]
fn missing_set_operator_on_multivalued_key() {
    let text = identity(
        r#"{"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:TagKeys":"team"}}}"#,
    );
    assert!(codes(PolicyType::Identity, &text).contains(&LintCode::MissingSetOperator));
    let good = identity(
        r#"{"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":"team"}}}"#,
    );
    assert!(!codes(PolicyType::Identity, &good).contains(&LintCode::MissingSetOperator));
}

#[test]
fn for_all_values_with_allow_needs_a_null_guard() {
    let text = identity(
        r#"{"Effect":"Allow","Action":"ec2:CreateTags","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}}"#,
    );
    assert!(codes(PolicyType::Identity, &text).contains(&LintCode::ForAllValuesWithAllow));
    let guarded = identity(
        r#"{"Effect":"Allow","Action":"ec2:CreateTags","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]},"Null":{"aws:TagKeys":"false"}}}"#,
    );
    assert!(!codes(PolicyType::Identity, &guarded).contains(&LintCode::ForAllValuesWithAllow));
}

#[test]
fn malformed_arn() {
    let text = identity(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":["*","example-bucket/*"]}"#,
    );
    let findings = lint_as(PolicyType::Identity, &text);
    let finding = find(&findings, LintCode::MalformedArn);
    assert_eq!(finding.path, "Statement[0].Resource[1]");
    assert_eq!(finding.severity, Severity::Error);
}

#[test]
fn resource_type_mismatch() {
    let text = identity(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:dynamodb:us-east-1:111111111111:table/Orders"}"#,
    );
    assert!(codes(PolicyType::Identity, &text).contains(&LintCode::ResourceTypeMismatch));
    // sts:AssumeRole applies to IAM role ARNs: the service segments differ, the catalog knows.
    let good = identity(
        r#"{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111111111111:role/Deploy"}"#,
    );
    assert!(!codes(PolicyType::Identity, &good).contains(&LintCode::ResourceTypeMismatch));
    // A bucket ARN does not fit GetObject, which takes objects.
    let bucket = identity(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-bucket"}"#,
    );
    assert!(codes(PolicyType::Identity, &bucket).contains(&LintCode::ResourceTypeMismatch));
}

#[test]
fn principal_not_allowed_in_identity_policies() {
    let text =
        identity(r#"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}"#);
    let findings = lint_as(PolicyType::Identity, &text);
    assert_eq!(
        find(&findings, LintCode::PrincipalNotAllowed).path,
        "Statement[0].Principal"
    );
    assert!(codes(PolicyType::Scp, &text).contains(&LintCode::PrincipalNotAllowed));
}

#[test]
fn principal_missing_in_resource_policies() {
    let text = identity(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-bucket/*"}"#,
    );
    assert!(codes(PolicyType::Resource, &text).contains(&LintCode::PrincipalMissing));
    assert!(codes(PolicyType::Trust, &text).contains(&LintCode::PrincipalMissing));
    assert!(!codes(PolicyType::Identity, &text).contains(&LintCode::PrincipalMissing));
}

#[test]
fn malformed_principal() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111111111111:role/app-*","12345"],"Service":"lambda"},"Action":"sts:AssumeRole"}]}"#;
    let findings = lint_as(PolicyType::Trust, text);
    let paths: Vec<&str> = findings
        .iter()
        .filter(|f| f.code == LintCode::MalformedPrincipal)
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "Statement[0].Principal.AWS[0]",
            "Statement[0].Principal.AWS[1]",
            "Statement[0].Principal.Service"
        ]
    );
}

#[test]
fn not_principal_with_allow() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"111111111111"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::example-bucket/*"}]}"#;
    assert!(codes(PolicyType::Resource, text).contains(&LintCode::NotPrincipalWithAllow));
    let deny = text.replace("\"Allow\"", "\"Deny\"");
    assert!(!codes(PolicyType::Resource, &deny).contains(&LintCode::NotPrincipalWithAllow));
}

#[test]
fn allow_with_not_action_and_not_resource() {
    let text =
        identity(r#"{"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::secret/*"}"#);
    let found = codes(PolicyType::Identity, &text);
    assert!(found.contains(&LintCode::AllowWithNotAction));
    assert!(found.contains(&LintCode::AllowWithNotResource));
    let deny = text.replace("Allow", "Deny");
    let found = codes(PolicyType::Identity, &deny);
    assert!(!found.contains(&LintCode::AllowWithNotAction));
    assert!(!found.contains(&LintCode::AllowWithNotResource));
}

#[test]
fn resource_missing_and_not_allowed() {
    let text = identity(r#"{"Effect":"Allow","Action":"s3:ListAllMyBuckets"}"#);
    assert!(codes(PolicyType::Identity, &text).contains(&LintCode::ResourceMissing));
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]}"#;
    assert!(codes(PolicyType::Trust, trust).contains(&LintCode::ResourceNotAllowed));
}

#[test]
fn redundant_statement() {
    let text = identity(
        r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::example-bucket/*"},{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-bucket/reports/*"}"#,
    );
    let findings = lint_as(PolicyType::Identity, &text);
    assert_eq!(
        find(&findings, LintCode::RedundantStatement).path,
        "Statement[1]"
    );
    // A conditional statement covers nothing for sure.
    let conditional = identity(
        r#"{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}},{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#,
    );
    assert!(!codes(PolicyType::Identity, &conditional).contains(&LintCode::RedundantStatement));
}

#[test]
fn identical_statements_report_the_later_one_only() {
    let statement = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#;
    let text = identity(&format!("{statement},{statement}"));
    let findings = lint_as(PolicyType::Identity, &text);
    let redundant: Vec<&str> = findings
        .iter()
        .filter(|f| f.code == LintCode::RedundantStatement)
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(redundant, ["Statement[1]"]);
}

#[test]
fn shadowed_statement() {
    let text = identity(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-bucket/*"},{"Effect":"Deny","Action":"s3:*","Resource":"*"}"#,
    );
    assert!(codes(PolicyType::Identity, &text).contains(&LintCode::ShadowedStatement));
}

#[test]
fn size_limits_by_policy_type() {
    let actions: Vec<String> = (0..200)
        .map(|i| format!("\"s3:GetObject{i:04}\""))
        .collect();
    let text = identity(&format!(
        r#"{{"Effect":"Allow","Action":[{}],"Resource":"*"}}"#,
        actions.join(",")
    ));
    // About 3,800 characters: over the 2,048 of a trust or session policy, under 6,144.
    assert!(codes(PolicyType::Session, &text).contains(&LintCode::SizeLimitExceeded));
    assert!(!codes(PolicyType::Identity, &text).contains(&LintCode::SizeLimitExceeded));
    // Whitespace is not counted by IAM.
    let padded = text.replace(',', ",                                   ");
    assert!(padded.len() > 6_144);
    assert!(!codes(PolicyType::Identity, &padded).contains(&LintCode::SizeLimitExceeded));
    // Organizations counts every character.
    let spaced_scp = identity(&format!(
        r#"{{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}}{}"#,
        " ".repeat(5_200)
    ));
    assert!(codes(PolicyType::Scp, &spaced_scp).contains(&LintCode::SizeLimitExceeded));
}

#[test]
fn invalid_character() {
    let text = identity(
        "{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/\u{2603}\"}",
    );
    let findings = lint_as(PolicyType::Identity, &text);
    let finding = find(&findings, LintCode::InvalidCharacter);
    assert!(finding.message.contains("U+2603"));
    let latin1 = identity(
        "{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/caf\u{e9}\"}",
    );
    assert!(!codes(PolicyType::Identity, &latin1).contains(&LintCode::InvalidCharacter));
}

#[test]
fn missing_version_and_literal_variables() {
    let text = r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}]}"#;
    let found = codes(PolicyType::Identity, text);
    assert!(found.contains(&LintCode::MissingVersion));
    assert!(found.contains(&LintCode::VariableInOldVersion));
}

#[test]
fn variable_not_allowed() {
    let text = identity(
        r#"{"Effect":"Allow","Action":"s3:${aws:username}","Resource":"*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"${aws:username}"}}}"#,
    );
    let findings = lint_as(PolicyType::Identity, &text);
    let paths: Vec<&str> = findings
        .iter()
        .filter(|f| f.code == LintCode::VariableNotAllowed)
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "Statement[0].Action",
            "Statement[0].Condition.NumericLessThan.aws:MultiFactorAuthAge"
        ]
    );
}

#[test]
fn invalid_and_duplicate_sids() {
    let text = identity(
        r#"{"Sid":"read-objects","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"read-objects","Effect":"Allow","Action":"s3:PutObject","Resource":"*"}"#,
    );
    let found = codes(PolicyType::Identity, &text);
    assert!(found.contains(&LintCode::InvalidSid));
    assert!(found.contains(&LintCode::DuplicateSid));
    // S3 bucket policies accept other characters in a Sid.
    let resource = text.replace(
        r#""Effect":"Allow","#,
        r#""Effect":"Allow","Principal":"*","#,
    );
    assert!(!codes(PolicyType::Resource, &resource).contains(&LintCode::InvalidSid));
}

#[test]
fn id_in_identity_policy() {
    let text = r#"{"Version":"2012-10-17","Id":"x","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#;
    let findings = lint_as(PolicyType::Identity, text);
    assert_eq!(find(&findings, LintCode::IdNotAllowed).path, "Id");
}

#[test]
fn every_code_has_a_test_here() {
    // Keeps this file honest: a new code needs a test above and a name here.
    let tested = [
        "unknown-service",
        "unknown-action",
        "pattern-matches-nothing",
        "invalid-action",
        "whitespace-in-action",
        "unknown-condition-key",
        "condition-key-not-for-action",
        "operator-type-mismatch",
        "invalid-condition-value",
        "set-operator-on-single-valued-key",
        "missing-set-operator",
        "for-all-values-with-allow",
        "malformed-arn",
        "resource-type-mismatch",
        "principal-not-allowed",
        "principal-missing",
        "malformed-principal",
        "not-principal-with-allow",
        "allow-with-not-action",
        "allow-with-not-resource",
        "resource-missing",
        "resource-not-allowed",
        "redundant-statement",
        "shadowed-statement",
        "size-limit-exceeded",
        "invalid-character",
        "missing-version",
        "variable-in-old-version",
        "variable-not-allowed",
        "invalid-sid",
        "duplicate-sid",
        "id-not-allowed",
    ];
    let all: Vec<&str> = LintCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(all, tested);
}

#[test]
fn every_code_is_documented() {
    let doc = include_str!("../../../docs/lint.md");
    for code in LintCode::ALL {
        let row = format!("| `{}` | {} |", code.as_str(), code.severity());
        assert!(
            doc.contains(&row),
            "docs/lint.md lacks the row for {}",
            code.as_str()
        );
    }
}
