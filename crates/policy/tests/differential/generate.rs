//! The seeded scenario generator.
//!
//! A *world* is one principal with everything that governs its requests to one resource family:
//! identity policies (generated statements and AWS managed policies), a permissions boundary, a
//! session policy, the resource-based policy of the target resource (bucket policy, queue
//! policy, KMS key policy, role trust policy, ...), an SCP tree, an RCP tree and a VPC endpoint
//! policy, each present or not. A world is compiled once and asked several requests (actions on
//! the family's resources, with context keys present, missing or multivalued).
//!
//! Scenarios stay inside what both engines model: the request resource never has a wildcard
//! (except `*` for actions without resource types), multivalued keys are only the `ArrayOf*`
//! keys, anonymous and service callers have no principal-side policies and no SCPs, and RCPs only
//! deny (iam-simulate adds `RCPFullAWSAccess` itself; the generator adds it for our engine).

use std::collections::BTreeMap;

use iamwatch_policy::context::ContextValue;
use iamwatch_policy::eval::ResourcePolicyKind;
use serde_json::{Map, Value, json};

/// The account of the resources (and of same-account principals).
pub const HOME: &str = "111111111111";
/// Another account, for cross-account principals.
pub const OTHER: &str = "222222222222";

/// xorshift64*: small, fast and good enough to pick among a few choices.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn range(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// A policy document and where it comes from.
#[derive(Clone, Debug)]
pub struct Doc {
    pub name: String,
    /// The document (for managed policies: parsed from the catalog text).
    pub json: Value,
    /// For AWS managed policies: the reference the oracle caches it under.
    pub managed: Option<String>,
}

impl Doc {
    fn generated(name: impl Into<String>, statements: Vec<Value>) -> Self {
        Self {
            name: name.into(),
            json: json!({"Version": "2012-10-17", "Statement": statements}),
            managed: None,
        }
    }
}

/// Who asks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller {
    User {
        account: &'static str,
        name: &'static str,
    },
    Session {
        account: &'static str,
        role: &'static str,
        session: &'static str,
    },
    Role {
        account: &'static str,
        role: &'static str,
    },
    FederatedUser {
        account: &'static str,
        name: &'static str,
    },
    Service(&'static str),
    Anonymous,
}

impl Caller {
    /// The principal as both engines take it (`anonymous` for the oracle's marker).
    pub fn text(&self) -> String {
        match self {
            Caller::User { account, name } => format!("arn:aws:iam::{account}:user/{name}"),
            Caller::Session {
                account,
                role,
                session,
            } => {
                format!("arn:aws:sts::{account}:assumed-role/{role}/{session}")
            }
            Caller::Role { account, role } => format!("arn:aws:iam::{account}:role/{role}"),
            Caller::FederatedUser { account, name } => {
                format!("arn:aws:sts::{account}:federated-user/{name}")
            }
            Caller::Service(name) => (*name).to_owned(),
            Caller::Anonymous => "anonymous".to_owned(),
        }
    }

    pub fn account(&self) -> Option<&'static str> {
        match self {
            Caller::User { account, .. }
            | Caller::Session { account, .. }
            | Caller::Role { account, .. }
            | Caller::FederatedUser { account, .. } => Some(account),
            Caller::Service(_) | Caller::Anonymous => None,
        }
    }

    /// IAM principals have identity policies, boundaries and SCPs.
    pub fn is_iam(&self) -> bool {
        self.account().is_some()
    }

    /// Role sessions, roles and federated users can carry a session policy.
    pub fn has_session(&self) -> bool {
        matches!(
            self,
            Caller::Session { .. } | Caller::Role { .. } | Caller::FederatedUser { .. }
        )
    }
}

/// One level of an SCP or RCP tree.
#[derive(Clone, Debug)]
pub struct Level {
    pub target: String,
    pub policies: Vec<Doc>,
}

/// A principal and every policy that governs its requests to one resource family.
#[derive(Clone, Debug)]
pub struct World {
    pub caller: Caller,
    pub identity: Vec<Doc>,
    pub boundary: Option<Doc>,
    pub session: Option<Doc>,
    pub resource: Option<(ResourcePolicyKind, Doc)>,
    pub scps: Option<Vec<Level>>,
    /// Without `RCPFullAWSAccess` (the oracle adds it; `convert` adds it for our engine).
    pub rcps: Option<Vec<Level>>,
    pub vpce: Option<Doc>,
    pub requests: Vec<Req>,
}

/// One request of a world.
#[derive(Clone, Debug)]
pub struct Req {
    pub action: &'static str,
    /// An ARN, or `*` for actions without resource types.
    pub resource: String,
    pub resource_account: &'static str,
    pub context: BTreeMap<String, ContextValue>,
}

/// A family of resources with the actions on them.
struct Family {
    /// The kind of the resource-based policy, `None` when the family has none.
    policy: Option<ResourcePolicyKind>,
    /// (action, resource template); `{a}` is the resource account; `*` means no resource type.
    actions: &'static [(&'static str, &'static str)],
    /// Resource patterns that policies of the family use.
    patterns: &'static [&'static str],
}

const S3_OBJECTS: &[&str] = &[
    "arn:aws:s3:::data-bucket/home/blue/report.csv",
    "arn:aws:s3:::data-bucket/home/red/notes.txt",
    "arn:aws:s3:::data-bucket/public/index.html",
    "arn:aws:s3:::data-bucket/Home/Blue/a.txt",
    "arn:aws:s3:::data-bucket/uploads/2026/x:y.bin",
];

const FAMILIES: &[Family] = &[
    Family {
        policy: Some(ResourcePolicyKind::Generic),
        actions: &[
            ("s3:GetObject", "OBJECT"),
            ("s3:PutObject", "OBJECT"),
            ("s3:DeleteObject", "OBJECT"),
            ("s3:GetObjectTagging", "OBJECT"),
            ("s3:ListBucket", "arn:aws:s3:::data-bucket"),
            ("s3:GetBucketPolicy", "arn:aws:s3:::data-bucket"),
            ("s3:DeleteBucket", "arn:aws:s3:::data-bucket"),
            ("s3:ListAllMyBuckets", "*"),
        ],
        patterns: &[
            "arn:aws:s3:::data-bucket/*",
            "arn:aws:s3:::data-bucket",
            "arn:aws:s3:::data-bucket*",
            "arn:aws:s3:::data-bucket/home/${aws:PrincipalTag/team}/*",
            "arn:aws:s3:::data-bucket/home/${aws:username}/*",
            "arn:aws:s3:::data-bucket/home/*/report.???",
            "arn:aws:s3:::data-bucket/public/*",
            "arn:aws:s3:::data-bucket/home/blue/*",
            "arn:aws:s3:::data-bucket/Home/*",
            "arn:aws:s3:::other-bucket/*",
            "arn:aws:s3:::*",
            "arn:aws:s3:::data-bucket/uploads/*:*",
        ],
    },
    Family {
        policy: Some(ResourcePolicyKind::Generic),
        actions: &[
            ("sqs:SendMessage", "arn:aws:sqs:us-east-1:{a}:jobs-main"),
            ("sqs:ReceiveMessage", "arn:aws:sqs:us-east-1:{a}:jobs-main"),
            ("sqs:DeleteMessage", "arn:aws:sqs:us-east-1:{a}:jobs-dlq"),
            (
                "sqs:GetQueueAttributes",
                "arn:aws:sqs:eu-west-1:{a}:jobs-main",
            ),
            ("sqs:ListQueues", "*"),
        ],
        patterns: &[
            "arn:aws:sqs:us-east-1:{a}:jobs-main",
            "arn:aws:sqs:*:{a}:jobs-*",
            "arn:aws:sqs:us-*:*:*",
            "arn:aws:sqs:*:*:*-dlq",
            "arn:aws:sqs:eu-west-1:{a}:*",
            "arn:aws:sqs:us-east-1:{o}:jobs-main",
        ],
    },
    Family {
        policy: Some(ResourcePolicyKind::KmsKey),
        actions: &[
            (
                "kms:Decrypt",
                "arn:aws:kms:us-east-1:{a}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            ),
            (
                "kms:Encrypt",
                "arn:aws:kms:us-east-1:{a}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            ),
            (
                "kms:GenerateDataKey",
                "arn:aws:kms:us-east-1:{a}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            ),
            (
                "kms:DescribeKey",
                "arn:aws:kms:us-east-1:{a}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            ),
            (
                "kms:ScheduleKeyDeletion",
                "arn:aws:kms:us-east-1:{a}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            ),
        ],
        patterns: &[
            "arn:aws:kms:us-east-1:{a}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:kms:*:{a}:key/*",
            "arn:aws:kms:*:*:key/*",
            "arn:aws:kms:eu-west-1:{a}:key/*",
        ],
    },
    Family {
        policy: Some(ResourcePolicyKind::RoleTrust),
        actions: &[
            ("sts:AssumeRole", "arn:aws:iam::{a}:role/deploy"),
            ("sts:TagSession", "arn:aws:iam::{a}:role/deploy"),
            ("sts:SetSourceIdentity", "arn:aws:iam::{a}:role/deploy"),
        ],
        patterns: &[
            "arn:aws:iam::{a}:role/deploy",
            "arn:aws:iam::{a}:role/*",
            "arn:aws:iam::*:role/dep*",
            "arn:aws:iam::{o}:role/*",
        ],
    },
    Family {
        policy: Some(ResourcePolicyKind::Generic),
        actions: &[
            (
                "lambda:InvokeFunction",
                "arn:aws:lambda:us-east-1:{a}:function:process",
            ),
            (
                "lambda:GetFunction",
                "arn:aws:lambda:us-east-1:{a}:function:process",
            ),
            (
                "lambda:DeleteFunction",
                "arn:aws:lambda:us-east-1:{a}:function:report",
            ),
            ("lambda:ListFunctions", "*"),
        ],
        patterns: &[
            "arn:aws:lambda:us-east-1:{a}:function:process",
            "arn:aws:lambda:*:{a}:function:*",
            "arn:aws:lambda:us-east-1:{a}:function:proc*",
            "arn:aws:lambda:*:*:function:report",
        ],
    },
    Family {
        policy: Some(ResourcePolicyKind::Generic),
        actions: &[
            (
                "secretsmanager:GetSecretValue",
                "arn:aws:secretsmanager:us-east-1:{a}:secret:db-password-AbCdEf",
            ),
            (
                "secretsmanager:DescribeSecret",
                "arn:aws:secretsmanager:us-east-1:{a}:secret:db-password-AbCdEf",
            ),
            (
                "secretsmanager:PutSecretValue",
                "arn:aws:secretsmanager:us-east-1:{a}:secret:api-key-XyZ123",
            ),
        ],
        patterns: &[
            "arn:aws:secretsmanager:us-east-1:{a}:secret:db-password-??????",
            "arn:aws:secretsmanager:*:{a}:secret:*",
            "arn:aws:secretsmanager:us-east-1:{a}:secret:api-key-*",
        ],
    },
    Family {
        policy: Some(ResourcePolicyKind::Generic),
        actions: &[
            ("sns:Publish", "arn:aws:sns:us-east-1:{a}:alerts"),
            ("sns:Subscribe", "arn:aws:sns:us-east-1:{a}:alerts"),
            ("sns:DeleteTopic", "arn:aws:sns:us-west-2:{a}:builds"),
        ],
        patterns: &[
            "arn:aws:sns:us-east-1:{a}:alerts",
            "arn:aws:sns:*:{a}:*",
            "arn:aws:sns:us-west-2:*:b*",
        ],
    },
    Family {
        policy: None,
        actions: &[
            (
                "ec2:TerminateInstances",
                "arn:aws:ec2:us-east-1:{a}:instance/i-0123456789abcdef0",
            ),
            (
                "ec2:StartInstances",
                "arn:aws:ec2:us-east-1:{a}:instance/i-0123456789abcdef0",
            ),
            ("ec2:DescribeInstances", "*"),
            ("iam:GetUser", "arn:aws:iam::{a}:user/alice"),
            ("iam:CreateUser", "arn:aws:iam::{a}:user/mallory"),
            ("iam:PassRole", "arn:aws:iam::{a}:role/app"),
            ("iam:ListRoles", "*"),
            (
                "dynamodb:GetItem",
                "arn:aws:dynamodb:us-east-1:{a}:table/app-orders",
            ),
            (
                "dynamodb:PutItem",
                "arn:aws:dynamodb:us-east-1:{a}:table/app-orders",
            ),
            (
                "cloudtrail:StopLogging",
                "arn:aws:cloudtrail:us-east-1:{a}:trail/main",
            ),
            ("sts:GetCallerIdentity", "*"),
        ],
        patterns: &[
            "arn:aws:ec2:us-east-1:{a}:instance/*",
            "arn:aws:ec2:*:*:instance/i-0123*",
            "arn:aws:iam::{a}:user/*",
            "arn:aws:iam::{a}:user/${aws:username}",
            "arn:aws:iam::{a}:role/app",
            "arn:aws:iam::*:*",
            "arn:aws:dynamodb:*:{a}:table/app-*",
            "arn:aws:dynamodb:us-east-1:{a}:table/app-orders",
            "arn:aws:cloudtrail:*:*:trail/*",
        ],
    },
];

/// Action patterns policies use besides the exact actions of the family.
const ACTION_PATTERNS: &[&str] = &[
    "*",
    "s3:*",
    "s3:Get*",
    "s3:*Object",
    "s3:Put*",
    "S3:getobject",
    "s3:Get?bject",
    "s3:List*",
    "sqs:*",
    "sqs:*Message",
    "kms:*",
    "kms:Decrypt",
    "kms:Generate*",
    "sts:*",
    "sts:AssumeRole",
    "lambda:*",
    "lambda:Invoke*",
    "secretsmanager:Get*",
    "secretsmanager:*",
    "sns:*",
    "sns:Pub*",
    "ec2:*",
    "ec2:Describe*",
    "ec2:*Instances",
    "iam:*",
    "iam:Get*",
    "iam:*User*",
    "iam:PassRole",
    "dynamodb:*",
    "dynamodb:*Item",
    "cloudtrail:*",
    "cloudtrail:StopLogging",
];

/// AWS managed policies used as identity policies (a sample across sizes and services).
pub const MANAGED: &[&str] = &[
    "ReadOnlyAccess",
    "AmazonEC2FullAccess",
    "AdministratorAccess",
    "PowerUserAccess",
    "AmazonS3ReadOnlyAccess",
    "AmazonS3FullAccess",
    "IAMReadOnlyAccess",
    "IAMFullAccess",
    "AmazonSQSFullAccess",
    "AmazonSQSReadOnlyAccess",
    "AmazonSNSFullAccess",
    "AmazonDynamoDBFullAccess",
    "AmazonDynamoDBReadOnlyAccess",
    "AWSLambda_FullAccess",
    "AWSLambda_ReadOnlyAccess",
    "SecretsManagerReadWrite",
    "SecurityAudit",
    "ViewOnlyAccess",
    "AWSKeyManagementServicePowerUser",
    "AmazonEC2ReadOnlyAccess",
    "AWSCloudTrail_ReadOnlyAccess",
    "AWSCloudTrail_FullAccess",
    "IAMUserChangePassword",
    "AWSLambdaBasicExecutionRole",
];

/// How a condition key is typed, which decides its operators and values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyType {
    Text,
    Arn,
    Number,
    Date,
    Bool,
    Ip,
    /// `ArrayOfString`: requests carry a list.
    TextList,
}

struct Key {
    name: &'static str,
    kind: KeyType,
    /// Values requests carry (and policies test, with the patterns below).
    values: &'static [&'static str],
    /// Extra values only policies use (wildcards, variables, other spellings).
    patterns: &'static [&'static str],
}

const KEYS: &[Key] = &[
    Key {
        name: "aws:PrincipalTag/team",
        kind: KeyType::Text,
        values: &["blue", "red", "Blue", "green"],
        patterns: &["bl*", "?ed", "*", "${aws:username}", "BLUE"],
    },
    Key {
        name: "aws:RequestedRegion",
        kind: KeyType::Text,
        values: &["us-east-1", "eu-west-1", "us-west-2", "ap-south-1"],
        patterns: &["us-*", "eu-west-?", "*"],
    },
    Key {
        name: "aws:PrincipalOrgID",
        kind: KeyType::Text,
        values: &["o-aaaa1111", "o-bbbb2222"],
        patterns: &["o-*", "O-AAAA1111"],
    },
    Key {
        name: "aws:SourceVpc",
        kind: KeyType::Text,
        values: &["vpc-111aaa", "vpc-222bbb"],
        patterns: &["vpc-1*"],
    },
    Key {
        name: "aws:ResourceTag/env",
        kind: KeyType::Text,
        values: &["prod", "dev", "Prod"],
        patterns: &["pr*", "${aws:PrincipalTag/team}"],
    },
    Key {
        name: "aws:PrincipalArn",
        kind: KeyType::Arn,
        values: &[],
        patterns: &[
            "arn:aws:iam::111111111111:user/alice",
            "arn:aws:iam::111111111111:role/app",
            "arn:aws:iam::*:role/app",
            "arn:aws:iam::111111111111:*",
            "arn:aws:iam::222222222222:user/*",
            "arn:aws:iam::*:user/${aws:username}",
            "arn:aws:iam::111111111111:role/ap?",
            "arn:aws:sts::111111111111:assumed-role/app/s1",
        ],
    },
    Key {
        name: "aws:SourceArn",
        kind: KeyType::Arn,
        values: &[
            "arn:aws:cloudtrail:us-east-1:111111111111:trail/main",
            "arn:aws:s3:::logs-bucket",
            "arn:aws:sns:us-east-1:222222222222:alerts",
        ],
        patterns: &[
            "arn:aws:cloudtrail:*:111111111111:trail/*",
            "arn:aws:s3:::logs-*",
            "arn:aws:sns:*:*:*",
            "arn:aws:*:*:222222222222:*",
        ],
    },
    Key {
        name: "aws:MultiFactorAuthAge",
        kind: KeyType::Number,
        values: &["0", "300", "3600", "86400", "42"],
        patterns: &["3600", "300.0", "1e3", "-1"],
    },
    Key {
        name: "aws:CurrentTime",
        kind: KeyType::Date,
        values: &[
            "2026-01-01T00:00:00Z",
            "2024-06-15T12:30:00Z",
            "2030-12-31T23:59:59Z",
            "2026-01-01",
        ],
        patterns: &[
            "2026-01-01T00:00:00Z",
            "2025-01-01",
            "2027-06-01T00:00:00+02:00",
            "1767225600",
            "2026-01-01T00:00:00.000Z",
        ],
    },
    Key {
        name: "aws:EpochTime",
        kind: KeyType::Date,
        values: &["1767225600", "1718454600"],
        patterns: &["1767225600", "1735689600", "2025-01-01T00:00:00Z"],
    },
    Key {
        name: "aws:SecureTransport",
        kind: KeyType::Bool,
        values: &["true", "false"],
        patterns: &["True", "TRUE"],
    },
    Key {
        name: "aws:MultiFactorAuthPresent",
        kind: KeyType::Bool,
        values: &["true", "false"],
        patterns: &[],
    },
    Key {
        name: "aws:SourceIp",
        kind: KeyType::Ip,
        values: &["10.1.2.3", "192.0.2.10", "203.0.113.7", "2001:db8::1"],
        patterns: &[
            "10.0.0.0/8",
            "192.0.2.0/24",
            "203.0.113.7",
            "2001:db8::/32",
            "0.0.0.0/0",
        ],
    },
    Key {
        name: "aws:TagKeys",
        kind: KeyType::TextList,
        values: &["env", "team", "owner", "Env"],
        patterns: &["t*", "ENV"],
    },
    Key {
        name: "aws:PrincipalOrgPaths",
        kind: KeyType::TextList,
        values: &[
            "o-aaaa1111/r-ab12/ou-ab12-11111111/",
            "o-aaaa1111/r-ab12/ou-ab12-22222222/",
            "o-bbbb2222/r-cd34/",
        ],
        patterns: &[
            "o-aaaa1111/r-ab12/*",
            "o-aaaa1111/r-ab12/ou-ab12-11111111/*",
            "*/r-cd34/",
        ],
    },
    Key {
        name: "aws:CalledVia",
        kind: KeyType::TextList,
        values: &["cloudformation.amazonaws.com", "athena.amazonaws.com"],
        patterns: &["*.amazonaws.com"],
    },
];

const STRING_OPS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
];
const ARN_OPS: &[&str] = &["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"];
const NUMERIC_OPS: &[&str] = &[
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
];
const DATE_OPS: &[&str] = &[
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
];
const IP_OPS: &[&str] = &["IpAddress", "NotIpAddress"];

fn fill(template: &str, account: &str) -> String {
    template.replace("{a}", account).replace("{o}", OTHER)
}

fn one_or_many(rng: &mut Rng, mut items: Vec<Value>) -> Value {
    if items.len() == 1 && rng.chance(60) {
        items.remove(0)
    } else {
        Value::Array(items)
    }
}

/// The generator: a seed and the knobs of one run.
pub struct Generator {
    rng: Rng,
    /// Managed policy documents (name, document) available to worlds.
    managed: Vec<(String, Value)>,
}

impl Generator {
    pub fn new(seed: u64, managed: Vec<(String, Value)>) -> Self {
        Self {
            rng: Rng::new(seed),
            managed,
        }
    }

    fn family(&mut self) -> &'static Family {
        // The S3 family is the richest; give it more weight.
        if self.rng.chance(30) {
            &FAMILIES[0]
        } else {
            &FAMILIES[self.rng.below(FAMILIES.len())]
        }
    }

    fn caller(&mut self, family: &Family) -> Caller {
        let generic = family.policy == Some(ResourcePolicyKind::Generic);
        let roll = self.rng.below(100);
        match roll {
            0..=34 => Caller::User {
                account: HOME,
                name: self.rng.pick(&["alice", "bob"]),
            },
            35..=59 => Caller::Session {
                account: HOME,
                role: "app",
                session: self.rng.pick(&["s1", "i-0abc"]),
            },
            60..=64 => Caller::Role {
                account: HOME,
                role: "app",
            },
            65..=69 => Caller::FederatedUser {
                account: HOME,
                name: "fed",
            },
            70..=79 => Caller::User {
                account: OTHER,
                name: "carol",
            },
            80..=87 => Caller::Session {
                account: OTHER,
                role: "app",
                session: "x1",
            },
            88..=93 if generic => Caller::Service("cloudtrail.amazonaws.com"),
            94..=99 if generic => Caller::Anonymous,
            _ => Caller::User {
                account: HOME,
                name: "alice",
            },
        }
    }

    pub fn world(&mut self, requests: usize) -> World {
        let family = self.family();
        let caller = self.caller(family);
        let iam = caller.is_iam();
        let mut world = World {
            caller: caller.clone(),
            identity: Vec::new(),
            boundary: None,
            session: None,
            resource: None,
            scps: None,
            rcps: None,
            vpce: None,
            requests: Vec::new(),
        };
        if iam {
            for index in 0..self.rng.range(0, 3) {
                let statements = self.statements(family, Element::Identity, 1, 4);
                world
                    .identity
                    .push(Doc::generated(format!("identity-{index}"), statements));
            }
            if self.rng.chance(35) && !self.managed.is_empty() {
                for _ in 0..self.rng.range(1, 2) {
                    let (name, json) = self.managed[self.rng.below(self.managed.len())].clone();
                    if world.identity.iter().any(|doc| doc.name == name) {
                        continue;
                    }
                    world.identity.push(Doc {
                        managed: Some(name.clone()),
                        name,
                        json,
                    });
                }
            }
            if self.rng.chance(25) {
                let statements = self.statements(family, Element::Identity, 1, 3);
                world.boundary = Some(Doc::generated("boundary", statements));
            }
            if caller.has_session() && self.rng.chance(35) {
                let statements = self.statements(family, Element::Identity, 1, 3);
                world.session = Some(Doc::generated("session", statements));
            }
            if self.rng.chance(35) {
                world.scps = Some(self.scp_tree(family));
            }
        }
        if let Some(kind) = family.policy {
            let always = matches!(
                kind,
                ResourcePolicyKind::KmsKey | ResourcePolicyKind::RoleTrust
            );
            if always || self.rng.chance(65) {
                let statements = self.statements(family, Element::Resource(kind), 1, 4);
                world
                    .resource
                    .replace((kind, Doc::generated("resource", statements)));
            }
        }
        if self.rng.chance(20) {
            world.rcps = Some(self.rcp_tree(family));
        }
        if self.rng.chance(10) {
            let statements = self.statements(family, Element::Endpoint, 1, 3);
            world.vpce = Some(Doc::generated("vpce", statements));
        }
        for _ in 0..requests {
            let request = self.request(family, &caller);
            world.requests.push(request);
        }
        world
    }

    fn scp_tree(&mut self, family: &Family) -> Vec<Level> {
        let full = || {
            Doc::generated(
                "FullAWSAccess",
                vec![json!({"Effect": "Allow", "Action": "*", "Resource": "*"})],
            )
        };
        let targets = ["r-ab12", "ou-ab12-11111111", "ou-ab12-22222222"];
        let depth = self.rng.range(1, 3);
        let mut levels = Vec::new();
        for (index, target) in targets.iter().take(depth).enumerate() {
            let mut policies = Vec::new();
            if self.rng.chance(75) {
                policies.push(full());
            } else {
                // An allow-list: only some services (statements with Allow).
                let statements = self.statements(family, Element::ScpAllow, 1, 3);
                policies.push(Doc::generated(format!("allow-list-{index}"), statements));
            }
            if self.rng.chance(45) {
                let statements = self.statements(family, Element::ScpDeny, 1, 3);
                policies.push(Doc::generated(format!("guard-{index}"), statements));
            }
            levels.push(Level {
                target: (*target).to_owned(),
                policies,
            });
        }
        levels
    }

    fn rcp_tree(&mut self, family: &Family) -> Vec<Level> {
        let targets = ["r-ab12", "ou-ab12-11111111", HOME];
        let depth = self.rng.range(1, 3);
        let mut levels = Vec::new();
        for (index, target) in targets.iter().take(depth).enumerate() {
            let mut policies = Vec::new();
            if self.rng.chance(60) {
                let statements = self.statements(family, Element::Rcp, 1, 2);
                policies.push(Doc::generated(format!("rcp-{index}"), statements));
            }
            levels.push(Level {
                target: (*target).to_owned(),
                policies,
            });
        }
        levels
    }

    fn statements(
        &mut self,
        family: &Family,
        element: Element,
        low: usize,
        high: usize,
    ) -> Vec<Value> {
        (0..self.rng.range(low, high))
            .map(|_| self.statement(family, element))
            .collect()
    }

    fn action(&mut self, family: &Family, element: Element) -> Value {
        let count = self.rng.range(1, 3);
        let mut actions = Vec::new();
        for _ in 0..count {
            let action = if element == Element::Rcp {
                // RCPs only name services that support them.
                self.rng.pick(&[
                    "s3:*",
                    "s3:GetObject",
                    "s3:Put*",
                    "sqs:*",
                    "kms:*",
                    "kms:Decrypt",
                    "sts:AssumeRole",
                    "sts:*",
                    "secretsmanager:GetSecretValue",
                    "secretsmanager:*",
                ])
            } else if self.rng.chance(55) {
                family.actions[self.rng.below(family.actions.len())].0
            } else {
                self.rng.pick(ACTION_PATTERNS)
            };
            let action = if self.rng.chance(5) {
                action.to_ascii_lowercase()
            } else {
                action.to_owned()
            };
            actions.push(Value::String(action));
        }
        one_or_many(&mut self.rng, actions)
    }

    fn resource(&mut self, family: &Family, element: Element) -> Value {
        if self.rng.chance(35) {
            return Value::String("*".into());
        }
        let count = self.rng.range(1, 2);
        let mut resources = Vec::new();
        for _ in 0..count {
            let account = if self.rng.chance(85) { HOME } else { OTHER };
            let text = if self.rng.chance(25) {
                let (_, template) = family.actions[self.rng.below(family.actions.len())];
                if template == "OBJECT" {
                    self.rng.pick(S3_OBJECTS).to_owned()
                } else {
                    fill(template, account)
                }
            } else {
                fill(self.rng.pick(family.patterns), account)
            };
            // SCPs and RCPs reject variables in some validators; keep them to identity-side and
            // resource policies.
            let text = if matches!(element, Element::ScpAllow | Element::ScpDeny | Element::Rcp)
                && text.contains("${")
            {
                "*".to_owned()
            } else {
                text
            };
            resources.push(Value::String(text));
        }
        one_or_many(&mut self.rng, resources)
    }

    fn statement(&mut self, family: &Family, element: Element) -> Value {
        let mut statement = Map::new();
        let effect = match element {
            Element::ScpAllow => "Allow",
            Element::ScpDeny | Element::Rcp => "Deny",
            Element::Resource(_) | Element::Endpoint => {
                if self.rng.chance(25) {
                    "Deny"
                } else {
                    "Allow"
                }
            }
            Element::Identity => {
                if self.rng.chance(22) {
                    "Deny"
                } else {
                    "Allow"
                }
            }
        };
        if self.rng.chance(30) {
            statement.insert("Sid".into(), json!(format!("S{}", self.rng.below(1000))));
        }
        statement.insert("Effect".into(), json!(effect));
        match element {
            Element::Resource(_) => {
                let (key, principal) = self.principal(effect);
                statement.insert(key.into(), principal);
            }
            Element::Endpoint | Element::Rcp => {
                statement.insert("Principal".into(), json!("*"));
            }
            _ => {}
        }
        let action = self.action(family, element);
        if element != Element::Rcp && self.rng.chance(10) {
            statement.insert("NotAction".into(), action);
        } else {
            statement.insert("Action".into(), action);
        }
        let trust = element == Element::Resource(ResourcePolicyKind::RoleTrust);
        if !trust || self.rng.chance(20) {
            let resource = self.resource(family, element);
            if self.rng.chance(9) && element != Element::Rcp {
                statement.insert("NotResource".into(), resource);
            } else {
                statement.insert("Resource".into(), resource);
            }
        }
        let condition_chance = match element {
            Element::Rcp | Element::ScpDeny => 70,
            _ => 45,
        };
        if self.rng.chance(condition_chance) {
            statement.insert("Condition".into(), self.condition());
        }
        Value::Object(statement)
    }

    fn principal(&mut self, effect: &str) -> (&'static str, Value) {
        let names = [
            json!("*"),
            json!({"AWS": "*"}),
            json!({"AWS": HOME}),
            json!({"AWS": format!("arn:aws:iam::{HOME}:root")}),
            json!({"AWS": OTHER}),
            json!({"AWS": format!("arn:aws:iam::{OTHER}:root")}),
            json!({"AWS": format!("arn:aws:iam::{HOME}:user/alice")}),
            json!({"AWS": format!("arn:aws:iam::{HOME}:user/fed")}),
            json!({"AWS": format!("arn:aws:iam::{HOME}:role/app")}),
            json!({"AWS": format!("arn:aws:sts::{HOME}:assumed-role/app/s1")}),
            json!({"AWS": format!("arn:aws:sts::{HOME}:federated-user/fed")}),
            json!({"AWS": format!("arn:aws:iam::{OTHER}:user/carol")}),
            json!({"AWS": format!("arn:aws:iam::{OTHER}:role/app")}),
            json!({"AWS": [format!("arn:aws:iam::{HOME}:user/bob"), format!("arn:aws:iam::{OTHER}:root")]}),
            json!({"Service": "cloudtrail.amazonaws.com"}),
            json!({"Service": ["lambda.amazonaws.com", "cloudtrail.amazonaws.com"]}),
        ];
        if effect == "Deny" && self.rng.chance(20) {
            let spared = [
                json!({"AWS": [format!("arn:aws:iam::{HOME}:root"), format!("arn:aws:iam::{HOME}:user/alice")]}),
                json!({"AWS": [format!("arn:aws:iam::{HOME}:root"), format!("arn:aws:iam::{HOME}:role/app"), format!("arn:aws:sts::{HOME}:assumed-role/app/s1")]}),
                json!({"AWS": format!("arn:aws:iam::{HOME}:user/alice")}),
                json!({"AWS": HOME}),
            ];
            return ("NotPrincipal", spared[self.rng.below(spared.len())].clone());
        }
        ("Principal", names[self.rng.below(names.len())].clone())
    }

    fn condition(&mut self) -> Value {
        let mut block: Map<String, Value> = Map::new();
        for _ in 0..self.rng.range(1, 2) {
            let key = &KEYS[self.rng.below(KEYS.len())];
            let (operator, values) = self.test(key);
            let entry = block
                .entry(operator)
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(keys) = entry {
                let name = if self.rng.chance(8) {
                    key.name.to_ascii_lowercase()
                } else {
                    key.name.to_owned()
                };
                keys.insert(name, values);
            }
        }
        Value::Object(block)
    }

    /// An operator for the key and the values it tests.
    fn test(&mut self, key: &Key) -> (String, Value) {
        if self.rng.chance(8) {
            let value = self.rng.pick(&["true", "false"]);
            return ("Null".into(), json!(value));
        }
        let (base, set) = match key.kind {
            KeyType::Text => (self.rng.pick(STRING_OPS), None),
            KeyType::Arn => {
                if self.rng.chance(20) {
                    (
                        self.rng
                            .pick(&["StringLike", "StringEquals", "StringNotLike"]),
                        None,
                    )
                } else {
                    (self.rng.pick(ARN_OPS), None)
                }
            }
            KeyType::Number => (self.rng.pick(NUMERIC_OPS), None),
            KeyType::Date => (self.rng.pick(DATE_OPS), None),
            KeyType::Bool => ("Bool", None),
            KeyType::Ip => (self.rng.pick(IP_OPS), None),
            KeyType::TextList => {
                let set = if self.rng.chance(85) {
                    Some(self.rng.pick(&["ForAnyValue", "ForAllValues"]))
                } else {
                    None
                };
                (self.rng.pick(STRING_OPS), set)
            }
        };
        // Set qualifiers on single-valued keys now and then (AWS: "overly permissive").
        let set = if set.is_none()
            && matches!(key.kind, KeyType::Text | KeyType::Arn | KeyType::Bool)
            && self.rng.chance(6)
        {
            Some(self.rng.pick(&["ForAnyValue", "ForAllValues"]))
        } else {
            set
        };
        let if_exists = self.rng.chance(15);
        let mut operator = String::new();
        if let Some(set) = set {
            operator.push_str(set);
            operator.push(':');
        }
        operator.push_str(base);
        if if_exists {
            operator.push_str("IfExists");
        }
        let count = self.rng.range(1, 3);
        let mut values = Vec::new();
        for _ in 0..count {
            let from_patterns =
                !key.patterns.is_empty() && (key.values.is_empty() || self.rng.chance(40));
            let value = if from_patterns {
                self.rng.pick(key.patterns)
            } else {
                self.rng.pick(key.values)
            };
            // Wildcards only mean something to Like operators; keep them there mostly.
            let value = if value.contains('*') && !base.contains("Like") && self.rng.chance(70) {
                if key.values.is_empty() {
                    value
                } else {
                    self.rng.pick(key.values)
                }
            } else {
                value
            };
            if !values.contains(&Value::String(value.into())) {
                values.push(Value::String(value.into()));
            }
        }
        (operator, one_or_many(&mut self.rng, values))
    }

    fn request(&mut self, family: &Family, caller: &Caller) -> Req {
        let (action, template) = family.actions[self.rng.below(family.actions.len())];
        let resource_account = HOME;
        let resource = match template {
            "OBJECT" => self.rng.pick(S3_OBJECTS).to_owned(),
            other => fill(other, resource_account),
        };
        let mut context = BTreeMap::new();
        let key_count = self.rng.range(0, 7);
        for _ in 0..key_count {
            let key = &KEYS[self.rng.below(KEYS.len())];
            let value = match key.kind {
                KeyType::TextList => {
                    let count = self.rng.range(0, 3);
                    let mut values = Vec::new();
                    for _ in 0..count {
                        let value = self.rng.pick(key.values).to_owned();
                        if !values.contains(&value) {
                            values.push(value);
                        }
                    }
                    ContextValue::Multi(values)
                }
                KeyType::Arn if key.values.is_empty() => continue,
                _ => ContextValue::Single(self.rng.pick(key.values).to_owned()),
            };
            context.insert(key.name.to_owned(), value);
        }
        // aws:PrincipalArn and friends are derived from the principal by our engine and passed
        // to the oracle; a tag and an org id make variables and org conditions interesting.
        if caller.is_iam() && self.rng.chance(50) {
            context.insert(
                "aws:PrincipalTag/team".into(),
                ContextValue::Single(self.rng.pick(&["blue", "red"]).into()),
            );
        }
        if caller.is_iam() && self.rng.chance(40) {
            let org = if caller.account() == Some(HOME) || self.rng.chance(50) {
                "o-aaaa1111"
            } else {
                "o-bbbb2222"
            };
            context.insert(
                "aws:PrincipalOrgID".into(),
                ContextValue::Single(org.into()),
            );
        }
        Req {
            action,
            resource,
            resource_account,
            context,
        }
    }
}

/// Which kind of policy a statement is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Element {
    Identity,
    Resource(ResourcePolicyKind),
    Endpoint,
    ScpAllow,
    ScpDeny,
    Rcp,
}
