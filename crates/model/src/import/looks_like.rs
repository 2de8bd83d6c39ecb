//! Files of known kinds that `import` does not read, recognized so that the error can say what
//! the file is and what to export instead.

use std::path::Path;

use crate::import::err::ImportError;

/// What a foreign file looks like and what to do instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LooksLike {
    pub(crate) what: &'static str,
    pub(crate) help: Option<&'static str>,
}

impl LooksLike {
    pub(crate) fn error(&self, path: &Path) -> ImportError {
        ImportError::unsupported(path, self.what, self.help.map(str::to_owned))
    }
}

const ORG_HELP: Option<&str> = Some(
    "put Organizations outputs in an organizations bundle as scripts/export-org.sh writes it (docs/import-formats.md)",
);
const RESOURCE_HELP: Option<&str> = Some(
    "put resource policies in a resource-policies bundle as scripts/export-org.sh writes it (docs/import-formats.md)",
);
const ACCOUNT_HELP: Option<&str> = Some(
    "put identity providers in an account bundle as scripts/export-org.sh writes it (docs/import-formats.md)",
);
const GAAD_HELP: Option<&str> = Some(
    "export the account with `aws iam get-account-authorization-details`, which has every entity with all its policies",
);

pub(crate) const ORGANIZATIONS_LIST_POLICIES: LooksLike = LooksLike {
    what: "`aws organizations list-policies` output (`Policies` with `Type` and `AwsManaged`)",
    help: ORG_HELP,
};

pub(crate) const IAM_LIST_POLICIES: LooksLike = LooksLike {
    what: "`aws iam list-policies` output (`Policies` without `PolicyVersionList`)",
    help: GAAD_HELP,
};

/// Foreign formats recognized by a top-level key.
const BY_KEY: &[(&str, LooksLike)] = &[
    (
        "Records",
        LooksLike {
            what: "a CloudTrail log (`Records`)",
            help: Some("import reads IAM inventory exports; see docs/import-formats.md"),
        },
    ),
    (
        "Accounts",
        LooksLike {
            what: "`aws organizations list-accounts` output (`Accounts`)",
            help: ORG_HELP,
        },
    ),
    (
        "Roots",
        LooksLike {
            what: "`aws organizations list-roots` output (`Roots`)",
            help: ORG_HELP,
        },
    ),
    (
        "OrganizationalUnits",
        LooksLike {
            what: "`aws organizations list-organizational-units-for-parent` output (`OrganizationalUnits`)",
            help: ORG_HELP,
        },
    ),
    (
        "Organization",
        LooksLike {
            what: "`aws organizations describe-organization` output (`Organization`)",
            help: ORG_HELP,
        },
    ),
    (
        "Targets",
        LooksLike {
            what: "`aws organizations list-targets-for-policy` output (`Targets`)",
            help: ORG_HELP,
        },
    ),
    (
        "DelegatedAdministrators",
        LooksLike {
            what: "`aws organizations list-delegated-administrators` output (`DelegatedAdministrators`)",
            help: ORG_HELP,
        },
    ),
    (
        "Children",
        LooksLike {
            what: "`aws organizations list-children` output (`Children`)",
            help: ORG_HELP,
        },
    ),
    (
        "Roles",
        LooksLike {
            what: "`aws iam list-roles` output (`Roles`)",
            help: GAAD_HELP,
        },
    ),
    (
        "Users",
        LooksLike {
            what: "`aws iam list-users` output (`Users`)",
            help: GAAD_HELP,
        },
    ),
    (
        "Groups",
        LooksLike {
            what: "`aws iam list-groups` output (`Groups`)",
            help: GAAD_HELP,
        },
    ),
    (
        "Role",
        LooksLike {
            what: "`aws iam get-role` output (`Role`)",
            help: GAAD_HELP,
        },
    ),
    (
        "User",
        LooksLike {
            what: "`aws iam get-user` output (`User`)",
            help: GAAD_HELP,
        },
    ),
    (
        "Group",
        LooksLike {
            what: "`aws iam get-group` output (`Group`)",
            help: GAAD_HELP,
        },
    ),
    (
        "PolicyVersion",
        LooksLike {
            what: "`aws iam get-policy-version` output (`PolicyVersion`)",
            help: GAAD_HELP,
        },
    ),
    (
        "AttachedPolicies",
        LooksLike {
            what: "`aws iam list-attached-*-policies` output (`AttachedPolicies`)",
            help: GAAD_HELP,
        },
    ),
    (
        "PolicyNames",
        LooksLike {
            what: "`aws iam list-*-policies` output (`PolicyNames`)",
            help: GAAD_HELP,
        },
    ),
    (
        "Statement",
        LooksLike {
            what: "a policy document (`Statement`)",
            help: Some("check a policy document with `iamwatch lint`"),
        },
    ),
    (
        "Attributes",
        LooksLike {
            what: "`aws sqs get-queue-attributes` or `aws sns get-topic-attributes` output (`Attributes`)",
            help: RESOURCE_HELP,
        },
    ),
    (
        "KeyMetadata",
        LooksLike {
            what: "`aws kms describe-key` output (`KeyMetadata`)",
            help: RESOURCE_HELP,
        },
    ),
    (
        "OpenIDConnectProviderList",
        LooksLike {
            what: "`aws iam list-open-id-connect-providers` output (`OpenIDConnectProviderList`)",
            help: ACCOUNT_HELP,
        },
    ),
    (
        "ClientIDList",
        LooksLike {
            what: "`aws iam get-open-id-connect-provider` output (`ClientIDList`)",
            help: ACCOUNT_HELP,
        },
    ),
    (
        "SAMLProviderList",
        LooksLike {
            what: "`aws iam list-saml-providers` output (`SAMLProviderList`)",
            help: ACCOUNT_HELP,
        },
    ),
    (
        "SAMLMetadataDocument",
        LooksLike {
            what: "`aws iam get-saml-provider` output (`SAMLMetadataDocument`)",
            help: ACCOUNT_HELP,
        },
    ),
    (
        "runs",
        LooksLike {
            what: "a SARIF log (`runs`)",
            help: None,
        },
    ),
    (
        "AWSTemplateFormatVersion",
        LooksLike {
            what: "a CloudFormation template (`AWSTemplateFormatVersion`)",
            help: None,
        },
    ),
    (
        "findings",
        LooksLike {
            what: "a list of findings (`findings`)",
            help: None,
        },
    ),
    (
        "Findings",
        LooksLike {
            what: "a list of findings (`Findings`)",
            help: None,
        },
    ),
    (
        "Credentials",
        LooksLike {
            what: "STS credentials (`Credentials`)",
            help: Some("never keep credentials in files you import; delete it"),
        },
    ),
    (
        "UserId",
        LooksLike {
            what: "`aws sts get-caller-identity` output (`UserId`)",
            help: None,
        },
    ),
    (
        "Reservations",
        LooksLike {
            what: "`aws ec2 describe-instances` output (`Reservations`)",
            help: None,
        },
    ),
    (
        "Buckets",
        LooksLike {
            what: "`aws s3api list-buckets` output (`Buckets`)",
            help: RESOURCE_HELP,
        },
    ),
];

/// A foreign format with this top-level key.
pub(crate) fn by_key(key: &str) -> Option<LooksLike> {
    BY_KEY.iter().find(|(k, _)| *k == key).map(|(_, l)| *l)
}

/// A foreign format recognized from a whole top-level object.
pub(crate) fn by_object(object: &serde_json::Map<String, serde_json::Value>) -> Option<LooksLike> {
    if let Some(policy) = object.get("Policy") {
        return Some(match policy {
            serde_json::Value::String(_) => LooksLike {
                what: "`aws s3api get-bucket-policy` or `aws lambda get-policy` output (`Policy`)",
                help: RESOURCE_HELP,
            },
            serde_json::Value::Object(inner) if inner.contains_key("Content") => LooksLike {
                what: "`aws organizations describe-policy` output (`Policy`)",
                help: ORG_HELP,
            },
            _ => LooksLike {
                what: "`aws iam get-policy` output (`Policy`)",
                help: GAAD_HELP,
            },
        });
    }
    if object.contains_key("Version") && object.contains_key("Statement") {
        return by_key("Statement");
    }
    object.keys().find_map(|key| by_key(key))
}
