//! The audit rules: their stable IDs and what each one says about itself (title, severity,
//! rationale, remediation, AWS reference, parameters), and the modules that implement them.
//!
//! A rule ID is part of the public contract: configurations, suppressions, SARIF results and
//! dashboards refer to it. IDs are never reused or renamed.

pub(crate) mod admin;
pub(crate) mod credentials;
pub(crate) mod hygiene;
pub(crate) mod privilege;
pub(crate) mod statement;
pub(crate) mod trust;
pub mod unused_role;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::finding::Severity;

/// The family a rule belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Entities nobody uses.
    Unused,
    /// Passwords, access keys, MFA, the root user, the password policy.
    Credentials,
    /// What identity policies grant.
    Privilege,
    /// Who may assume roles.
    Trust,
    /// Structure and housekeeping.
    Hygiene,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Unused => "unused",
            Category::Credentials => "credentials",
            Category::Privilege => "privilege",
            Category::Trust => "trust",
            Category::Hygiene => "hygiene",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule parameter as the configuration file names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParamInfo {
    /// The key under `[rules.RULE-ID]`.
    pub name: &'static str,
    /// The TOML type and accepted values (`integer, 1 to 365`).
    pub accepts: &'static str,
    /// The default, as TOML.
    pub default: &'static str,
    pub description: &'static str,
}

/// What a rule says about itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleInfo {
    pub id: RuleId,
    pub title: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// Why it matters.
    pub rationale: &'static str,
    /// What to do about a finding.
    pub remediation: &'static str,
    /// The AWS page the rule follows.
    pub reference: &'static str,
    pub params: &'static [ParamInfo],
}

macro_rules! rules {
    ($( $variant:ident => $id:literal ),+ $(,)?) => {
        /// A rule's stable identifier. Serialized as its kebab-case ID (`iam-role-unused`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleId {
            $( $variant, )+
        }

        impl RuleId {
            /// Every rule, in the order the documentation lists them.
            pub const ALL: &'static [RuleId] = &[ $( RuleId::$variant, )+ ];

            /// The kebab-case ID (`iam-role-unused`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $( RuleId::$variant => $id, )+
                }
            }
        }
    };
}

rules! {
    IamRoleUnused => "iam-role-unused",
    AccessKeyNotRotated => "access-key-not-rotated",
    UserCredentialsUnused => "user-credentials-unused",
    ConsoleUserWithoutMfa => "console-user-without-mfa",
    UserMultipleActiveKeys => "user-multiple-active-keys",
    RootAccessKeys => "root-access-keys",
    RootWithoutMfa => "root-without-mfa",
    RootRecentlyUsed => "root-recently-used",
    UserLooksLikeApplication => "user-looks-like-application",
    PasswordPolicyWeak => "password-policy-weak",
    PrincipalEffectiveAdmin => "principal-effective-admin",
    PolicyAllowsAllActions => "policy-allows-all-actions",
    PolicySensitiveActionAnyResource => "policy-sensitive-action-any-resource",
    PolicyServiceWildcard => "policy-service-wildcard",
    PassRoleAnyResource => "passrole-any-resource",
    AllowNotAction => "allow-not-action",
    AllowNotResource => "allow-not-resource",
    UnconstrainedPermissionsManagement => "unconstrained-permissions-management",
    UnconstrainedWrite => "unconstrained-write",
    TrustWholeAccountNoCondition => "trust-whole-account-no-condition",
    TrustExternalAccountUnguarded => "trust-external-account-unguarded",
    TrustPublicPrincipal => "trust-public-principal",
    TrustOidcSubUnrestricted => "trust-oidc-sub-unrestricted",
    TrustOidcMissingAud => "trust-oidc-missing-aud",
    TrustSamlMissingAud => "trust-saml-missing-aud",
    TrustUnknownAccount => "trust-unknown-account",
    InlinePolicyDuplicated => "inline-policy-duplicated",
    UserDirectPolicies => "user-direct-policies",
    GroupEmpty => "group-empty",
    PolicyUnattached => "policy-unattached",
    PolicyDuplicate => "policy-duplicate",
    RoleWithoutPolicies => "role-without-policies",
}

impl RuleId {
    /// A rule by its ID, case-insensitive.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|rule| rule.as_str().eq_ignore_ascii_case(text))
    }

    /// The rule whose ID is closest to `text` (for "did you mean" hints).
    pub fn closest(text: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .map(|rule| (edit_distance(rule.as_str(), text), rule))
            .filter(|(distance, _)| *distance <= 4)
            .min_by_key(|(distance, _)| *distance)
            .map(|(_, rule)| rule)
    }

    /// What the rule says about itself.
    pub fn info(self) -> &'static RuleInfo {
        INFO.iter()
            .find(|info| info.id == self)
            .unwrap_or(&FALLBACK_INFO)
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RuleId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        RuleId::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown rule `{text}`")))
    }
}

/// Levenshtein distance, for suggestions.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = Vec::with_capacity(b.len() + 1);
        current.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let delete = previous.get(j + 1).copied().unwrap_or(0) + 1;
            let insert = current.last().copied().unwrap_or(0) + 1;
            current.push(substitute.min(delete).min(insert));
        }
        previous = current;
    }
    previous.last().copied().unwrap_or(0)
}

const FALLBACK_INFO: RuleInfo = RuleInfo {
    id: RuleId::IamRoleUnused,
    title: "",
    category: Category::Hygiene,
    severity: Severity::Info,
    rationale: "",
    remediation: "",
    reference: "",
    params: &[],
};

const MAX_DAYS_PARAM: ParamInfo = ParamInfo {
    name: "max_days_for_last_used",
    accepts: "integer, 1 to 365",
    default: "60",
    description: "A role not used for more than this many days (and older than this) is non-compliant.",
};

const ALLOWLIST_PARAM: ParamInfo = ParamInfo {
    name: "role_allowlist",
    accepts: "string of `|`-separated Unix filename patterns over path + name, characters `-a-zA-Z0-9+=,.@_/|*`",
    default: "\"\"",
    description: "Roles whose path + name (`/breakglass-role`, `/service-role/x`) match a pattern are compliant.",
};

static INFO: &[RuleInfo] = &[
    RuleInfo {
        id: RuleId::IamRoleUnused,
        title: "IAM role not used recently",
        category: Category::Unused,
        severity: Severity::Medium,
        rationale: "Roles nobody uses keep their permissions and trust relationships: every one is attack surface without benefit. The rule reproduces AWS's published Config rule for unused roles (RoleLastUsed from GetAccountAuthorizationDetails), including its allowlist and annotations.",
        remediation: "Confirm with the owner that the role is no longer needed, remove it from instance profiles, detach its policies and delete it; or add it to `role_allowlist` if it must exist unused (break-glass roles).",
        reference: "https://aws.amazon.com/blogs/security/continuously-monitor-unused-iam-roles-aws-config/",
        params: &[MAX_DAYS_PARAM, ALLOWLIST_PARAM],
    },
    RuleInfo {
        id: RuleId::AccessKeyNotRotated,
        title: "Access key not rotated",
        category: Category::Credentials,
        severity: Severity::Medium,
        rationale: "Long-lived access keys leak through code, logs and laptops; the older a key, the longer a leaked copy works. AWS Config's `access-keys-rotated` checks the same column of the credential report.",
        remediation: "Create a second key, move the workload to it, deactivate and then delete the old key; better, replace the key with a role.",
        reference: "https://docs.aws.amazon.com/config/latest/developerguide/access-keys-rotated.html",
        params: &[ParamInfo {
            name: "max_key_age_days",
            accepts: "integer, 1 to 3650",
            default: "90",
            description: "An active key last rotated more than this many days ago is reported.",
        }],
    },
    RuleInfo {
        id: RuleId::UserCredentialsUnused,
        title: "User credential unused",
        category: Category::Credentials,
        severity: Severity::Medium,
        rationale: "A console password or active access key that nobody uses can only be used by someone who should not. AWS Config's `iam-user-unused-credentials-check` applies the same test.",
        remediation: "Remove the console password (delete the login profile) or deactivate and delete the access key.",
        reference: "https://docs.aws.amazon.com/config/latest/developerguide/iam-user-unused-credentials-check.html",
        params: &[ParamInfo {
            name: "max_unused_days",
            accepts: "integer, 1 to 3650",
            default: "90",
            description: "A password or active key not used (or, if never used, not created or rotated) for more than this many days is reported.",
        }],
    },
    RuleInfo {
        id: RuleId::ConsoleUserWithoutMfa,
        title: "Console user without MFA",
        category: Category::Credentials,
        severity: Severity::High,
        rationale: "A password alone is one phishing page away from an attacker. AWS Config's `mfa-enabled-for-iam-console-access` requires MFA for every user with a console password.",
        remediation: "Assign an MFA device (preferably a passkey or security key) to the user, or remove the console password; enforce MFA with a policy condition on `aws:MultiFactorAuthPresent`.",
        reference: "https://docs.aws.amazon.com/config/latest/developerguide/mfa-enabled-for-iam-console-access.html",
        params: &[],
    },
    RuleInfo {
        id: RuleId::UserMultipleActiveKeys,
        title: "User with more than one active access key",
        category: Category::Credentials,
        severity: Severity::Medium,
        rationale: "Two active keys are normal only during a rotation; left in place, the old key lives on wherever it was copied.",
        remediation: "Find which key the workload uses (the last-used columns), deactivate the other and delete it.",
        reference: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
        params: &[],
    },
    RuleInfo {
        id: RuleId::RootAccessKeys,
        title: "Root user has access keys",
        category: Category::Credentials,
        severity: Severity::Critical,
        rationale: "Root access keys carry unrestricted, unscopable power over the account and are exempt from IAM policies. AWS Config's `iam-root-access-key-check` flags them.",
        remediation: "Delete the root user's access keys; use IAM roles for every task, and centralized root access in AWS Organizations for privileged member-account tasks.",
        reference: "https://docs.aws.amazon.com/config/latest/developerguide/iam-root-access-key-check.html",
        params: &[],
    },
    RuleInfo {
        id: RuleId::RootWithoutMfa,
        title: "Root user without MFA",
        category: Category::Credentials,
        severity: Severity::Critical,
        rationale: "The root user can close the account and change every setting; its password alone must not be enough. AWS Config's `root-account-mfa-enabled` requires MFA.",
        remediation: "Register MFA for the root user (a hardware key or passkey), or remove the member account's root credentials with centralized root access.",
        reference: "https://docs.aws.amazon.com/config/latest/developerguide/root-account-mfa-enabled.html",
        params: &[],
    },
    RuleInfo {
        id: RuleId::RootRecentlyUsed,
        title: "Root user used recently",
        category: Category::Credentials,
        severity: Severity::High,
        rationale: "AWS recommends using the root user only for the few tasks that require it; routine root use means people hold the most powerful credential of the account.",
        remediation: "Find out who used the root user and why (CloudTrail `userIdentity.type = Root`); move the task to an IAM role and lock the root credentials away.",
        reference: "https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html",
        params: &[ParamInfo {
            name: "window_days",
            accepts: "integer, 1 to 400",
            default: "30",
            description: "Root password or key use within this many days is reported.",
        }],
    },
    RuleInfo {
        id: RuleId::UserLooksLikeApplication,
        title: "IAM user used as an application identity",
        category: Category::Credentials,
        severity: Severity::Low,
        rationale: "A user with active access keys and no console password is a workload with long-lived credentials. AWS's best practice is for workloads to use temporary credentials through roles.",
        remediation: "Give the workload a role (instance profile, task role, IRSA, IAM Roles Anywhere or OIDC federation) and delete the user's keys.",
        reference: "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-workloads-use-roles",
        params: &[],
    },
    RuleInfo {
        id: RuleId::PasswordPolicyWeak,
        title: "Password policy weaker than the baseline",
        category: Category::Credentials,
        severity: Severity::Medium,
        rationale: "Without a strong password policy IAM users may choose short or reused passwords. AWS Config's `iam-password-policy` compares the policy with parameters like these.",
        remediation: "Update the account password policy (`aws iam update-account-password-policy`) to meet the baseline.",
        reference: "https://docs.aws.amazon.com/config/latest/developerguide/iam-password-policy.html",
        params: &[
            ParamInfo {
                name: "minimum_length",
                accepts: "integer, 6 to 128",
                default: "14",
                description: "Minimum password length.",
            },
            ParamInfo {
                name: "require_symbols",
                accepts: "boolean",
                default: "true",
                description: "Require at least one symbol.",
            },
            ParamInfo {
                name: "require_numbers",
                accepts: "boolean",
                default: "true",
                description: "Require at least one number.",
            },
            ParamInfo {
                name: "require_uppercase",
                accepts: "boolean",
                default: "true",
                description: "Require at least one upper-case letter.",
            },
            ParamInfo {
                name: "require_lowercase",
                accepts: "boolean",
                default: "true",
                description: "Require at least one lower-case letter.",
            },
            ParamInfo {
                name: "password_reuse_prevention",
                accepts: "integer, 0 to 24",
                default: "24",
                description: "Minimum number of previous passwords that cannot be reused (0: not required).",
            },
            ParamInfo {
                name: "max_password_age_days",
                accepts: "integer, 0 to 1095",
                default: "0",
                description: "Maximum password age the policy must enforce (0: expiry not required, as NIST SP 800-63B advises).",
            },
        ],
    },
    RuleInfo {
        id: RuleId::PrincipalEffectiveAdmin,
        title: "Principal is effectively an administrator",
        category: Category::Privilege,
        severity: Severity::Critical,
        rationale: "Decided by the evaluation engine, not by names: the principal's full policy set (user and group policies or role policies, permissions boundary, SCPs and RCPs on the path to the account) allows a representative set of sensitive actions across services on any resource, or every IAM write and permissions-management action (which lets it grant itself anything).",
        remediation: "Check that the principal must be an administrator; if not, replace its policies with least-privilege ones. If it must, require MFA, limit who can assume it and alert on its use.",
        reference: "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
        params: &[],
    },
    RuleInfo {
        id: RuleId::PolicyAllowsAllActions,
        title: "Policy allows every action",
        category: Category::Privilege,
        severity: Severity::High,
        rationale: "`\"Action\": \"*\"` in a customer managed or inline policy grants every present and future action of every service. AWS Config's `iam-policy-no-statements-with-admin-access` flags it.",
        remediation: "Replace the statement with the actions the workload needs; use AWS managed job-function policies for administrators.",
        reference: "https://docs.aws.amazon.com/config/latest/developerguide/iam-policy-no-statements-with-admin-access.html",
        params: &[],
    },
    RuleInfo {
        id: RuleId::PolicySensitiveActionAnyResource,
        title: "Sensitive action allowed on every resource",
        category: Category::Privilege,
        severity: Severity::High,
        rationale: "Privilege-escalation actions (policy and credential changes) and secret or data reads on `\"Resource\": \"*\"` reach every matching resource in the account, including ones created later.",
        remediation: "Scope the statement's `Resource` to the ARNs the workload needs, or add conditions that restrict it.",
        reference: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html",
        params: &[ParamInfo {
            name: "extra_sensitive_actions",
            accepts: "array of action names or patterns (`service:Action`)",
            default: "[]",
            description: "Actions to treat as sensitive in addition to the built-in list.",
        }],
    },
    RuleInfo {
        id: RuleId::PolicyServiceWildcard,
        title: "Policy allows every action of a service",
        category: Category::Privilege,
        severity: Severity::Medium,
        rationale: "`service:*` grants every action of the service, including its permissions-management and destructive actions and those added later. AWS Config's `iam-policy-no-statements-with-full-access` flags it.",
        remediation: "List the actions the workload needs, or use the service's read-only or job-function managed policy.",
        reference: "https://docs.aws.amazon.com/config/latest/developerguide/iam-policy-no-statements-with-full-access.html",
        params: &[],
    },
    RuleInfo {
        id: RuleId::PassRoleAnyResource,
        title: "iam:PassRole allowed on every role",
        category: Category::Privilege,
        severity: Severity::High,
        rationale: "Passing any role to a service (EC2, Lambda, Glue, CloudFormation…) lets the principal run code with that role's permissions: a classic privilege-escalation path.",
        remediation: "Restrict `iam:PassRole` to the role ARNs the workload passes, and add an `iam:PassedToService` condition.",
        reference: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
        params: &[],
    },
    RuleInfo {
        id: RuleId::AllowNotAction,
        title: "Allow statement with NotAction",
        category: Category::Privilege,
        severity: Severity::Medium,
        rationale: "`Allow` with `NotAction` grants every action except those listed, including every action of services added later. AWS recommends `NotAction` only with `Deny`.",
        remediation: "Rewrite the statement with `Action` listing what is needed, or use `Deny` with `NotAction` for guardrails.",
        reference: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html",
        params: &[],
    },
    RuleInfo {
        id: RuleId::AllowNotResource,
        title: "Allow statement with NotResource",
        category: Category::Privilege,
        severity: Severity::Medium,
        rationale: "`Allow` with `NotResource` grants the actions on every resource except those listed, including resources created later. AWS advises against combining them.",
        remediation: "List the resources in `Resource` instead.",
        reference: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html",
        params: &[],
    },
    RuleInfo {
        id: RuleId::UnconstrainedPermissionsManagement,
        title: "Permissions-management access without resource constraints",
        category: Category::Privilege,
        severity: Severity::High,
        rationale: "Actions the Service Authorization Reference classifies as Permissions management (resource policies, grants, IAM policy changes) on `\"Resource\": \"*\"` let the principal change who can access what. Only actions that support resource-level permissions are counted.",
        remediation: "Scope the statement to specific resource ARNs.",
        reference: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_understand-policy-summary-access-level-summaries.html",
        params: &[],
    },
    RuleInfo {
        id: RuleId::UnconstrainedWrite,
        title: "Write access without resource constraints",
        category: Category::Privilege,
        severity: Severity::Medium,
        rationale: "Write actions (create, modify, delete) on `\"Resource\": \"*\"` reach every resource of the type. Only actions that support resource-level permissions are counted.",
        remediation: "Scope the statement to specific resource ARNs or add tag-based conditions.",
        reference: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_understand-policy-summary-access-level-summaries.html",
        params: &[],
    },
    RuleInfo {
        id: RuleId::TrustWholeAccountNoCondition,
        title: "Role trusts a whole account without conditions",
        category: Category::Trust,
        severity: Severity::High,
        rationale: "`arn:aws:iam::ACCOUNT:root` (or a bare account ID) delegates the decision to that account: any of its principals that its administrators allow can assume the role.",
        remediation: "Name the roles or users that need to assume the role, or add conditions such as `aws:PrincipalArn` or `aws:PrincipalTag`.",
        reference: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts",
        params: &[],
    },
    RuleInfo {
        id: RuleId::TrustExternalAccountUnguarded,
        title: "Role trusts an external account without a guard",
        category: Category::Trust,
        severity: Severity::High,
        rationale: "A trust to an account outside the organization without `sts:ExternalId`, `aws:PrincipalOrgID` or `aws:SourceAccount`/`aws:SourceArn` invites the confused-deputy problem: the third party can be tricked into acting on this role for someone else.",
        remediation: "Require `sts:ExternalId` with a value unique to this relationship, or restrict with `aws:PrincipalOrgID` or `aws:SourceAccount`/`aws:SourceArn`.",
        reference: "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
        params: &[],
    },
    RuleInfo {
        id: RuleId::TrustPublicPrincipal,
        title: "Role trusts every principal",
        category: Category::Trust,
        severity: Severity::Critical,
        rationale: "`\"Principal\": \"*\"` lets any AWS principal in any account assume the role unless a condition restricts it (`aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:SourceAccount`, `aws:SourceArn`).",
        remediation: "Name the principals, or add a condition on `aws:PrincipalOrgID` or `aws:PrincipalArn`.",
        reference: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous",
        params: &[],
    },
    RuleInfo {
        id: RuleId::TrustOidcSubUnrestricted,
        title: "OIDC trust without a specific subject",
        category: Category::Trust,
        severity: Severity::Critical,
        rationale: "Without a `sub` condition, or with one wildcarded too broadly (`repo:org/*`, `*`, any namespace), any workload of the identity provider (any GitHub repository, any Kubernetes service account of the cluster) can assume the role.",
        remediation: "Add a `StringEquals` (or narrowly `StringLike`) condition on `PROVIDER:sub` naming the repository and branch or environment (`repo:org/repo:ref:refs/heads/main`), or the namespace and service account (`system:serviceaccount:ns:sa`).",
        reference: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html",
        params: &[],
    },
    RuleInfo {
        id: RuleId::TrustOidcMissingAud,
        title: "OIDC trust without an audience condition",
        category: Category::Trust,
        severity: Severity::Medium,
        rationale: "The `aud` condition ties the token to the intended client (`sts.amazonaws.com` for GitHub and EKS, the identity pool for Cognito); without it, tokens minted for another audience of the same provider are accepted.",
        remediation: "Add `StringEquals` on `PROVIDER:aud` with the client ID registered for the provider.",
        reference: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html",
        params: &[],
    },
    RuleInfo {
        id: RuleId::TrustSamlMissingAud,
        title: "SAML trust without SAML:aud",
        category: Category::Trust,
        severity: Severity::Medium,
        rationale: "`SAML:aud` checks that the assertion was addressed to AWS sign-in (`https://signin.aws.amazon.com/saml`); the role-creation wizard adds it, and it should not be removed.",
        remediation: "Add `StringEquals` on `SAML:aud` with the sign-in endpoint the IdP uses.",
        reference: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_saml.html",
        params: &[],
    },
    RuleInfo {
        id: RuleId::TrustUnknownAccount,
        title: "Role trusts an unknown account",
        category: Category::Trust,
        severity: Severity::Medium,
        rationale: "A trust to an account that is neither in the organization nor in the configured list of known accounts (vendors, partners) is unexplained access that nobody reviewed.",
        remediation: "Remove the trust, or add the account to `known_accounts` in the configuration once it is reviewed.",
        reference: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html",
        params: &[],
    },
    RuleInfo {
        id: RuleId::InlinePolicyDuplicated,
        title: "Inline policy where a managed policy would do",
        category: Category::Hygiene,
        severity: Severity::Low,
        rationale: "The same inline document on several principals (or a copy of a customer managed policy) must be changed in every copy; a managed policy is versioned, reusable and reviewable in one place.",
        remediation: "Create (or reuse) a customer managed policy with the document, attach it, and delete the inline copies.",
        reference: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#choosing-managed-or-inline",
        params: &[],
    },
    RuleInfo {
        id: RuleId::UserDirectPolicies,
        title: "User with directly attached policies",
        category: Category::Hygiene,
        severity: Severity::Low,
        rationale: "Permissions granted to groups are easier to review and revoke than permissions attached user by user. AWS Config's `iam-user-no-policies-check` flags users with policies.",
        remediation: "Move the permissions to a group that matches the user's job and add the user to it.",
        reference: "https://docs.aws.amazon.com/config/latest/developerguide/iam-user-no-policies-check.html",
        params: &[],
    },
    RuleInfo {
        id: RuleId::GroupEmpty,
        title: "Group with no users",
        category: Category::Hygiene,
        severity: Severity::Low,
        rationale: "An empty group's policies serve nobody and grant access to whoever is added later by mistake. AWS Config's `iam-group-has-users-check` flags it.",
        remediation: "Delete the group, or add the users it is meant for.",
        reference: "https://docs.aws.amazon.com/config/latest/developerguide/iam-group-has-users-check.html",
        params: &[],
    },
    RuleInfo {
        id: RuleId::PolicyUnattached,
        title: "Customer managed policy attached to nothing",
        category: Category::Hygiene,
        severity: Severity::Low,
        rationale: "A policy attached to no user, group or role and used as no boundary is unused; it clutters reviews and may be attached carelessly later.",
        remediation: "Delete the policy (and its non-default versions) if nothing needs it.",
        reference: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_manage-delete.html",
        params: &[],
    },
    RuleInfo {
        id: RuleId::PolicyDuplicate,
        title: "Duplicate customer managed policies",
        category: Category::Hygiene,
        severity: Severity::Low,
        rationale: "Two customer managed policies with the same document (after normalization: key order, `Sid`, value order and case of actions ignored) drift apart when one is edited.",
        remediation: "Keep one of them, attach it in place of the others and delete the copies.",
        reference: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html",
        params: &[],
    },
    RuleInfo {
        id: RuleId::RoleWithoutPolicies,
        title: "Role with no permissions policies",
        category: Category::Hygiene,
        severity: Severity::Info,
        rationale: "A role with neither inline nor attached policies grants nothing; it is usually left over from a deleted workload.",
        remediation: "Delete the role if nothing assumes it, or attach the policies it was meant to have.",
        reference: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage_delete.html",
        params: &[],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_info_and_a_unique_id() {
        let mut ids = std::collections::BTreeSet::new();
        for rule in RuleId::ALL {
            let info = rule.info();
            assert_eq!(info.id, *rule, "{rule} has no info");
            assert!(!info.title.is_empty());
            assert!(info.reference.starts_with("https://"), "{rule}");
            assert!(ids.insert(rule.as_str()));
            assert_eq!(RuleId::parse(rule.as_str()), Some(*rule));
        }
        assert_eq!(INFO.len(), RuleId::ALL.len());
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            RuleId::closest("iam-role-unsued"),
            Some(RuleId::IamRoleUnused)
        );
        assert_eq!(RuleId::closest("completely-different-thing"), None);
    }
}
