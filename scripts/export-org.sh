#!/usr/bin/env bash
# Exports an AWS organization's IAM inventory with the AWS CLI, in the layout `iamwatch import`
# reads (docs/import-formats.md):
#
#   OUT/organizations.json                                organizations bundle
#   OUT/accounts/ACCOUNT/gaad.json                        get-account-authorization-details
#   OUT/accounts/ACCOUNT/credential-report.csv            get-credential-report, decoded
#   OUT/accounts/ACCOUNT/account.json                     account bundle
#   OUT/accounts/ACCOUNT/resource-policies-REGION.json    resource-policies bundle
#
# Run it with credentials of the management account (or of a delegated administrator for
# Organizations). In every member account it assumes ROLE; read-only access is enough:
# the AWS managed policies SecurityAudit and ViewOnlyAccess together cover every call.
#
# usage: scripts/export-org.sh --out DIR [--role NAME] [--regions r1,r2] [--accounts id,id]
#                              [--no-org] [--no-resources] [--profile NAME]
#
#   --out DIR        where to write (created)
#   --role NAME      role to assume in member accounts (default OrganizationAccountAccessRole)
#   --regions LIST   regions for resource policies (default: the CLI's configured region)
#   --accounts LIST  only these accounts (default: every ACTIVE account of the organization;
#                    with --no-org, the current account)
#   --no-org         skip Organizations (a single account, or no Organizations access)
#   --no-resources   skip resource policies
#   --profile NAME   AWS CLI profile for the starting credentials
#
# Needs: bash 4, the AWS CLI v2, jq. Calls are read-only. Each account is exported into a
# temporary directory and moved into place when complete, so an interrupted run leaves whole
# accounts only, and a rerun skips accounts already exported (delete a directory to redo it).
set -euo pipefail

OUT=""
ROLE="OrganizationAccountAccessRole"
REGIONS=""
ACCOUNTS=""
WITH_ORG=1
WITH_RESOURCES=1

die() { echo "export-org: $*" >&2; exit 2; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --out) OUT="${2:?--out needs a directory}"; shift 2 ;;
        --role) ROLE="${2:?--role needs a name}"; shift 2 ;;
        --regions) REGIONS="${2:?--regions needs a list}"; shift 2 ;;
        --accounts) ACCOUNTS="${2:?--accounts needs a list}"; shift 2 ;;
        --no-org) WITH_ORG=0; shift ;;
        --no-resources) WITH_RESOURCES=0; shift ;;
        --profile) export AWS_PROFILE="${2:?--profile needs a name}"; shift 2 ;;
        -h|--help) sed -n '2,31p' "$0"; exit 0 ;;
        *) die "unknown argument \`$1\` (see --help)" ;;
    esac
done
[[ -n "$OUT" ]] || die "--out is required (see --help)"
command -v aws >/dev/null || die "the AWS CLI is not installed"
command -v jq >/dev/null || die "jq is not installed"

export AWS_PAGER=""
export AWS_RETRY_MODE="${AWS_RETRY_MODE:-adaptive}"
export AWS_MAX_ATTEMPTS="${AWS_MAX_ATTEMPTS:-10}"
if [[ -z "$REGIONS" ]]; then
    REGIONS="$(aws configure get region || true)"
    REGIONS="${REGIONS:-us-east-1}"
fi
IFS=',' read -r -a REGION_LIST <<< "$REGIONS"

mkdir -p "$OUT/accounts"
TAKEN_AT="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
SELF="$(aws sts get-caller-identity --query Account --output text)"

# Adds KEY → the JSON in VALUE_FILE to the object in MAP_FILE.
add_to_map() {
    local map="$1" key="$2" value="$3"
    jq --arg k "$key" --slurpfile v "$value" '. + {($k): $v[0]}' "$map" > "$map.tmp"
    mv "$map.tmp" "$map"
}

# Runs an AWS CLI call and writes its JSON output to FILE; writes `null` when the call says the
# thing does not exist (no policy, no password policy). Other errors stop the script.
call_or_null() {
    local file="$1"; shift
    local err
    err="$(mktemp)"
    if aws "$@" --output json > "$file" 2> "$err"; then
        [[ -s "$file" ]] || echo 'null' > "$file"
    elif grep -Eq 'NoSuchEntity|NoSuchBucketPolicy|NoSuchBucket|ResourceNotFoundException|RepositoryPolicyNotFoundException|EntityNotFoundException|PolicyNotFound' "$err"; then
        echo 'null' > "$file"
    else
        cat "$err" >&2
        rm -f "$err"
        return 1
    fi
    rm -f "$err"
}

export_organization() {
    local dir file tmp
    dir="$(mktemp -d)"
    tmp="$dir/value.json"
    echo "export-org: organization" >&2
    aws organizations describe-organization --output json > "$dir/describe-organization.json"
    aws organizations list-roots --output json > "$dir/list-roots.json"
    aws organizations list-accounts --output json > "$dir/list-accounts.json"
    echo '{}' > "$dir/ous.json"
    echo '{}' > "$dir/accounts-for-parent.json"
    # Walk the tree breadth-first from the roots.
    local queue=() parent
    mapfile -t queue < <(jq -r '.Roots[].Id' "$dir/list-roots.json")
    while [[ ${#queue[@]} -gt 0 ]]; do
        parent="${queue[0]}"; queue=("${queue[@]:1}")
        aws organizations list-organizational-units-for-parent --parent-id "$parent" --output json > "$tmp"
        add_to_map "$dir/ous.json" "$parent" "$tmp"
        mapfile -t -O "${#queue[@]}" queue < <(jq -r '.OrganizationalUnits[].Id' "$tmp")
        aws organizations list-accounts-for-parent --parent-id "$parent" --output json > "$tmp"
        add_to_map "$dir/accounts-for-parent.json" "$parent" "$tmp"
    done
    echo '{}' > "$dir/list-policies.json"
    echo '{}' > "$dir/describe-policy.json"
    echo '{}' > "$dir/targets.json"
    local kind id
    for kind in SERVICE_CONTROL_POLICY RESOURCE_CONTROL_POLICY; do
        # A policy type that is not enabled (or not available) gives no policies.
        if ! aws organizations list-policies --filter "$kind" --output json > "$tmp" 2>/dev/null; then
            echo '{"Policies": []}' > "$tmp"
        fi
        add_to_map "$dir/list-policies.json" "$kind" "$tmp"
        for id in $(jq -r '.Policies[].Id' "$tmp"); do
            aws organizations describe-policy --policy-id "$id" --output json > "$dir/policy.json"
            add_to_map "$dir/describe-policy.json" "$id" "$dir/policy.json"
            aws organizations list-targets-for-policy --policy-id "$id" --output json > "$dir/policy.json"
            add_to_map "$dir/targets.json" "$id" "$dir/policy.json"
        done
    done
    if ! aws organizations list-delegated-administrators --output json > "$dir/delegated.json" 2>/dev/null; then
        echo '{"DelegatedAdministrators": []}' > "$dir/delegated.json"
    fi
    echo '{}' > "$dir/delegated-services.json"
    for id in $(jq -r '.DelegatedAdministrators[].Id' "$dir/delegated.json"); do
        aws organizations list-delegated-services-for-account --account-id "$id" --output json > "$tmp"
        add_to_map "$dir/delegated-services.json" "$id" "$tmp"
    done
    file="$OUT/organizations.json"
    jq -n --arg taken "$TAKEN_AT" \
        --slurpfile org "$dir/describe-organization.json" \
        --slurpfile roots "$dir/list-roots.json" \
        --slurpfile accounts "$dir/list-accounts.json" \
        --slurpfile ous "$dir/ous.json" \
        --slurpfile afp "$dir/accounts-for-parent.json" \
        --slurpfile policies "$dir/list-policies.json" \
        --slurpfile described "$dir/describe-policy.json" \
        --slurpfile targets "$dir/targets.json" \
        --slurpfile delegated "$dir/delegated.json" \
        --slurpfile services "$dir/delegated-services.json" \
        '{
            "iamwatch-bundle": "organizations",
            "taken-at": $taken,
            "organizations describe-organization": $org[0],
            "organizations list-roots": $roots[0],
            "organizations list-accounts": $accounts[0],
            "organizations list-organizational-units-for-parent": $ous[0],
            "organizations list-accounts-for-parent": $afp[0],
            "organizations list-policies": $policies[0],
            "organizations describe-policy": $described[0],
            "organizations list-targets-for-policy": $targets[0],
            "organizations list-delegated-administrators": $delegated[0],
            "organizations list-delegated-services-for-account": $services[0]
        }' > "$file.tmp"
    mv "$file.tmp" "$file"
    cp "$dir/list-accounts.json" "$OUT/.accounts.json"
    rm -rf "$dir"
}

# Sets AWS_ACCESS_KEY_ID/SECRET/SESSION_TOKEN for ACCOUNT (nothing for the current account).
assume() {
    local account="$1"
    unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
    [[ "$account" == "$SELF" ]] && return 0
    local creds
    creds="$(aws sts assume-role --role-arn "arn:aws:iam::$account:role/$ROLE" \
        --role-session-name iamwatch-export --duration-seconds 3600 --output json)" || return 1
    AWS_ACCESS_KEY_ID="$(jq -r .Credentials.AccessKeyId <<< "$creds")"
    AWS_SECRET_ACCESS_KEY="$(jq -r .Credentials.SecretAccessKey <<< "$creds")"
    AWS_SESSION_TOKEN="$(jq -r .Credentials.SessionToken <<< "$creds")"
    export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
}

export_credential_report() {
    local dir="$1" state tries=0
    while :; do
        state="$(aws iam generate-credential-report --query State --output text)"
        [[ "$state" == "COMPLETE" ]] && break
        tries=$((tries + 1))
        [[ $tries -lt 30 ]] || { echo "export-org: credential report not ready" >&2; return 1; }
        sleep 2
    done
    aws iam get-credential-report --query Content --output text | base64 -d > "$dir/credential-report.csv"
}

export_account_bundle() {
    local account="$1" dir="$2" work="$2/.work"
    mkdir -p "$work"
    call_or_null "$work/password-policy.json" iam get-account-password-policy
    aws iam get-account-summary --output json > "$work/summary.json"
    aws iam list-open-id-connect-providers --output json > "$work/oidc-list.json"
    aws iam list-saml-providers --output json > "$work/saml-list.json"
    echo '{}' > "$work/oidc.json"
    echo '{}' > "$work/saml.json"
    local arn
    for arn in $(jq -r '.OpenIDConnectProviderList[].Arn' "$work/oidc-list.json"); do
        aws iam get-open-id-connect-provider --open-id-connect-provider-arn "$arn" --output json > "$work/value.json"
        add_to_map "$work/oidc.json" "$arn" "$work/value.json"
    done
    for arn in $(jq -r '.SAMLProviderList[].Arn' "$work/saml-list.json"); do
        aws iam get-saml-provider --saml-provider-arn "$arn" --output json > "$work/value.json"
        add_to_map "$work/saml.json" "$arn" "$work/value.json"
    done
    jq -n --arg account "$account" --arg taken "$TAKEN_AT" \
        --slurpfile password "$work/password-policy.json" \
        --slurpfile summary "$work/summary.json" \
        --slurpfile oidc_list "$work/oidc-list.json" \
        --slurpfile oidc "$work/oidc.json" \
        --slurpfile saml_list "$work/saml-list.json" \
        --slurpfile saml "$work/saml.json" \
        '{
            "iamwatch-bundle": "account",
            "account": $account,
            "taken-at": $taken,
            "iam get-account-password-policy": $password[0],
            "iam get-account-summary": $summary[0],
            "iam list-open-id-connect-providers": $oidc_list[0],
            "iam get-open-id-connect-provider": $oidc[0],
            "iam list-saml-providers": $saml_list[0],
            "iam get-saml-provider": $saml[0]
        }' > "$dir/account.json"
    rm -rf "$work"
}

export_resources() {
    local account="$1" region="$2" dir="$3" work="$3/.work-$2"
    mkdir -p "$work"
    local v="$work/value.json" name url arn
    for key in s3 kms sqs sns lambda secrets ecr events opensearch; do echo '{}' > "$work/$key.json"; done
    # S3 buckets are global: export each with the region it lives in.
    for name in $(aws s3api list-buckets --query 'Buckets[].Name' --output text); do
        local location
        location="$(aws s3api get-bucket-location --bucket "$name" --query LocationConstraint --output text 2>/dev/null || echo unknown)"
        [[ "$location" == "None" ]] && location="us-east-1"
        [[ "$location" == "$region" ]] || continue
        call_or_null "$v" s3api get-bucket-policy --bucket "$name"
        add_to_map "$work/s3.json" "$name" "$v"
    done
    for arn in $(aws kms list-keys --region "$region" --query 'Keys[].KeyArn' --output text); do
        call_or_null "$v" kms get-key-policy --region "$region" --key-id "$arn" --policy-name default
        add_to_map "$work/kms.json" "$arn" "$v"
    done
    for url in $(aws sqs list-queues --region "$region" --query 'QueueUrls[]' --output text); do
        aws sqs get-queue-attributes --region "$region" --queue-url "$url" \
            --attribute-names Policy QueueArn --output json > "$v"
        add_to_map "$work/sqs.json" "$url" "$v"
    done
    for arn in $(aws sns list-topics --region "$region" --query 'Topics[].TopicArn' --output text); do
        aws sns get-topic-attributes --region "$region" --topic-arn "$arn" --output json > "$v"
        add_to_map "$work/sns.json" "$arn" "$v"
    done
    for arn in $(aws lambda list-functions --region "$region" --query 'Functions[].FunctionArn' --output text); do
        call_or_null "$v" lambda get-policy --region "$region" --function-name "$arn"
        add_to_map "$work/lambda.json" "$arn" "$v"
    done
    for arn in $(aws secretsmanager list-secrets --region "$region" --query 'SecretList[].ARN' --output text); do
        call_or_null "$v" secretsmanager get-resource-policy --region "$region" --secret-id "$arn"
        add_to_map "$work/secrets.json" "$arn" "$v"
    done
    for name in $(aws ecr describe-repositories --region "$region" --query 'repositories[].repositoryName' --output text 2>/dev/null); do
        call_or_null "$v" ecr get-repository-policy --region "$region" --repository-name "$name"
        add_to_map "$work/ecr.json" "$name" "$v"
    done
    for name in $(aws events list-event-buses --region "$region" --query 'EventBuses[].Name' --output text); do
        aws events describe-event-bus --region "$region" --name "$name" --output json > "$v"
        add_to_map "$work/events.json" "$name" "$v"
    done
    call_or_null "$work/glue.json" glue get-resource-policy --region "$region"
    for name in $(aws opensearch list-domain-names --region "$region" --query 'DomainNames[].DomainName' --output text 2>/dev/null); do
        aws opensearch describe-domain-config --region "$region" --domain-name "$name" --output json > "$v"
        add_to_map "$work/opensearch.json" "$name" "$v"
    done
    if ! aws apigateway get-rest-apis --region "$region" --output json > "$work/apigateway.json" 2>/dev/null; then
        echo '{"items": []}' > "$work/apigateway.json"
    fi
    jq -n --arg account "$account" --arg region "$region" --arg taken "$TAKEN_AT" \
        --slurpfile s3 "$work/s3.json" --slurpfile kms "$work/kms.json" --slurpfile sqs "$work/sqs.json" \
        --slurpfile sns "$work/sns.json" --slurpfile lambda "$work/lambda.json" \
        --slurpfile secrets "$work/secrets.json" --slurpfile ecr "$work/ecr.json" \
        --slurpfile events "$work/events.json" --slurpfile glue "$work/glue.json" \
        --slurpfile opensearch "$work/opensearch.json" --slurpfile apigateway "$work/apigateway.json" \
        '{
            "iamwatch-bundle": "resource-policies",
            "account": $account,
            "region": $region,
            "taken-at": $taken,
            "s3api get-bucket-policy": $s3[0],
            "kms get-key-policy": $kms[0],
            "sqs get-queue-attributes": $sqs[0],
            "sns get-topic-attributes": $sns[0],
            "lambda get-policy": $lambda[0],
            "secretsmanager get-resource-policy": $secrets[0],
            "ecr get-repository-policy": $ecr[0],
            "events describe-event-bus": $events[0],
            "glue get-resource-policy": $glue[0],
            "opensearch describe-domain-config": $opensearch[0],
            "apigateway get-rest-apis": $apigateway[0]
        }' > "$dir/resource-policies-$region.json"
    rm -rf "$work"
}

export_account() {
    local account="$1" final="$OUT/accounts/$1"
    if [[ -d "$final" ]]; then
        echo "export-org: $account already exported, skipped" >&2
        return 0
    fi
    echo "export-org: account $account" >&2
    local dir
    dir="$(mktemp -d "$OUT/accounts/.$account.XXXX")"
    if ! assume "$account"; then
        echo "export-org: cannot assume $ROLE in $account, skipped" >&2
        rm -rf "$dir"
        return 0
    fi
    # The CLI follows Marker itself and prints the pages merged.
    aws iam get-account-authorization-details --output json > "$dir/gaad.json"
    export_credential_report "$dir"
    export_account_bundle "$account" "$dir"
    if [[ $WITH_RESOURCES -eq 1 ]]; then
        local region
        for region in "${REGION_LIST[@]}"; do
            export_resources "$account" "$region" "$dir"
        done
    fi
    mv "$dir" "$final"
    unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
}

if [[ $WITH_ORG -eq 1 ]]; then
    export_organization
fi

if [[ -n "$ACCOUNTS" ]]; then
    IFS=',' read -r -a ACCOUNT_LIST <<< "$ACCOUNTS"
elif [[ $WITH_ORG -eq 1 ]]; then
    mapfile -t ACCOUNT_LIST < <(jq -r '.Accounts[] | select((.State // .Status) == "ACTIVE") | .Id' "$OUT/.accounts.json")
else
    ACCOUNT_LIST=("$SELF")
fi
rm -f "$OUT/.accounts.json"

for account in "${ACCOUNT_LIST[@]}"; do
    export_account "$account"
done
echo "export-org: done; import with: iamwatch import $OUT" >&2
