//! One test per refused document: kind, message, line, column, JSON path, and where the parser
//! knows them, what it expected and how to fix it.

use iamwatch_policy::parse::{ParseError, ParseErrorKind, decoded_text, parse_policy};

use super::support::locate;

/// One refused document and the error it must give.
struct Case {
    file: &'static str,
    text: &'static str,
    kind: ParseErrorKind,
    position: (u32, u32),
    path: &'static str,
    message: &'static str,
    expected: Option<&'static str>,
    help: Option<&'static str>,
}

fn check(case: Case) -> ParseError {
    let Case {
        file,
        text,
        kind,
        position,
        path,
        message,
        expected,
        help,
    } = case;
    let error = parse_policy(text).expect_err(file);
    assert_eq!(error.message(), message, "{file}: message");
    assert_eq!(error.kind(), kind, "{file}: kind");
    assert_eq!(
        (error.line(), error.column()),
        position,
        "{file}: line and column"
    );
    assert_eq!(error.path(), path, "{file}: path");
    if let Some(expected) = expected {
        assert_eq!(error.expected(), Some(expected), "{file}: expected");
    }
    if let Some(help) = help {
        assert_eq!(error.help_text(), Some(help), "{file}: help");
    }
    // The span agrees with the line and column, in the text the parser read.
    if kind != ParseErrorKind::InvalidUrlEncoding {
        let source = decoded_text(text).unwrap();
        let span = error.span();
        assert!(span.start <= span.end && span.end as usize <= source.len());
        assert_eq!(
            locate(&source, span.start as usize),
            position,
            "{file}: span"
        );
    }
    // Messages follow the house style: one lowercase line without a final period.
    assert!(
        !message.contains('\n') && !message.ends_with('.'),
        "{file}: style"
    );
    assert!(
        message.starts_with(|c: char| !c.is_uppercase()) || message.starts_with("URL"),
        "{file}: lowercase"
    );
    error
}

macro_rules! reject {
    ($(
        $name:ident: $file:literal => $kind:ident at ($line:literal, $column:literal)
            path $path:literal
            $message:literal
            $( expected $expected:literal )?
            $( help $help:literal )?
        ;
    )*) => {
        $(
            #[test]
            fn $name() {
                let expected: Option<&str> = None $( .or(Some($expected)) )?;
                let help: Option<&str> = None $( .or(Some($help)) )?;
                check(Case {
                    file: $file,
                    text: include_str!(concat!("../fixtures/parse/reject/", $file)),
                    kind: ParseErrorKind::$kind,
                    position: ($line, $column),
                    path: $path,
                    message: $message,
                    expected,
                    help,
                });
            }
        )*

        /// Every fixture the table uses, to check that none is left without a test.
        pub const FIXTURES: &[&str] = &[$($file),*];
    };
}

reject! {
    // Empty or not an object.
    empty: "empty.json" => Empty at (1, 1) path ""
        "policy document is empty" expected "a JSON object";
    whitespace_only: "whitespace-only.json" => Empty at (1, 1) path ""
        "policy document is empty";
    top_level_list: "top-level-list.json" => WrongType at (1, 1) path ""
        "policy document must be a JSON object, found a list" expected "a JSON object";
    top_level_string: "top-level-string.json" => WrongType at (1, 1) path ""
        "policy document must be a JSON object, found a string";

    // Not JSON.
    missing_comma: "missing-comma.json" => InvalidJson at (3, 3) path ""
        "unexpected character `\"`" expected "`,` or `}`";
    trailing_comma_in_list: "trailing-comma-list.json" => InvalidJson at (6, 32)
        path "Statement[0].Action"
        "trailing comma before `]`" help "remove the comma; JSON does not allow trailing commas";
    trailing_comma_in_object: "trailing-comma-object.json" => InvalidJson at (3, 66)
        path "Statement" "trailing comma before `}`";
    line_comment: "comment.json" => InvalidJson at (1, 1) path ""
        "comments are not allowed in JSON" expected "a JSON value" help "remove the comment";
    block_comment: "block-comment.json" => InvalidJson at (3, 24) path "Statement"
        "comments are not allowed in JSON" expected "a key in double quotes";
    trailing_garbage: "trailing-garbage.json" => InvalidJson at (2, 1) path ""
        "unexpected text after the end of the document"
        help "a policy document is a single JSON object";
    two_documents: "two-documents.json" => InvalidJson at (1, 50) path ""
        "unexpected text after the end of the document";
    unterminated_string: "unterminated.json" => InvalidJson at (1, 45) path "Statement.Action"
        "unterminated string" expected "a closing `\"`";
    line_break_in_string: "line-break-in-string.json" => InvalidJson at (1, 50)
        path "Statement.Action" "unescaped line break in string";
    raw_tab_in_string: "raw-tab-in-string.json" => InvalidJson at (1, 25) path "Statement.Sid"
        "unescaped tab in string" help "write the tab as `\\t`";
    invalid_escape: "invalid-escape.json" => InvalidJson at (1, 77) path "Statement.Resource"
        "invalid escape `\\d` in string";
    lone_surrogate: "lone-surrogate.json" => InvalidJson at (1, 63) path "Statement.Resource"
        "unpaired surrogate `\\ud83d` in string";
    bad_unicode_escape: "bad-unicode-escape.json" => InvalidJson at (1, 63)
        path "Statement.Resource"
        "invalid unicode escape `\\u00g9`" expected "four hexadecimal digits after `\\u`";
    leading_zero: "leading-zero.json" => InvalidJson at (5, 60)
        path "Statement.Condition.StringEquals.aws:PrincipalAccount"
        "invalid number `0123`"
        help "JSON numbers cannot have leading zeros; quote the value if it is text, such as an account ID";
    single_quotes: "single-quotes.json" => InvalidJson at (1, 16) path "Statement"
        "strings must be in double quotes";
    capitalised_literal: "capital-true.json" => InvalidJson at (1, 96)
        path "Statement.Condition.Bool.aws:SecureTransport"
        "invalid literal `True`" help "JSON literals are lowercase: write `true`";
    unquoted_string: "unquoted-string.json" => InvalidJson at (1, 26) path "Statement.Effect"
        "invalid literal `Allow`" help "strings must be in double quotes";
    unexpected_end: "unexpected-end.json" => InvalidJson at (2, 1) path ""
        "unexpected end of document" expected "`,` or `}`";
    byte_order_mark: "byte-order-mark.json" => InvalidJson at (1, 1) path ""
        "byte order mark in document";

    // Duplicate keys, at every level.
    duplicate_top_level_key: "duplicate-top-level.json" => DuplicateKey at (3, 3) path "Version"
        "duplicate key `Version`"
        help "`Version` is already set at line 2, column 3; IAM refuses repeated keys, keep one";
    duplicate_statement_key: "duplicate-statement-key.json" => DuplicateKey at (8, 7)
        path "Statement[0].Effect" "duplicate key `Effect`";
    duplicate_condition_key: "duplicate-condition-key.json" => DuplicateKey at (11, 11)
        path "Statement[0].Condition.StringNotEquals.aws:SourceVpc"
        "duplicate key `aws:SourceVpc`";
    duplicate_operator: "duplicate-operator.json" => DuplicateKey at (1, 105)
        path "Statement.Condition.Bool" "duplicate key `Bool`";
    duplicate_principal_kind: "duplicate-principal-kind.json" => DuplicateKey at (1, 72)
        path "Statement.Principal.AWS" "duplicate key `AWS`";

    // Unknown elements.
    unknown_top_level_element: "unknown-top-level.json" => UnknownElement at (3, 3)
        path "Statements" "unknown policy element `Statements`"
        expected "`Version`, `Id` or `Statement`" help "did you mean `Statement`?";
    statement_elements_at_top_level: "statement-as-policy.json" => UnknownElement at (1, 27)
        path "Effect" "unknown policy element `Effect`"
        help "`Effect` belongs in a statement: wrap statements in `\"Statement\": [...]`";
    unknown_statement_element: "unknown-statement-element.json" => UnknownElement at (5, 39)
        path "Statement[1].Resources" "unknown statement element `Resources`"
        help "did you mean `Resource`?";
    lowercase_element: "lowercase-element.json" => UnknownElement at (1, 17)
        path "Statement[0].effect" "unknown statement element `effect`"
        help "element names are case-sensitive: write `Effect`";

    // Effect.
    lowercase_effect: "lowercase-effect.json" => InvalidEffect at (1, 27) path "Statement[0].Effect"
        "invalid effect `allow`" expected "`Allow` or `Deny`"
        help "`Effect` is case-sensitive: write `Allow`";
    unknown_effect: "unknown-effect.json" => InvalidEffect at (1, 27) path "Statement[0].Effect"
        "invalid effect `Permit`" expected "`Allow` or `Deny`";

    // An element with its `Not` form.
    action_and_not_action: "action-and-notaction.json" => ConflictingElements at (6, 7)
        path "Statement[0].NotAction" "statement has both `Action` and `NotAction`"
        help "a statement takes `Action` or `NotAction`, not both; split it into two statements";
    resource_and_not_resource: "resource-and-notresource.json" => ConflictingElements at (1, 84)
        path "Statement[0].Resource" "statement has both `NotResource` and `Resource`";
    principal_and_not_principal: "principal-and-notprincipal.json" => ConflictingElements
        at (1, 53) path "Statement[0].NotPrincipal"
        "statement has both `Principal` and `NotPrincipal`";

    // Missing elements.
    missing_action: "missing-action.json" => MissingElement at (4, 5) path "Statement[0]"
        "statement has neither `Action` nor `NotAction`"
        expected "an `Action` or `NotAction` element";
    missing_effect: "missing-effect.json" => MissingElement at (1, 16) path "Statement[0]"
        "statement has no `Effect` element";
    missing_statement: "missing-statement.json" => MissingElement at (1, 1) path ""
        "policy has no `Statement` element";

    // Version.
    unsupported_version: "bad-version.json" => InvalidVersion at (1, 13) path "Version"
        "unsupported policy version `2012-10-18`" expected "`2012-10-17` or `2008-10-17`";
    version_as_today: "version-as-date.json" => InvalidVersion at (1, 13) path "Version"
        "unsupported policy version `2024-06-01`"
        help "use `2012-10-17`, the current version; a version is a fixed name, not a date";
    version_as_number: "version-number.json" => WrongType at (1, 13) path "Version"
        "`Version` must be a string, found a number";

    // Wrong JSON types.
    action_as_number: "action-number.json" => WrongType at (1, 45) path "Statement.Action"
        "`Action` must be a string or a list of strings, found a number"
        expected "a string or a list of strings";
    number_in_action_list: "action-list-number.json" => WrongType at (9, 9)
        path "Statement[0].Action[3]" "`Action` values must be strings, found a number";
    statement_as_string: "statement-string.json" => WrongType at (1, 40) path "Statement"
        "`Statement` must be an object or a list of objects, found a string";
    string_in_statement_list: "statement-list-string.json" => WrongType at (1, 52)
        path "Statement[1]" "a statement must be an object, found a string";
    resource_as_object: "resource-object.json" => WrongType at (1, 62) path "Statement.Resource"
        "`Resource` must be a string or a list of strings, found an object";
    sid_as_number: "sid-number.json" => WrongType at (1, 23) path "Statement.Sid"
        "`Sid` must be a string, found a number";
    id_as_null: "id-null.json" => WrongType at (1, 8) path "Id"
        "`Id` must be a string, found `null`";
    effect_as_boolean: "effect-bool.json" => WrongType at (1, 26) path "Statement.Effect"
        "`Effect` must be a string, found a boolean";

    // Empty where IAM needs a value.
    empty_statement_list: "empty-statement-list.json" => EmptyValue at (1, 40) path "Statement"
        "`Statement` is an empty list" expected "at least one value";
    empty_action_list: "empty-action-list.json" => EmptyValue at (1, 45) path "Statement.Action"
        "`Action` is an empty list";
    empty_not_resource_list: "empty-resource-list.json" => EmptyValue at (1, 65)
        path "Statement.NotResource" "`NotResource` is an empty list";
    empty_principal_list: "empty-principal-list.json" => EmptyValue at (1, 56)
        path "Statement.Principal.AWS" "`AWS` is an empty list";
    empty_principal_map: "empty-principal-map.json" => EmptyValue at (1, 51)
        path "Statement.NotPrincipal" "`NotPrincipal` has no principals";
    empty_condition_values: "empty-condition-values.json" => EmptyValue at (1, 97)
        path "Statement.Condition.StringEquals.aws:username"
        "the value of condition key `aws:username` is an empty list";

    // Principals.
    lowercase_principal_kind: "unknown-principal-kind.json" => UnknownPrincipalKind at (1, 49)
        path "Statement.Principal.aws" "unknown principal type `aws`"
        expected "`AWS`, `Service`, `Federated` or `CanonicalUser`"
        help "principal types are case-sensitive: write `AWS`";
    misspelt_principal_kind: "unknown-principal-kind-typo.json" => UnknownPrincipalKind
        at (1, 49) path "Statement.Principal.Services" "unknown principal type `Services`"
        help "did you mean `Service`?";
    principal_arn_string: "principal-arn-string.json" => InvalidPrincipal at (1, 48)
        path "Statement.Principal" "invalid principal `arn:aws:iam::111122223333:root`"
        expected "`*` or a map of principal types"
        help "name principals in a map, such as `{\"AWS\": \"arn:aws:iam::111122223333:root\"}`";
    principal_service_string: "principal-service-string.json" => InvalidPrincipal at (1, 48)
        path "Statement.Principal" "invalid principal `ec2.amazonaws.com`"
        help "name a service principal in a map: `{\"Service\": \"ec2.amazonaws.com\"}`";
    principal_as_list: "principal-list.json" => WrongType at (1, 48) path "Statement.Principal"
        "`Principal` must be `\"*\"` or an object of principal types, found a list";
    principal_value_as_object: "principal-value-object.json" => WrongType at (1, 56)
        path "Statement.Principal.AWS"
        "`AWS` must be a string or a list of strings, found an object";

    // Conditions.
    unknown_operator: "unknown-operator.json" => UnknownOperator at (12, 9)
        path "Statement[2].Condition.StringLikes" "`StringLikes` is not a condition operator"
        expected "a condition operator such as `StringEquals`" help "did you mean `StringLike`?";
    unknown_qualifier: "unknown-qualifier.json" => UnknownOperator at (1, 64)
        path "Statement.Condition.ForAnyValues:StringLike"
        "`ForAnyValues:StringLike` is not a condition operator"
        help "did you mean `ForAnyValue:StringLike`?";
    null_if_exists: "null-if-exists.json" => UnknownOperator at (1, 64)
        path "Statement.Condition.NullIfExists" "`Null` cannot take `IfExists`"
        help "remove `IfExists`: `Null` itself tests whether the key exists";
    condition_as_list: "condition-list.json" => WrongType at (1, 63) path "Statement.Condition"
        "`Condition` must be an object of condition operators, found a list";
    operator_mapped_to_string: "operator-string.json" => WrongType at (1, 80)
        path "Statement.Condition.StringEquals"
        "condition operator `StringEquals` must be an object of condition keys, found a string";
    condition_key_mapped_to_object: "condition-value-object.json" => WrongType at (1, 97)
        path "Statement.Condition.StringEquals.aws:username"
        "a condition value must be a string, a number or a boolean, found an object";
    null_condition_value: "condition-value-null.json" => WrongType at (1, 107)
        path "Statement.Condition.StringEquals.aws:username[1]"
        "a condition value must be a string, a number or a boolean, found `null`";
    nested_condition_list: "condition-value-nested-list.json" => WrongType at (1, 98)
        path "Statement.Condition.StringEquals.aws:username[0]"
        "a condition value must be a string, a number or a boolean, found a list";

    // URL-encoded documents: positions are in the decoded text.
    url_encoded_invalid_utf8: "url-encoded-invalid-utf8.txt" => InvalidUrlEncoding at (1, 1)
        path "" "URL-encoded policy document does not decode to UTF-8 text";
    url_encoded_error_points_into_decoded_text: "url-encoded-error.txt" => InvalidEffect
        at (1, 24) path "Statement.Effect" "invalid effect `allow`";
    form_encoded: "form-encoded.txt" => InvalidJson at (1, 14) path "Statement"
        "unexpected character `+`"
        help "the document looks form-encoded (`+` for space); IAM uses RFC 3986 percent-encoding (`%20`)";
}

#[test]
fn every_reject_fixture_has_a_test() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/parse/reject");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if !FIXTURES.contains(&name.as_str()) {
            missing.push(name);
        }
    }
    assert!(missing.is_empty(), "fixtures without a test: {missing:?}");
}

#[test]
fn nesting_deeper_than_any_policy_is_refused() {
    let text = format!(
        "{{\"Statement\": {{\"Effect\": \"Allow\", \"Action\": \"*\", \"Condition\": {}{}}}}}",
        "[".repeat(200),
        "]".repeat(200)
    );
    let error = parse_policy(&text).unwrap_err();
    assert_eq!(error.kind(), ParseErrorKind::TooDeep);
    assert_eq!(error.message(), "JSON nesting is deeper than 128 levels");
    assert_eq!((error.line(), error.column()), (1, 189));
    assert!(error.path().starts_with("Statement.Condition[0][0][0]"));
}

#[test]
fn display_names_message_path_and_position() {
    let error = parse_policy(include_str!(
        "../fixtures/parse/reject/unknown-operator.json"
    ))
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "`StringLikes` is not a condition operator at `Statement[2].Condition.StringLikes` (line 12, column 9)"
    );
    let error = parse_policy("").unwrap_err();
    assert_eq!(
        error.to_string(),
        "policy document is empty (line 1, column 1)"
    );
}

#[test]
fn diagnostics_carry_code_help_and_label() {
    use miette::Diagnostic;
    let text = include_str!("../fixtures/parse/reject/lowercase-effect.json");
    let error = parse_policy(text).unwrap_err();
    assert_eq!(
        error.code().unwrap().to_string(),
        "iamwatch::parse::invalid-effect"
    );
    assert_eq!(
        Diagnostic::help(&error).unwrap().to_string(),
        "`Effect` is case-sensitive: write `Allow`"
    );
    let labels: Vec<_> = error.labels().unwrap().collect();
    assert_eq!(labels.len(), 1);
    let label = &labels[0];
    assert_eq!(label.label(), Some("expected `Allow` or `Deny`"));
    assert_eq!(
        &text[label.offset()..label.offset() + label.len()],
        "\"allow\""
    );
}
