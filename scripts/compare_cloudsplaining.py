#!/usr/bin/env python3
"""Compares Cloudsplaining's and iamwatch's findings on the same GAAD files.

`scripts/compare-cloudsplaining` runs both tools and then this helper, with a manifest (one
tab-separated line per input: label, Cloudsplaining's `iam-findings-*.json`, iamwatch's
`audit --format json` output, and the two `/usr/bin/time -f '%e %U %S %M'` files).

Both tools' findings are mapped to a common key, (account, subject, category):

- subject: a managed policy's ARN; `PRINCIPAL_ARN inline NAME` for an inline policy; a
  role's ARN for a trust finding;
- category: one of COMMON_CATEGORIES, named after Cloudsplaining's risk categories.

The mapping and the reasons for the differences are in docs/cloudsplaining.md. Standard
library only.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import os
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field

COMMON_CATEGORIES = [
    "privilege-escalation",
    "resource-exposure",
    "data-exfiltration",
    "credentials-exposure",
    "infrastructure-modification",
    "service-wildcard",
    "trust-any-principal",
    "trust-cross-account",
]

# Cloudsplaining's policy risk categories (keys of each policy in iam-findings-*.json).
CS_POLICY_CATEGORIES = {
    "PrivilegeEscalation": "privilege-escalation",
    "ResourceExposure": "resource-exposure",
    "DataExfiltration": "data-exfiltration",
    "CredentialsExposure": "credentials-exposure",
    "InfrastructureModification": "infrastructure-modification",
    "ServiceWildcard": "service-wildcard",
}
# Cloudsplaining's role trust categories (with `--flag-trust-policies`).
CS_TRUST_CATEGORIES = {
    "AssumableByAnyPrincipal": "trust-any-principal",
    "AssumableByAnyPrincipalWithConditions": "trust-any-principal",
    "AssumableByCrossAccountPrincipal": "trust-cross-account",
}
CS_COMPUTE_TRUST = "AssumableByComputeServices"

# iamwatch rules whose evaluated actions are classified per action (below).
IW_PER_ACTION_RULES = {"policy-sensitive-action-any-resource"}
# iamwatch rules that map to fixed common categories.
IW_RULE_CATEGORIES = {
    "unconstrained-write": ["infrastructure-modification"],
    "unconstrained-permissions-management": ["resource-exposure", "infrastructure-modification"],
    "passrole-any-resource": ["privilege-escalation", "infrastructure-modification"],
    "policy-service-wildcard": ["service-wildcard"],
    "policy-allows-all-actions": ["service-wildcard"],
    "trust-public-principal": ["trust-any-principal"],
    "trust-external-account-unguarded": ["trust-cross-account"],
    "trust-unknown-account": ["trust-cross-account"],
    # Only when the trusted account is another account (Cloudsplaining ignores the role's own).
    "trust-whole-account-no-condition": ["trust-cross-account"],
}
# Rules whose statement also stands for every action it grants: iamwatch reports one fact per
# statement, so `"Action": "*"` is only `policy-allows-all-actions`, `s3:*` only
# `policy-service-wildcard`. A Cloudsplaining finding on the same policy whose actions such a
# statement grants is "covered by a broader iamwatch finding".
IW_BROAD_RULES = {
    "policy-allows-all-actions",
    "policy-service-wildcard",
    "allow-not-action",
    "allow-not-resource",
}

# iamwatch's built-in sensitive actions (crates/analysis/src/rules/privilege.rs), classified
# into the common categories: escalation (changes to IAM permissions or credentials, code that
# runs as another role), credentials (returns credentials), data (reads secrets and objects),
# and by the access level of the Service Authorization Reference: permissions management
# counts as resource exposure and, like write, as infrastructure modification.
PE, RE, DE, CE, IM = (
    "privilege-escalation",
    "resource-exposure",
    "data-exfiltration",
    "credentials-exposure",
    "infrastructure-modification",
)
SENSITIVE_ACTIONS = {
    "iam:addusertogroup": [PE, IM],
    "iam:attachgrouppolicy": [PE, RE, IM],
    "iam:attachrolepolicy": [PE, RE, IM],
    "iam:attachuserpolicy": [PE, RE, IM],
    "iam:createaccesskey": [PE, CE, IM],
    "iam:createloginprofile": [PE, IM],
    "iam:createpolicyversion": [PE, RE, IM],
    "iam:deleterolepermissionsboundary": [PE, RE, IM],
    "iam:deleteuserpermissionsboundary": [PE, RE, IM],
    "iam:putgrouppolicy": [PE, RE, IM],
    "iam:putrolepermissionsboundary": [PE, RE, IM],
    "iam:putrolepolicy": [PE, RE, IM],
    "iam:putuserpermissionsboundary": [PE, RE, IM],
    "iam:putuserpolicy": [PE, RE, IM],
    "iam:setdefaultpolicyversion": [PE, RE, IM],
    "iam:updateassumerolepolicy": [PE, RE, IM],
    "iam:updateloginprofile": [PE, IM],
    "sts:assumerole": [CE, IM],
    "lambda:addpermission": [RE, IM],
    "lambda:updatefunctioncode": [PE, IM],
    "glue:updatedevendpoint": [PE, IM],
    "ssm:sendcommand": [IM],
    "ssm:startsession": [IM],
    "ssm:getparameter": [DE],
    "ssm:getparameters": [DE],
    "ssm:getparametersbypath": [DE],
    "secretsmanager:getsecretvalue": [DE],
    "secretsmanager:putresourcepolicy": [RE, IM],
    "kms:creategrant": [RE, IM],
    "kms:decrypt": [DE, IM],
    "kms:putkeypolicy": [RE, IM],
    "s3:getobject": [DE],
    "s3:putbucketpolicy": [RE, IM],
    "s3:deletebucketpolicy": [RE, IM],
    "s3:putbucketacl": [RE, IM],
}

LIMIT_DEFAULT = 8


@dataclass
class Side:
    """One tool's findings on one input."""

    # (account, subject, category) -> evidence (a short string per finding).
    keys: dict[tuple[str, str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    # Findings with no counterpart in the other tool: label -> count.
    other: Counter = field(default_factory=Counter)
    # Examples of those: label -> [subject, ...].
    other_examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add_other(self, label: str, subject: str) -> None:
        self.other[label] += 1
        self.other_examples[label].append(subject)


def account_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[4] if len(parts) > 4 else ""


def as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# ---- Cloudsplaining ---------------------------------------------------------------------------


@dataclass
class CsResult:
    side: Side
    # Principal ARN -> the findings (category -> actions) on the policies it holds.
    principal_policies: dict[str, list[tuple[str, str]]]
    # Policy subject -> {common category: [actions]} (for coverage by broader iamwatch findings).
    actions: dict[tuple[str, str], dict[str, list[str]]]
    excluded: Counter


def cs_evidence(category: str, findings: list) -> list[str]:
    """Cloudsplaining's findings: action names, or privilege-escalation methods."""
    out = []
    for item in findings:
        if isinstance(item, dict):  # PrivilegeEscalation: {"type": method, "actions": [...]}
            out.append(str(item.get("type")))
        else:
            out.append(str(item))
    return out


def cs_actions(findings: list) -> list[str]:
    out = []
    for item in findings:
        if isinstance(item, dict):
            out.extend(str(a) for a in item.get("actions", []))
        else:
            out.append(str(item))
    return out


def load_cloudsplaining(path: str) -> CsResult:
    with open(path, encoding="utf-8") as file:
        data = json.load(file)
    side = Side()
    excluded: Counter = Counter()
    actions: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(dict)

    # Principal name -> ARN, per type (names are unique per type in an account).
    names = {
        kind: {entry["name"]: entry for entry in data.get(kind, {}).values()}
        for kind in ("users", "groups", "roles")
    }
    # Policy subject -> principal ARNs, and principal ARN -> policy subjects.
    holders: dict[str, list[str]] = defaultdict(list)
    policy_findings: dict[str, list[tuple[str, str]]] = defaultdict(list)

    def record_policy(subject: str, account: str, policy: dict, aws_managed: bool) -> None:
        if policy.get("is_excluded"):
            excluded["policy"] += 1
            return
        for cs_category, common in CS_POLICY_CATEGORIES.items():
            findings = (policy.get(cs_category) or {}).get("findings") or []
            if not findings:
                continue
            policy_findings[subject].append((common, ", ".join(cs_evidence(cs_category, findings))))
            if aws_managed:
                side.add_other(f"AWS managed policy: {common}", subject)
                continue
            side.keys[(account, subject, common)].extend(cs_evidence(cs_category, findings))
            acts = cs_actions(findings)
            if cs_category == "ServiceWildcard":  # service prefixes: `s3` stands for `s3:*`
                acts = [f"{service}:*" for service in acts]
            actions[(account, subject)][common] = acts

    for policy in data.get("customer_managed_policies", {}).values():
        arn = policy["Arn"]
        record_policy(arn, account_of(arn), policy, aws_managed=False)
    for policy in data.get("aws_managed_policies", {}).values():
        record_policy(policy["Arn"], "aws", policy, aws_managed=True)
    # Inline policies are deduplicated by document; each holder has its own name for it.
    for policy_id, policy in data.get("inline_policies", {}).items():
        for kind, members in (policy.get("AttachedTo") or {}).items():
            for member in members:
                entry = names.get(kind, {}).get(member)
                if not entry:
                    continue
                arn = entry["arn"]
                name = (entry.get("inline_policies") or {}).get(policy_id, policy.get("PolicyName"))
                subject = f"{arn} inline {name}"
                record_policy(subject, account_of(arn), policy, aws_managed=False)
                holders[subject].append(arn)

    # Managed policies held by principals (directly, or through a user's groups).
    def managed_subjects(entry: dict) -> list[str]:
        out = []
        for pointer_kind in ("customer_managed_policies", "aws_managed_policies"):
            source = data.get(pointer_kind, {})
            for policy_id in (entry.get(pointer_kind) or {}):
                policy = source.get(policy_id)
                if policy:
                    out.append(policy["Arn"])
        return out

    principal_policies: dict[str, list[tuple[str, str]]] = {}
    for kind in ("users", "groups", "roles"):
        for entry in data.get(kind, {}).values():
            arn = entry["arn"]
            subjects = managed_subjects(entry)
            subjects += [f"{arn} inline {n}" for n in (entry.get("inline_policies") or {}).values()]
            if kind == "users":
                for group in (entry.get("groups") or {}).values():
                    subjects += managed_subjects(group)
                    subjects += [
                        f"{group['arn']} inline {n}"
                        for n in (group.get("inline_policies") or {}).values()
                    ]
            principal_policies[arn] = [f for s in subjects for f in policy_findings.get(s, [])]
        for entry in data.get(kind, {}).values():
            if entry.get("is_excluded"):
                excluded[kind] += 1

    for role in data.get("roles", {}).values():
        arn = role["arn"]
        account = account_of(arn)
        for cs_category, common in CS_TRUST_CATEGORIES.items():
            findings = (role.get(cs_category) or {}).get("findings") or []
            if findings:
                side.keys[(account, arn, common)].extend(f"{cs_category}: {p}" for p in findings)
        compute = (role.get(CS_COMPUTE_TRUST) or {}).get("findings") or []
        if compute:
            side.add_other("trust: assumable by a compute service", f"{arn} ({', '.join(compute)})")
    return CsResult(side, principal_policies, actions, excluded)


# ---- iamwatch ---------------------------------------------------------------------------------


@dataclass
class IwResult:
    side: Side
    # (account, subject) -> predicates over lowercase action names the subject's broad
    # statements grant.
    broad: dict[tuple[str, str], list]
    admins: list[dict]
    summary: dict


def statement_actions(statement_text: str) -> tuple[list[str], list[str]]:
    try:
        statement = json.loads(statement_text)
    except (TypeError, ValueError):
        return [], []
    return (
        [a.lower() for a in as_list(statement.get("Action"))],
        [a.lower() for a in as_list(statement.get("NotAction"))],
    )


def matches_any(action: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(action, p) for p in patterns)


def iw_subject(finding: dict) -> str:
    resource = finding["resource"]
    if resource["type"] == "AWS::IAM::Policy":
        return resource["arn"]
    return f"{resource['arn']} inline {finding['details'].get('policy')}"


def load_iamwatch(path: str) -> IwResult:
    with open(path, encoding="utf-8") as file:
        data = json.load(file)
    side = Side()
    broad: dict[tuple[str, str], list] = defaultdict(list)
    admins = []
    for finding in data.get("findings", []):
        if (finding.get("suppression") or {}).get("state") == "suppressed":
            continue
        rule = finding["rule_id"]
        account = finding["account_id"]
        details = finding.get("details") or {}
        resource = finding["resource"]
        if rule == "principal-effective-admin":
            admins.append(finding)
        is_statement_rule = "policy" in details and "policy_type" in details
        if rule in IW_BROAD_RULES and is_statement_rule:
            listed, not_listed = statement_actions(details.get("statement", ""))
            if rule == "policy-allows-all-actions":
                broad[(account, iw_subject(finding))].append(lambda a: True)
            elif rule == "allow-not-action":
                broad[(account, iw_subject(finding))].append(
                    lambda a, n=not_listed: not matches_any(a, n)
                )
            elif rule == "policy-service-wildcard":
                patterns = [p.lower() for p in details.get("patterns", [])] or listed
                broad[(account, iw_subject(finding))].append(
                    lambda a, p=patterns: matches_any(a, p)
                )
            else:  # allow-not-resource: the statement's own actions, on (almost) everything
                broad[(account, iw_subject(finding))].append(lambda a, p=listed: matches_any(a, p))
        if rule in IW_PER_ACTION_RULES and is_statement_rule:
            evaluated = (details.get("evaluated_actions") or {}).get("actions", [])
            for action in evaluated:
                for category in SENSITIVE_ACTIONS.get(action.lower(), []):
                    side.keys[(account, iw_subject(finding), category)].append(f"{rule}: {action}")
            continue
        if rule in IW_RULE_CATEGORIES:
            if rule.startswith("trust-"):
                trusted = details.get("trusted_account")
                if trusted == account:
                    side.add_other(f"{rule} (own account)", resource["arn"])
                    continue
                subject = resource["arn"]
                evidence = f"{rule}: {trusted or '*'}"
            else:
                subject = iw_subject(finding)
                evaluated = (details.get("evaluated_actions") or {}).get("actions")
                patterns = details.get("patterns")
                evidence = f"{rule}: {', '.join(evaluated or patterns or [])}".rstrip(": ")
            for category in IW_RULE_CATEGORIES[rule]:
                side.keys[(account, subject, category)].append(evidence)
            continue
        if rule not in IW_BROAD_RULES:
            side.add_other(rule, resource["arn"])
    return IwResult(side, broad, admins, data.get("summary") or {})


# ---- comparison and report --------------------------------------------------------------------


def read_time(path: str) -> dict:
    """`/usr/bin/time -f '%e %U %S %M'` output: wall, user, sys seconds and max RSS (KiB)."""
    try:
        with open(path, encoding="utf-8") as file:
            lines = [line for line in file.read().splitlines() if line.strip()]
        wall, user, system, rss = lines[-1].split()
        return {
            "wall": float(wall),
            "cpu": float(user) + float(system),
            "rss_mib": int(rss) / 1024,
        }
    except (OSError, ValueError, IndexError):
        return {"wall": float("nan"), "cpu": float("nan"), "rss_mib": float("nan")}


def ratio(a: float, b: float) -> str:
    if b > 0 and a == a and b == b:
        return f"{a / b:.1f}x"
    return "n/a"


def compare(cs: CsResult, iw: IwResult):
    """Returns (both, only_cs, covered, only_iw), each a sorted list of keys."""
    cs_keys, iw_keys = set(cs.side.keys), set(iw.side.keys)
    both = cs_keys & iw_keys
    only_cs, covered = [], []
    for key in sorted(cs_keys - iw_keys):
        account, subject, category = key
        predicates = iw.broad.get((account, subject), [])
        acts = [a.lower() for a in cs.actions.get((account, subject), {}).get(category, [])]
        if predicates and (not acts or any(p(a) for p in predicates for a in acts)):
            covered.append(key)
        else:
            only_cs.append(key)
    return sorted(both), only_cs, covered, sorted(iw_keys - cs_keys)


def shorten(text: str, width: int = 110) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def print_keys(title: str, keys: list, evidence: dict, limit: int) -> None:
    print(f"\n{title}: {len(keys)}")
    by_category: dict[str, list] = defaultdict(list)
    for key in keys:
        by_category[key[2]].append(key)
    for category in COMMON_CATEGORIES:
        group = by_category.get(category)
        if not group:
            continue
        print(f"  [{category}] {len(group)}")
        for account, subject, _ in group[:limit]:
            shown = "; ".join(dict.fromkeys(evidence[(account, subject, category)]))
            print(f"    {subject}\n      {shorten(shown, 100)}")
        if len(group) > limit:
            print(f"    … and {len(group) - limit} more")


def print_other(title: str, side: Side, limit: int) -> None:
    total = sum(side.other.values())
    print(f"\n{title}: {total}")
    for label, count in sorted(side.other.items(), key=lambda kv: (-kv[1], kv[0])):
        examples = side.other_examples[label][: min(limit, 3)]
        more = f", … ({count - len(examples)} more)" if count > len(examples) else ""
        print(f"  {label}: {count}  e.g. {shorten(', '.join(examples), 90)}{more}")


def report(manifest: str, limit: int, summary_out: str | None) -> int:
    runs = []
    with open(manifest, encoding="utf-8") as file:
        for line in file:
            if line.strip():
                label, cs_json, iw_json, cs_time, iw_time = line.rstrip("\n").split("\t")
                runs.append((label, cs_json, iw_json, read_time(cs_time), read_time(iw_time)))

    print("== Time (wall and CPU seconds; ratio = Cloudsplaining / iamwatch) ==")
    print(f"load average before the runs: {os.environ.get('COMPARE_LOAD', 'n/a')}")
    header = f"{'input':<34} {'CS wall':>8} {'CS cpu':>8} {'CS MiB':>7} {'iw wall':>8} {'iw cpu':>8} {'iw MiB':>7} {'wall':>7} {'cpu':>7}"
    print(header)
    totals = {"cs_wall": 0.0, "cs_cpu": 0.0, "iw_wall": 0.0, "iw_cpu": 0.0}
    summary = {"inputs": []}
    all_cs, all_iw = Side(), Side()
    all_cs_result = CsResult(all_cs, {}, {}, Counter())
    all_iw_result = IwResult(all_iw, {}, [], {})
    for label, cs_json, iw_json, cs_t, iw_t in runs:
        print(
            f"{shorten(label, 34):<34} {cs_t['wall']:>8.2f} {cs_t['cpu']:>8.2f} {cs_t['rss_mib']:>7.0f}"
            f" {iw_t['wall']:>8.2f} {iw_t['cpu']:>8.2f} {iw_t['rss_mib']:>7.0f}"
            f" {ratio(cs_t['wall'], iw_t['wall']):>7} {ratio(cs_t['cpu'], iw_t['cpu']):>7}"
        )
        totals["cs_wall"] += cs_t["wall"]
        totals["cs_cpu"] += cs_t["cpu"]
        totals["iw_wall"] += iw_t["wall"]
        totals["iw_cpu"] += iw_t["cpu"]
        cs = load_cloudsplaining(cs_json)
        iw = load_iamwatch(iw_json)
        for target, source in ((all_cs, cs.side), (all_iw, iw.side)):
            for key, value in source.keys.items():
                target.keys[key].extend(value)
            target.other.update(source.other)
            for k, v in source.other_examples.items():
                target.other_examples[k].extend(v)
        all_cs_result.actions.update(cs.actions)
        all_cs_result.principal_policies.update(cs.principal_policies)
        all_cs_result.excluded.update(cs.excluded)
        for k, v in iw.broad.items():
            all_iw_result.broad.setdefault(k, []).extend(v)
        all_iw_result.admins.extend(iw.admins)
        summary["inputs"].append(
            {"label": label, "cloudsplaining": cs_t, "iamwatch": iw_t,
             "ratio_wall": cs_t["wall"] / iw_t["wall"] if iw_t["wall"] > 0 else None,
             "ratio_cpu": cs_t["cpu"] / iw_t["cpu"] if iw_t["cpu"] > 0 else None}
        )
    if len(runs) > 1:
        print(
            f"{'total':<34} {totals['cs_wall']:>8.2f} {totals['cs_cpu']:>8.2f} {'':>7}"
            f" {totals['iw_wall']:>8.2f} {totals['iw_cpu']:>8.2f} {'':>7}"
            f" {ratio(totals['cs_wall'], totals['iw_wall']):>7} {ratio(totals['cs_cpu'], totals['iw_cpu']):>7}"
        )

    both, only_cs, covered, only_iw = compare(all_cs_result, all_iw_result)
    print("\n== Findings by common key (account, policy or role, category) ==")
    print(f"{'category':<29} {'CS':>6} {'iamwatch':>9} {'both':>6} {'only CS':>8} {'CS, broader iw':>15} {'only iw':>8}")
    count = lambda keys, c: sum(1 for k in keys if k[2] == c)  # noqa: E731
    per_category = {}
    for category in COMMON_CATEGORIES:
        row = {
            "cloudsplaining": count(all_cs.keys, category),
            "iamwatch": count(all_iw.keys, category),
            "both": count(both, category),
            "only_cloudsplaining": count(only_cs, category),
            "cloudsplaining_covered_by_broader_iamwatch": count(covered, category),
            "only_iamwatch": count(only_iw, category),
        }
        per_category[category] = row
        print(
            f"{category:<29} {row['cloudsplaining']:>6} {row['iamwatch']:>9} {row['both']:>6}"
            f" {row['only_cloudsplaining']:>8} {row['cloudsplaining_covered_by_broader_iamwatch']:>15}"
            f" {row['only_iamwatch']:>8}"
        )
    summary["categories"] = per_category

    print_keys("Only Cloudsplaining", only_cs, all_cs.keys, limit)
    print_keys("Only iamwatch", only_iw, all_iw.keys, limit)
    print(
        f"\nCloudsplaining findings covered by a broader iamwatch finding on the same policy "
        f"(`*`, `service:*`, NotAction, NotResource; iamwatch reports one fact per statement): {len(covered)}"
    )
    print_other("Cloudsplaining findings with no iamwatch counterpart", all_cs, limit)
    excluded = all_cs_result.excluded
    if excluded:
        print(
            "  skipped by Cloudsplaining's exclusions: "
            + ", ".join(f"{v} {k}" for k, v in sorted(excluded.items()))
        )
    print_other("iamwatch findings with no Cloudsplaining counterpart (by rule)", all_iw, limit)

    admins = all_iw_result.admins
    print(f"\n== Effective administrators (iamwatch, decided by the engine): {len(admins)} ==")
    silent = [a for a in admins if not all_cs_result.principal_policies.get(a["resource"]["arn"])]
    print(
        f"  of which Cloudsplaining reports nothing on any of their policies: {len(silent)}"
        " (with its default exclusions, AdministratorAccess is not scanned)"
    )
    for finding in silent[:limit]:
        print(f"    {finding['resource']['arn']}")
    if len(silent) > limit:
        print(f"    … and {len(silent) - limit} more")
    admin_arns = {a["resource"]["arn"] for a in admins}
    escalating = sorted(
        arn
        for arn, items in all_cs_result.principal_policies.items()
        if any(category == "privilege-escalation" for category, _ in items)
    )
    not_admin = [arn for arn in escalating if arn not in admin_arns]
    print(
        f"  principals holding a policy Cloudsplaining flags for privilege escalation: {len(escalating)};"
        f" not administrators for the engine: {len(not_admin)}"
        " (an escalation path is not administrator access; SCPs and boundaries can block it)"
    )
    for arn in not_admin[:limit]:
        methods = sorted(
            {e for c, e in all_cs_result.principal_policies[arn] if c == "privilege-escalation"}
        )
        print(f"    {arn}: {shorten('; '.join(methods), 80)}")
    if len(not_admin) > limit:
        print(f"    … and {len(not_admin) - limit} more")
    summary["effective_admins"] = len(admins)
    summary["cloudsplaining_escalation_principals"] = len(escalating)
    summary["cloudsplaining_escalation_principals_not_admin"] = len(not_admin)
    summary["effective_admins_without_cloudsplaining_findings"] = len(silent)
    summary["totals"] = totals

    if summary_out:
        with open(summary_out, "w", encoding="utf-8") as file:
            json.dump(summary, file, indent=2)
            file.write("\n")
    return 0


def prepare(source: str, target: str) -> int:
    """Writes Cloudsplaining's copy of a GAAD file, changed only where Cloudsplaining cannot read
    it: a policy without `PolicyId` gets a stand-in (iamwatch's exporter has no IDs for AWS
    managed policies; Cloudsplaining needs one as a key), and the CLI's `IsTruncated`/`Marker`
    keys, which its schema check rejects, are left out. Prints what it changed."""
    with open(source, encoding="utf-8") as file:
        data = json.load(file)
    changed = Counter()
    for key in ("IsTruncated", "Marker"):
        if key in data:
            del data[key]
            changed[f"dropped {key}"] += 1
    for policy in data.get("Policies", []):
        if "PolicyId" not in policy:
            digest = hashlib.sha256(policy.get("Arn", "").encode()).hexdigest().upper()
            policy["PolicyId"] = "ANPA" + digest[:17]
            changed["stand-in PolicyId"] += 1
    with open(target, "w", encoding="utf-8") as file:
        json.dump(data, file)
    if changed:
        print(", ".join(f"{k}: {v}" for k, v in sorted(changed.items())))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    cmd = commands.add_parser("report", help="compare the outputs listed in a manifest")
    cmd.add_argument("manifest", help="label, CS findings, iamwatch JSON, CS time, iw time (TSV)")
    cmd.add_argument("--limit", type=int, default=LIMIT_DEFAULT, help="examples per group")
    cmd.add_argument("--summary-json", help="also write the figures to this file")
    cmd = commands.add_parser("prepare", help="write Cloudsplaining's copy of a GAAD file")
    cmd.add_argument("source")
    cmd.add_argument("target")
    args = parser.parse_args()
    if args.command == "prepare":
        return prepare(args.source, args.target)
    return report(args.manifest, args.limit, args.summary_json)


if __name__ == "__main__":
    sys.exit(main())
