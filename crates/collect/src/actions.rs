//! Every AWS API the collector calls, and the IAM action that authorizes it.
//! `docs/collector-policy.json` allows these and nothing else; a test proves it with the
//! policy engine, and another checks that every call a run makes is listed here.

/// `(API as the meter names it, IAM action)`.
pub const CALLED_APIS: [(&str, &str); 36] = [
    ("sts:GetCallerIdentity", "sts:GetCallerIdentity"),
    ("sts:AssumeRole", "sts:AssumeRole"),
    (
        "iam:GetAccountAuthorizationDetails",
        "iam:GetAccountAuthorizationDetails",
    ),
    (
        "iam:GenerateCredentialReport",
        "iam:GenerateCredentialReport",
    ),
    ("iam:GetCredentialReport", "iam:GetCredentialReport"),
    (
        "iam:GetAccountPasswordPolicy",
        "iam:GetAccountPasswordPolicy",
    ),
    ("iam:GetAccountSummary", "iam:GetAccountSummary"),
    (
        "iam:ListOpenIDConnectProviders",
        "iam:ListOpenIDConnectProviders",
    ),
    (
        "iam:GetOpenIDConnectProvider",
        "iam:GetOpenIDConnectProvider",
    ),
    ("iam:ListSAMLProviders", "iam:ListSAMLProviders"),
    (
        "organizations:DescribeOrganization",
        "organizations:DescribeOrganization",
    ),
    ("organizations:ListRoots", "organizations:ListRoots"),
    (
        "organizations:ListOrganizationalUnitsForParent",
        "organizations:ListOrganizationalUnitsForParent",
    ),
    (
        "organizations:ListAccountsForParent",
        "organizations:ListAccountsForParent",
    ),
    ("organizations:ListPolicies", "organizations:ListPolicies"),
    (
        "organizations:DescribePolicy",
        "organizations:DescribePolicy",
    ),
    (
        "organizations:ListTargetsForPolicy",
        "organizations:ListTargetsForPolicy",
    ),
    (
        "organizations:ListDelegatedAdministrators",
        "organizations:ListDelegatedAdministrators",
    ),
    (
        "organizations:ListDelegatedServicesForAccount",
        "organizations:ListDelegatedServicesForAccount",
    ),
    ("ec2:DescribeRegions", "ec2:DescribeRegions"),
    // ListBuckets is authorized by `s3:ListAllMyBuckets` (S3 API permissions reference).
    ("s3:ListBuckets", "s3:ListAllMyBuckets"),
    ("s3:GetBucketLocation", "s3:GetBucketLocation"),
    ("s3:GetBucketPolicy", "s3:GetBucketPolicy"),
    ("kms:ListKeys", "kms:ListKeys"),
    ("kms:GetKeyPolicy", "kms:GetKeyPolicy"),
    ("sqs:ListQueues", "sqs:ListQueues"),
    ("sqs:GetQueueAttributes", "sqs:GetQueueAttributes"),
    ("sns:ListTopics", "sns:ListTopics"),
    ("sns:GetTopicAttributes", "sns:GetTopicAttributes"),
    // Lambda's ListFunctions operation is versioned on the wire (`ListFunctions20150331`).
    ("lambda:ListFunctions", "lambda:ListFunctions"),
    ("lambda:GetPolicy", "lambda:GetPolicy"),
    ("secretsmanager:ListSecrets", "secretsmanager:ListSecrets"),
    (
        "secretsmanager:GetResourcePolicy",
        "secretsmanager:GetResourcePolicy",
    ),
    // Not called today; allowed so that the policy keeps working when tags are collected.
    ("iam:ListPolicies", "iam:ListPolicies"),
    ("iam:GetPolicyVersion", "iam:GetPolicyVersion"),
    ("organizations:ListAccounts", "organizations:ListAccounts"),
];

/// The IAM action that authorizes an API the meter counted, if the collector knows it.
pub fn action_for(api: &str) -> Option<&'static str> {
    CALLED_APIS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(api))
        .map(|(_, action)| *action)
}
