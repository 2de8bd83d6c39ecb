//! The requests `principal-effective-admin` asks the engine about, and the per-policy masks
//! that rule out most principals before any policy set is compiled.
//!
//! Two tiers make a principal an administrator:
//! - **full**: a representative set of sensitive actions across services (IAM user and policy
//!   changes, credentials, `iam:PassRole`, EC2, S3 object reads and bucket policies, KMS
//!   decryption, secrets, Lambda code, DynamoDB, RDS, CloudFormation), each on a resource of
//!   the account as general as the action allows: if all are allowed, the principal can in
//!   practice do `*` on `*`;
//! - **iam**: every IAM action the Service Authorization Reference classifies as Write or
//!   Permissions management, each on a resource of its own type: such a principal can grant
//!   itself anything, even when no statement holds a wildcard.
//!
//! An identity-policy `Allow` whose `Action` matches is necessary for any of these requests to
//! be allowed (the principal is an IAM user or role and no resource policy is involved), so a
//! principal whose policies cannot, statement by statement, match every probe of a tier is not
//! an administrator by that tier. The mask records, per policy, which probes some `Allow`
//! statement's `Action`/`NotAction` matches; resources and conditions are left to the engine.

use iamwatch_catalog::{AccessLevel, Catalog};
use iamwatch_policy::document::{Effect, Policy};
use iamwatch_policy::matcher::ActionMatcher;

/// One probe action and the resource it is asked about, with `{account}` and `{region}` for the
/// principal's account and region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Probe {
    /// `iam:CreateUser`, in AWS's casing.
    pub(crate) action: String,
    pub(crate) lower: String,
    pub(crate) resource: String,
}

/// The "full" tier: sensitive actions across services, on general resources.
const FULL_TIER: &[(&str, &str)] = &[
    (
        "iam:PutRolePolicy",
        "arn:aws:iam::{account}:role/iamwatch-probe",
    ),
    (
        "iam:AttachRolePolicy",
        "arn:aws:iam::{account}:role/iamwatch-probe",
    ),
    (
        "iam:CreateUser",
        "arn:aws:iam::{account}:user/iamwatch-probe",
    ),
    (
        "iam:CreateAccessKey",
        "arn:aws:iam::{account}:user/iamwatch-probe",
    ),
    ("iam:PassRole", "arn:aws:iam::{account}:role/iamwatch-probe"),
    (
        "ec2:RunInstances",
        "arn:aws:ec2:{region}:{account}:instance/*",
    ),
    ("s3:GetObject", "arn:aws:s3:::iamwatch-probe-bucket/object"),
    ("s3:PutBucketPolicy", "arn:aws:s3:::iamwatch-probe-bucket"),
    (
        "kms:Decrypt",
        "arn:aws:kms:{region}:{account}:key/00000000-0000-0000-0000-000000000000",
    ),
    (
        "secretsmanager:GetSecretValue",
        "arn:aws:secretsmanager:{region}:{account}:secret:iamwatch-probe-AbCdEf",
    ),
    (
        "lambda:UpdateFunctionCode",
        "arn:aws:lambda:{region}:{account}:function:iamwatch-probe",
    ),
    (
        "dynamodb:DeleteTable",
        "arn:aws:dynamodb:{region}:{account}:table/iamwatch-probe",
    ),
    (
        "rds:DeleteDBInstance",
        "arn:aws:rds:{region}:{account}:db:iamwatch-probe",
    ),
    (
        "cloudformation:CreateStack",
        "arn:aws:cloudformation:{region}:{account}:stack/iamwatch-probe/*",
    ),
];

/// Every probe, and which belong to which tier.
#[derive(Clone, Debug)]
pub(crate) struct Probes {
    pub(crate) list: Vec<Probe>,
    /// Indices into `list`.
    pub(crate) full: Vec<usize>,
    pub(crate) iam: Vec<usize>,
}

impl Probe {
    /// The probe's resource in an account and region.
    pub(crate) fn resource_in(&self, account: &str, region: &str) -> String {
        self.resource
            .replace("{account}", account)
            .replace("{region}", region)
    }
}

impl Probes {
    pub(crate) fn new() -> Self {
        let mut list: Vec<Probe> = Vec::new();
        let index_of = |list: &mut Vec<Probe>, action: &str, resource: String| -> usize {
            let lower = action.to_ascii_lowercase();
            if let Some(index) = list.iter().position(|p| p.lower == lower) {
                return index;
            }
            list.push(Probe {
                action: action.to_owned(),
                lower,
                resource,
            });
            list.len() - 1
        };
        let full = FULL_TIER
            .iter()
            .map(|(action, resource)| index_of(&mut list, action, (*resource).to_owned()))
            .collect();
        let catalog = Catalog::get();
        let mut iam_actions: Vec<(&str, String)> = catalog
            .service("iam")
            .map(|service| {
                service
                    .actions()
                    .iter()
                    .filter(|action| {
                        matches!(
                            action.access_level(),
                            AccessLevel::Write | AccessLevel::PermissionsManagement
                        )
                    })
                    .map(|action| (action.full_name(), probe_resource(action)))
                    .collect()
            })
            .unwrap_or_default();
        // Escalation-critical actions first, so that the engine stops early for principals
        // that lack them.
        iam_actions.sort_by_key(|(name, _)| {
            (
                !FULL_TIER
                    .iter()
                    .any(|(probe, _)| probe.eq_ignore_ascii_case(name)),
                *name,
            )
        });
        let iam = iam_actions
            .into_iter()
            .map(|(action, resource)| index_of(&mut list, action, resource))
            .collect();
        Self { list, full, iam }
    }

    /// Which probes some `Allow` statement of the policy could grant (by `Action` alone).
    pub(crate) fn mask(&self, policy: &Policy) -> ProbeMask {
        let mut mask = ProbeMask::empty(self.list.len());
        for statement in policy.statements() {
            if statement.effect.value != Effect::Allow {
                continue;
            }
            let matchers: Vec<ActionMatcher> = statement
                .action
                .values
                .iter()
                .map(|value| ActionMatcher::new(&value.value))
                .collect();
            let negated = statement.action.negated;
            for (index, probe) in self.list.iter().enumerate() {
                let any = matchers.iter().any(|matcher| matcher.matches(&probe.lower));
                if any != negated {
                    mask.set(index);
                }
            }
        }
        mask
    }
}

/// The resource a probe of `action` asks about: the ARN format of its first required resource
/// type (else its first), with the partition `aws`, the region and account placeholders, and
/// `iamwatch-probe` for every other placeholder; `*` for actions without resource types.
fn probe_resource(action: &iamwatch_catalog::Action) -> String {
    let types = action.resource_types();
    let Some(chosen) = types
        .iter()
        .find(|t| t.required())
        .or_else(|| types.first())
    else {
        return "*".to_owned();
    };
    fill_placeholders(chosen.resource_type().arn_format())
}

fn fill_placeholders(format: &str) -> String {
    let mut out = String::with_capacity(format.len());
    let mut rest = format;
    while let Some(start) = rest.find("${") {
        out.push_str(rest.get(..start).unwrap_or_default());
        let after = rest.get(start + 2..).unwrap_or_default();
        let Some(end) = after.find('}') else {
            out.push_str(rest.get(start..).unwrap_or_default());
            return out;
        };
        let placeholder = after.get(..end).unwrap_or_default();
        out.push_str(match placeholder {
            "Partition" => "aws",
            "Region" => "{region}",
            "Account" | "AccountId" => "{account}",
            _ => "iamwatch-probe",
        });
        rest = after.get(end + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// A set of probe indices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ProbeMask(Vec<u64>);

impl ProbeMask {
    pub(crate) fn empty(len: usize) -> Self {
        Self(vec![0; len.div_ceil(64)])
    }

    fn set(&mut self, index: usize) {
        if let Some(word) = self.0.get_mut(index / 64) {
            *word |= 1 << (index % 64);
        }
    }

    fn get(&self, index: usize) -> bool {
        self.0
            .get(index / 64)
            .is_some_and(|word| word & (1 << (index % 64)) != 0)
    }

    pub(crate) fn union_with(&mut self, other: &ProbeMask) {
        for (word, other) in self.0.iter_mut().zip(&other.0) {
            *word |= other;
        }
    }

    /// Whether every index is in the set.
    pub(crate) fn covers(&self, indices: &[usize]) -> bool {
        indices.iter().all(|index| self.get(*index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iamwatch_policy::parse::parse_policy;

    #[test]
    fn tiers_and_masks() {
        let probes = Probes::new();
        assert_eq!(probes.full.len(), FULL_TIER.len());
        assert!(probes.iam.len() > 50, "{}", probes.iam.len());
        let admin = parse_policy(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
        )
        .unwrap();
        let mask = probes.mask(&admin);
        assert!(mask.covers(&probes.full) && mask.covers(&probes.iam));
        let iam_only = parse_policy(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:*","Resource":"*"}}"#,
        )
        .unwrap();
        let mask = probes.mask(&iam_only);
        assert!(!mask.covers(&probes.full) && mask.covers(&probes.iam));
        let not_action = parse_policy(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}"#,
        )
        .unwrap();
        assert!(!probes.mask(&not_action).covers(&probes.iam));
    }

    #[test]
    fn placeholders() {
        assert_eq!(
            fill_placeholders("arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"),
            "arn:aws:iam::{account}:role/iamwatch-probe"
        );
        assert_eq!(
            fill_placeholders(
                "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}"
            ),
            "arn:aws:lambda:{region}:{account}:function:iamwatch-probe"
        );
    }
}
