-- iamwatch store, schema version 1.
--
-- Base tables hold every snapshot (`snapshot_id` first in every key). The documented interface
-- is the views at the end: `history_*` over every snapshot, and the same names without the
-- prefix over the latest state (docs/store.md). Base tables may change between versions; views
-- keep their columns.

-- Bookkeeping --------------------------------------------------------------------------------

-- One row per `import` run (or collection run): a run that fails is rolled back whole.
CREATE TABLE import_runs (
    run_id       INTEGER PRIMARY KEY,
    started_at   TEXT NOT NULL
);

CREATE TABLE snapshots (
    snapshot_id   INTEGER PRIMARY KEY,
    account_id    TEXT NOT NULL,
    org_id        TEXT,
    kind          TEXT NOT NULL,
    source        TEXT NOT NULL,
    taken_at      TEXT NOT NULL,
    imported_at   TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    file          TEXT,
    run_id        INTEGER NOT NULL
);
-- kind: what the snapshot holds: `iam`, `credential_report`, `organization`,
-- `resource_policies`, `password_policy`, `account_summary`, `identity_providers`. The latest
-- state of an account takes, for each kind, its latest snapshot of that kind. Organization
-- snapshots are kept under the management account, with `org_id` set.
CREATE INDEX snapshots_by_account ON snapshots (account_id, source, content_hash);
CREATE INDEX snapshots_by_kind ON snapshots (account_id, kind, taken_at);
CREATE INDEX snapshots_by_run ON snapshots (run_id);

-- Every import of every account, new content or not.
CREATE TABLE imports (
    import_id     INTEGER PRIMARY KEY,
    run_id        INTEGER NOT NULL,
    imported_at   TEXT NOT NULL,
    account_id    TEXT NOT NULL,
    source        TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    file          TEXT,
    snapshot_id   INTEGER NOT NULL,
    duplicate     INTEGER NOT NULL
);
CREATE INDEX imports_by_run ON imports (run_id);

-- Policy documents, content-addressed: a document is stored (and its statements flattened)
-- once, however many snapshots, accounts and principals carry it.
CREATE TABLE documents (
    document_id  INTEGER PRIMARY KEY,
    hash         BLOB NOT NULL UNIQUE,
    text         TEXT NOT NULL,
    parse_error  TEXT
);

CREATE TABLE document_statements (
    document_id      INTEGER NOT NULL,
    statement_index  INTEGER NOT NULL,
    sid              TEXT,
    effect           TEXT NOT NULL,
    actions          TEXT,
    not_actions      TEXT,
    resources        TEXT,
    not_resources    TEXT,
    principals       TEXT,
    not_principals   TEXT,
    conditions       TEXT,
    PRIMARY KEY (document_id, statement_index)
) WITHOUT ROWID;

-- One row per principal value of a statement's `Principal`/`NotPrincipal`.
CREATE TABLE statement_principals (
    document_id          INTEGER NOT NULL,
    statement_index      INTEGER NOT NULL,
    value_index          INTEGER NOT NULL,
    principal_type       TEXT NOT NULL,
    principal            TEXT NOT NULL,
    negated              INTEGER NOT NULL,
    principal_account_id TEXT,
    PRIMARY KEY (document_id, statement_index, value_index)
) WITHOUT ROWID;

-- IAM (kind `iam`) ----------------------------------------------------------------------------

CREATE TABLE snap_users (
    snapshot_id               INTEGER NOT NULL,
    name                      TEXT NOT NULL,
    user_id                   TEXT NOT NULL,
    arn                       TEXT NOT NULL,
    path                      TEXT NOT NULL,
    create_date               TEXT,
    permissions_boundary_arn  TEXT,
    groups                    TEXT NOT NULL,
    tags                      TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, name)
) WITHOUT ROWID;

CREATE TABLE snap_groups (
    snapshot_id  INTEGER NOT NULL,
    name         TEXT NOT NULL,
    group_id     TEXT NOT NULL,
    arn          TEXT NOT NULL,
    path         TEXT NOT NULL,
    create_date  TEXT,
    PRIMARY KEY (snapshot_id, name)
) WITHOUT ROWID;

CREATE TABLE snap_group_members (
    snapshot_id  INTEGER NOT NULL,
    group_name   TEXT NOT NULL,
    user_name    TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, group_name, user_name)
) WITHOUT ROWID;

CREATE TABLE snap_roles (
    snapshot_id               INTEGER NOT NULL,
    name                      TEXT NOT NULL,
    role_id                   TEXT NOT NULL,
    arn                       TEXT NOT NULL,
    path                      TEXT NOT NULL,
    create_date               TEXT,
    description               TEXT,
    max_session_duration      INTEGER,
    permissions_boundary_arn  TEXT,
    trust_document_id         INTEGER,
    last_used_known           INTEGER NOT NULL,
    last_used                 TEXT,
    last_used_region          TEXT,
    tags                      TEXT NOT NULL,
    instance_profiles         TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, name)
) WITHOUT ROWID;

-- principal_type: `user`, `group`, `role`.
CREATE TABLE snap_inline_policies (
    snapshot_id     INTEGER NOT NULL,
    principal_type  TEXT NOT NULL,
    principal_name  TEXT NOT NULL,
    name            TEXT NOT NULL,
    document_id     INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, principal_type, principal_name, name)
) WITHOUT ROWID;

CREATE TABLE snap_attachments (
    snapshot_id     INTEGER NOT NULL,
    principal_type  TEXT NOT NULL,
    principal_name  TEXT NOT NULL,
    policy_arn      TEXT NOT NULL,
    policy_name     TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, principal_type, principal_name, policy_arn)
) WITHOUT ROWID;

-- Customer managed policies and the AWS managed policies the account refers to.
CREATE TABLE snap_policies (
    snapshot_id                       INTEGER NOT NULL,
    arn                               TEXT NOT NULL,
    name                              TEXT NOT NULL,
    policy_id                         TEXT,
    path                              TEXT,
    aws_managed                       INTEGER NOT NULL,
    default_version_id                TEXT,
    attachment_count                  INTEGER,
    permissions_boundary_usage_count  INTEGER,
    is_attachable                     INTEGER,
    description                       TEXT,
    create_date                       TEXT,
    update_date                       TEXT,
    tags                              TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, arn)
) WITHOUT ROWID;

CREATE TABLE snap_policy_versions (
    snapshot_id  INTEGER NOT NULL,
    policy_arn   TEXT NOT NULL,
    version_id   TEXT NOT NULL,
    is_default   INTEGER NOT NULL,
    create_date  TEXT,
    document_id  INTEGER,
    PRIMARY KEY (snapshot_id, policy_arn, version_id)
) WITHOUT ROWID;

-- Credential report (kind `credential_report`) ------------------------------------------------

CREATE TABLE snap_credential_report (
    snapshot_id                     INTEGER NOT NULL,
    arn                             TEXT NOT NULL,
    user                            TEXT NOT NULL,
    is_root                         INTEGER NOT NULL,
    user_creation_time              TEXT,
    password_enabled                INTEGER,
    password_last_used              TEXT,
    password_last_changed           TEXT,
    password_next_rotation          TEXT,
    mfa_active                      INTEGER,
    access_key_1_active             INTEGER,
    access_key_1_last_rotated       TEXT,
    access_key_1_last_used_date     TEXT,
    access_key_1_last_used_region   TEXT,
    access_key_1_last_used_service  TEXT,
    access_key_2_active             INTEGER,
    access_key_2_last_rotated       TEXT,
    access_key_2_last_used_date     TEXT,
    access_key_2_last_used_region   TEXT,
    access_key_2_last_used_service  TEXT,
    cert_1_active                   INTEGER,
    cert_1_last_rotated             TEXT,
    cert_2_active                   INTEGER,
    cert_2_last_rotated             TEXT,
    generated_time                  TEXT,
    PRIMARY KEY (snapshot_id, arn)
) WITHOUT ROWID;

-- Resource policies (kind `resource_policies`) ------------------------------------------------

CREATE TABLE snap_resources (
    snapshot_id    INTEGER NOT NULL,
    arn            TEXT NOT NULL,
    resource_type  TEXT NOT NULL,
    region         TEXT,
    name           TEXT NOT NULL,
    document_id    INTEGER,
    tags           TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, arn)
) WITHOUT ROWID;

-- Organization (kind `organization`, kept under the management account) ----------------------

CREATE TABLE snap_organizations (
    snapshot_id               INTEGER PRIMARY KEY,
    org_id                    TEXT NOT NULL,
    arn                       TEXT,
    feature_set               TEXT,
    management_account_id     TEXT NOT NULL,
    management_account_email  TEXT
);

-- kind: `ROOT` or `ORGANIZATIONAL_UNIT`.
CREATE TABLE snap_org_nodes (
    snapshot_id  INTEGER NOT NULL,
    node_id      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    arn          TEXT,
    parent_id    TEXT,
    policy_types TEXT,
    PRIMARY KEY (snapshot_id, node_id)
) WITHOUT ROWID;

CREATE TABLE snap_org_accounts (
    snapshot_id       INTEGER NOT NULL,
    account_id        TEXT NOT NULL,
    name              TEXT NOT NULL,
    email             TEXT,
    status            TEXT NOT NULL,
    arn               TEXT,
    joined_method     TEXT,
    joined_timestamp  TEXT,
    parent_id         TEXT NOT NULL,
    org_path          TEXT,
    PRIMARY KEY (snapshot_id, account_id)
) WITHOUT ROWID;

CREATE TABLE snap_org_policies (
    snapshot_id  INTEGER NOT NULL,
    policy_id    TEXT NOT NULL,
    policy_type  TEXT NOT NULL,
    name         TEXT NOT NULL,
    arn          TEXT,
    description  TEXT,
    aws_managed  INTEGER NOT NULL,
    document_id  INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, policy_id)
) WITHOUT ROWID;

CREATE TABLE snap_org_policy_targets (
    snapshot_id  INTEGER NOT NULL,
    policy_id    TEXT NOT NULL,
    target_id    TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, policy_id, target_id)
) WITHOUT ROWID;

-- Account settings (kinds `password_policy`, `account_summary`, `identity_providers`) ----------------------------

CREATE TABLE snap_password_policies (
    snapshot_id                     INTEGER PRIMARY KEY,
    has_policy                      INTEGER NOT NULL,
    minimum_password_length         INTEGER,
    require_symbols                 INTEGER,
    require_numbers                 INTEGER,
    require_uppercase_characters    INTEGER,
    require_lowercase_characters    INTEGER,
    allow_users_to_change_password  INTEGER,
    expire_passwords                INTEGER,
    max_password_age                INTEGER,
    password_reuse_prevention       INTEGER,
    hard_expiry                     INTEGER
);

CREATE TABLE snap_delegated_administrators (
    snapshot_id              INTEGER NOT NULL,
    account_id               TEXT NOT NULL,
    name                     TEXT,
    email                    TEXT,
    delegation_enabled_date  TEXT,
    service_principals       TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, account_id)
) WITHOUT ROWID;

CREATE TABLE snap_account_summary (
    snapshot_id  INTEGER NOT NULL,
    key          TEXT NOT NULL,
    value        INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, key)
) WITHOUT ROWID;

-- provider_type: `OIDC` or `SAML`.
CREATE TABLE snap_identity_providers (
    snapshot_id    INTEGER NOT NULL,
    arn            TEXT NOT NULL,
    provider_type  TEXT NOT NULL,
    url            TEXT,
    client_ids     TEXT,
    thumbprints    TEXT,
    create_date    TEXT,
    valid_until    TEXT,
    tags           TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, arn)
) WITHOUT ROWID;

-- Views: history -------------------------------------------------------------------------------

-- For each account and kind, the snapshot that holds the latest state: the latest `taken_at`,
-- then the highest `snapshot_id`.
CREATE VIEW latest_snapshots AS
SELECT account_id, kind, snapshot_id, source, taken_at
FROM (
    SELECT account_id, kind, snapshot_id, source, taken_at,
           row_number() OVER (
               PARTITION BY account_id, kind ORDER BY taken_at DESC, snapshot_id DESC
           ) AS position
    FROM snapshots
)
WHERE position = 1;

CREATE VIEW history_users AS
SELECT u.snapshot_id, s.account_id, u.name, u.user_id, u.arn, u.path, u.create_date,
       u.permissions_boundary_arn, u.groups, u.tags
FROM snap_users AS u JOIN snapshots AS s ON s.snapshot_id = u.snapshot_id;

CREATE VIEW history_groups AS
SELECT g.snapshot_id, s.account_id, g.name, g.group_id, g.arn, g.path, g.create_date,
       (SELECT json_group_array(m.user_name) FROM snap_group_members AS m
         WHERE m.snapshot_id = g.snapshot_id AND m.group_name = g.name) AS members
FROM snap_groups AS g JOIN snapshots AS s ON s.snapshot_id = g.snapshot_id;

CREATE VIEW history_roles AS
SELECT r.snapshot_id, s.account_id, r.name, r.role_id, r.arn, r.path, r.create_date,
       r.description, r.max_session_duration, r.permissions_boundary_arn,
       r.last_used_known, r.last_used, r.last_used_region,
       d.text AS trust_policy, r.tags, r.instance_profiles,
       (r.path LIKE '/aws-service-role/%') AS is_service_linked
FROM snap_roles AS r
JOIN snapshots AS s ON s.snapshot_id = r.snapshot_id
LEFT JOIN documents AS d ON d.document_id = r.trust_document_id;

CREATE VIEW history_policies AS
SELECT p.snapshot_id, s.account_id, p.arn, p.name, p.policy_id, p.path, p.aws_managed,
       p.default_version_id, p.attachment_count, p.permissions_boundary_usage_count,
       p.is_attachable, p.description, p.create_date, p.update_date, p.tags,
       (SELECT d.text FROM snap_policy_versions AS v JOIN documents AS d
                        ON d.document_id = v.document_id
         WHERE v.snapshot_id = p.snapshot_id AND v.policy_arn = p.arn AND v.is_default = 1)
         AS document
FROM snap_policies AS p JOIN snapshots AS s ON s.snapshot_id = p.snapshot_id;

CREATE VIEW history_policy_versions AS
SELECT v.snapshot_id, s.account_id, v.policy_arn, p.name AS policy_name, v.version_id,
       v.is_default, v.create_date, d.text AS document
FROM snap_policy_versions AS v
JOIN snapshots AS s ON s.snapshot_id = v.snapshot_id
JOIN snap_policies AS p ON p.snapshot_id = v.snapshot_id AND p.arn = v.policy_arn
LEFT JOIN documents AS d ON d.document_id = v.document_id;

-- The ARN of a user, group or role named in an inline policy or attachment row.
CREATE VIEW internal_principal_arns AS
SELECT snapshot_id, 'user' AS principal_type, name, arn FROM snap_users
UNION ALL SELECT snapshot_id, 'group', name, arn FROM snap_groups
UNION ALL SELECT snapshot_id, 'role', name, arn FROM snap_roles;

CREATE VIEW history_inline_policies AS
SELECT i.snapshot_id, s.account_id, i.principal_type, i.principal_name,
       a.arn AS principal_arn, i.name, d.text AS document
FROM snap_inline_policies AS i
JOIN snapshots AS s ON s.snapshot_id = i.snapshot_id
LEFT JOIN internal_principal_arns AS a
       ON a.snapshot_id = i.snapshot_id AND a.principal_type = i.principal_type
      AND a.name = i.principal_name
JOIN documents AS d ON d.document_id = i.document_id;

CREATE VIEW history_attachments AS
SELECT t.snapshot_id, s.account_id, t.principal_type, t.principal_name,
       a.arn AS principal_arn, t.policy_arn, t.policy_name,
       (t.policy_arn LIKE 'arn:%:iam::aws:policy/%') AS aws_managed
FROM snap_attachments AS t
JOIN snapshots AS s ON s.snapshot_id = t.snapshot_id
LEFT JOIN internal_principal_arns AS a
       ON a.snapshot_id = t.snapshot_id AND a.principal_type = t.principal_type
      AND a.name = t.principal_name;

CREATE VIEW history_permissions_boundaries AS
SELECT u.snapshot_id, s.account_id, 'user' AS principal_type, u.name AS principal_name,
       u.arn AS principal_arn, u.permissions_boundary_arn AS policy_arn
FROM snap_users AS u JOIN snapshots AS s ON s.snapshot_id = u.snapshot_id
WHERE u.permissions_boundary_arn IS NOT NULL
UNION ALL
SELECT r.snapshot_id, s.account_id, 'role', r.name, r.arn, r.permissions_boundary_arn
FROM snap_roles AS r JOIN snapshots AS s ON s.snapshot_id = r.snapshot_id
WHERE r.permissions_boundary_arn IS NOT NULL;

CREATE VIEW history_group_members AS
SELECT m.snapshot_id, s.account_id, m.group_name, m.user_name, u.arn AS user_arn
FROM snap_group_members AS m
JOIN snapshots AS s ON s.snapshot_id = m.snapshot_id
LEFT JOIN snap_users AS u ON u.snapshot_id = m.snapshot_id AND u.name = m.user_name;

-- Statements of a document, with the columns every statement view shares.
CREATE VIEW internal_statement_rows AS
SELECT document_id, statement_index, sid, effect, actions, not_actions, resources,
       not_resources, principals, not_principals, (conditions IS NOT NULL) AS has_condition,
       conditions
FROM document_statements;

CREATE VIEW internal_statements_iam AS
SELECT p.snapshot_id, s.account_id, 'managed' AS policy_type, p.arn AS policy_arn,
       p.name AS policy_name, NULL AS attached_to, v.version_id, st.statement_index, st.sid,
       st.effect, st.actions, st.not_actions, st.resources, st.not_resources, st.principals,
       st.not_principals, st.has_condition, st.conditions
FROM snap_policies AS p
JOIN snapshots AS s ON s.snapshot_id = p.snapshot_id
JOIN snap_policy_versions AS v
  ON v.snapshot_id = p.snapshot_id AND v.policy_arn = p.arn AND v.is_default = 1
JOIN internal_statement_rows AS st ON st.document_id = v.document_id
UNION ALL
SELECT i.snapshot_id, s.account_id, 'inline', NULL, i.name, a.arn, NULL, st.statement_index,
       st.sid, st.effect, st.actions, st.not_actions, st.resources, st.not_resources,
       st.principals, st.not_principals, st.has_condition, st.conditions
FROM snap_inline_policies AS i
JOIN snapshots AS s ON s.snapshot_id = i.snapshot_id
LEFT JOIN internal_principal_arns AS a
       ON a.snapshot_id = i.snapshot_id AND a.principal_type = i.principal_type
      AND a.name = i.principal_name
JOIN internal_statement_rows AS st ON st.document_id = i.document_id
UNION ALL
SELECT r.snapshot_id, s.account_id, 'trust', NULL, r.name, r.arn, NULL, st.statement_index,
       st.sid, st.effect, st.actions, st.not_actions, st.resources, st.not_resources,
       st.principals, st.not_principals, st.has_condition, st.conditions
FROM snap_roles AS r
JOIN snapshots AS s ON s.snapshot_id = r.snapshot_id
JOIN internal_statement_rows AS st ON st.document_id = r.trust_document_id;

CREATE VIEW internal_statements_resource AS
SELECT r.snapshot_id, s.account_id, 'resource' AS policy_type, NULL AS policy_arn,
       r.name AS policy_name, r.arn AS attached_to, NULL AS version_id, st.statement_index,
       st.sid, st.effect, st.actions, st.not_actions, st.resources, st.not_resources,
       st.principals, st.not_principals, st.has_condition, st.conditions
FROM snap_resources AS r
JOIN snapshots AS s ON s.snapshot_id = r.snapshot_id
JOIN internal_statement_rows AS st ON st.document_id = r.document_id;

CREATE VIEW internal_statements_organization AS
SELECT o.snapshot_id, s.account_id,
       CASE o.policy_type WHEN 'RESOURCE_CONTROL_POLICY' THEN 'rcp' ELSE 'scp' END
         AS policy_type,
       o.arn AS policy_arn, o.name AS policy_name, NULL AS attached_to, NULL AS version_id,
       st.statement_index, st.sid, st.effect, st.actions, st.not_actions, st.resources,
       st.not_resources, st.principals, st.not_principals, st.has_condition, st.conditions
FROM snap_org_policies AS o
JOIN snapshots AS s ON s.snapshot_id = o.snapshot_id
JOIN internal_statement_rows AS st ON st.document_id = o.document_id;

CREATE VIEW history_statements AS
SELECT * FROM internal_statements_iam
UNION ALL SELECT * FROM internal_statements_resource
UNION ALL SELECT * FROM internal_statements_organization;

CREATE VIEW history_trust_policies AS
SELECT r.snapshot_id, s.account_id, r.name AS role_name, r.arn AS role_arn,
       st.statement_index, st.sid, st.effect, st.actions, st.not_actions,
       sp.principal_type, sp.principal, sp.negated, sp.principal_account_id,
       (sp.principal = '*' OR (sp.principal_account_id IS NOT NULL
                               AND sp.principal_account_id <> s.account_id)) AS is_cross_account,
       st.has_condition, st.conditions
FROM snap_roles AS r
JOIN snapshots AS s ON s.snapshot_id = r.snapshot_id
JOIN internal_statement_rows AS st ON st.document_id = r.trust_document_id
JOIN statement_principals AS sp
  ON sp.document_id = st.document_id AND sp.statement_index = st.statement_index;

CREATE VIEW history_credential_report AS
SELECT c.snapshot_id, s.account_id, c.user, c.arn, c.is_root, c.user_creation_time,
       c.password_enabled, c.password_last_used, c.password_last_changed,
       c.password_next_rotation, c.mfa_active, c.access_key_1_active,
       c.access_key_1_last_rotated, c.access_key_1_last_used_date,
       c.access_key_1_last_used_region, c.access_key_1_last_used_service,
       c.access_key_2_active, c.access_key_2_last_rotated, c.access_key_2_last_used_date,
       c.access_key_2_last_used_region, c.access_key_2_last_used_service, c.cert_1_active,
       c.cert_1_last_rotated, c.cert_2_active, c.cert_2_last_rotated, c.generated_time
FROM snap_credential_report AS c JOIN snapshots AS s ON s.snapshot_id = c.snapshot_id;

CREATE VIEW history_resource_policies AS
SELECT r.snapshot_id, s.account_id, r.arn AS resource_arn, r.resource_type, r.region, r.name,
       d.text AS policy, r.tags
FROM snap_resources AS r
JOIN snapshots AS s ON s.snapshot_id = r.snapshot_id
LEFT JOIN documents AS d ON d.document_id = r.document_id;

CREATE VIEW history_scps AS
SELECT o.snapshot_id, s.account_id AS management_account_id, s.org_id, o.policy_id, o.arn, o.name, o.description,
       o.policy_type, o.aws_managed, d.text AS document,
       (SELECT json_group_array(t.target_id) FROM snap_org_policy_targets AS t
         WHERE t.snapshot_id = o.snapshot_id AND t.policy_id = o.policy_id) AS targets
FROM snap_org_policies AS o
JOIN snapshots AS s ON s.snapshot_id = o.snapshot_id
JOIN documents AS d ON d.document_id = o.document_id;

CREATE VIEW history_scp_targets AS
SELECT t.snapshot_id, s.account_id AS management_account_id, s.org_id, o.policy_id,
       o.name AS policy_name, o.policy_type,
       t.target_id,
       CASE WHEN t.target_id LIKE 'r-%' THEN 'ROOT'
            WHEN t.target_id LIKE 'ou-%' THEN 'ORGANIZATIONAL_UNIT'
            ELSE 'ACCOUNT' END AS target_type
FROM snap_org_policy_targets AS t
JOIN snapshots AS s ON s.snapshot_id = t.snapshot_id
JOIN snap_org_policies AS o ON o.snapshot_id = t.snapshot_id AND o.policy_id = t.policy_id;

CREATE VIEW history_organizations AS
SELECT g.snapshot_id, s.account_id AS management_account_id, g.org_id, g.arn, g.feature_set,
       g.management_account_email
FROM snap_organizations AS g JOIN snapshots AS s ON s.snapshot_id = g.snapshot_id;

CREATE VIEW history_org_units AS
SELECT n.snapshot_id, s.account_id AS management_account_id, s.org_id, n.node_id AS ou_id,
       n.kind AS node_type, n.name, n.arn,
       n.parent_id, n.policy_types
FROM snap_org_nodes AS n
JOIN snapshots AS s ON s.snapshot_id = n.snapshot_id;

CREATE VIEW history_org_accounts AS
SELECT a.snapshot_id, s.account_id AS management_account_id, s.org_id,
       a.account_id, a.name, a.email, a.status, a.arn, a.joined_method, a.joined_timestamp,
       a.parent_id, a.org_path
FROM snap_org_accounts AS a
JOIN snapshots AS s ON s.snapshot_id = a.snapshot_id;

CREATE VIEW history_password_policy AS
SELECT p.snapshot_id, s.account_id, p.has_policy, p.minimum_password_length,
       p.require_symbols, p.require_numbers, p.require_uppercase_characters,
       p.require_lowercase_characters, p.allow_users_to_change_password, p.expire_passwords,
       p.max_password_age, p.password_reuse_prevention, p.hard_expiry
FROM snap_password_policies AS p JOIN snapshots AS s ON s.snapshot_id = p.snapshot_id;

CREATE VIEW history_account_summary AS
SELECT a.snapshot_id, s.account_id, a.key, a.value
FROM snap_account_summary AS a JOIN snapshots AS s ON s.snapshot_id = a.snapshot_id;

CREATE VIEW history_delegated_administrators AS
SELECT d.snapshot_id, s.account_id AS management_account_id, s.org_id, d.account_id, d.name,
       d.email, d.delegation_enabled_date, d.service_principals
FROM snap_delegated_administrators AS d JOIN snapshots AS s ON s.snapshot_id = d.snapshot_id;

CREATE VIEW history_identity_providers AS
SELECT p.snapshot_id, s.account_id, p.arn, p.provider_type, p.url, p.client_ids,
       p.thumbprints, p.create_date, p.valid_until, p.tags
FROM snap_identity_providers AS p JOIN snapshots AS s ON s.snapshot_id = p.snapshot_id;

-- Views: latest state ---------------------------------------------------------------------------

CREATE VIEW internal_latest_iam AS SELECT snapshot_id FROM latest_snapshots WHERE kind = 'iam';
CREATE VIEW internal_latest_organization AS
SELECT snapshot_id FROM latest_snapshots WHERE kind = 'organization';

CREATE VIEW users AS
SELECT * FROM history_users WHERE snapshot_id IN (SELECT snapshot_id FROM internal_latest_iam);
CREATE VIEW groups AS
SELECT * FROM history_groups WHERE snapshot_id IN (SELECT snapshot_id FROM internal_latest_iam);
CREATE VIEW roles AS
SELECT * FROM history_roles WHERE snapshot_id IN (SELECT snapshot_id FROM internal_latest_iam);
CREATE VIEW policies AS
SELECT * FROM history_policies WHERE snapshot_id IN (SELECT snapshot_id FROM internal_latest_iam);
CREATE VIEW policy_versions AS
SELECT * FROM history_policy_versions WHERE snapshot_id IN (SELECT snapshot_id FROM internal_latest_iam);
CREATE VIEW inline_policies AS
SELECT * FROM history_inline_policies WHERE snapshot_id IN (SELECT snapshot_id FROM internal_latest_iam);
CREATE VIEW attachments AS
SELECT * FROM history_attachments WHERE snapshot_id IN (SELECT snapshot_id FROM internal_latest_iam);
CREATE VIEW permissions_boundaries AS
SELECT * FROM history_permissions_boundaries
WHERE snapshot_id IN (SELECT snapshot_id FROM internal_latest_iam);
CREATE VIEW group_members AS
SELECT * FROM history_group_members WHERE snapshot_id IN (SELECT snapshot_id FROM internal_latest_iam);
CREATE VIEW trust_policies AS
SELECT * FROM history_trust_policies WHERE snapshot_id IN (SELECT snapshot_id FROM internal_latest_iam);

CREATE VIEW statements AS
SELECT * FROM internal_statements_iam WHERE snapshot_id IN (SELECT snapshot_id FROM internal_latest_iam)
UNION ALL
SELECT * FROM internal_statements_resource
WHERE snapshot_id IN (SELECT snapshot_id FROM latest_snapshots WHERE kind = 'resource_policies')
UNION ALL
SELECT * FROM internal_statements_organization
WHERE snapshot_id IN (SELECT snapshot_id FROM internal_latest_organization);

CREATE VIEW credential_report AS
SELECT * FROM history_credential_report
WHERE snapshot_id IN (SELECT snapshot_id FROM latest_snapshots WHERE kind = 'credential_report');

CREATE VIEW resource_policies AS
SELECT * FROM history_resource_policies
WHERE snapshot_id IN (SELECT snapshot_id FROM latest_snapshots WHERE kind = 'resource_policies');

CREATE VIEW scps AS
SELECT * FROM history_scps WHERE snapshot_id IN (SELECT snapshot_id FROM internal_latest_organization);
CREATE VIEW scp_targets AS
SELECT * FROM history_scp_targets
WHERE snapshot_id IN (SELECT snapshot_id FROM internal_latest_organization);
CREATE VIEW organizations AS
SELECT * FROM history_organizations
WHERE snapshot_id IN (SELECT snapshot_id FROM internal_latest_organization);
CREATE VIEW org_units AS
SELECT * FROM history_org_units
WHERE snapshot_id IN (SELECT snapshot_id FROM internal_latest_organization);
CREATE VIEW org_accounts AS
SELECT * FROM history_org_accounts
WHERE snapshot_id IN (SELECT snapshot_id FROM internal_latest_organization);

CREATE VIEW password_policy AS
SELECT * FROM history_password_policy
WHERE snapshot_id IN (SELECT snapshot_id FROM latest_snapshots WHERE kind = 'password_policy');

CREATE VIEW account_summary AS
SELECT * FROM history_account_summary
WHERE snapshot_id IN (SELECT snapshot_id FROM latest_snapshots WHERE kind = 'account_summary');

CREATE VIEW delegated_administrators AS
SELECT * FROM history_delegated_administrators
WHERE snapshot_id IN (SELECT snapshot_id FROM internal_latest_organization);

CREATE VIEW identity_providers AS
SELECT * FROM history_identity_providers
WHERE snapshot_id IN (SELECT snapshot_id FROM latest_snapshots WHERE kind = 'identity_providers');

-- Every account the store knows: from its own snapshots and from the latest organization
-- snapshots, with the organization's view of it when there is one.
CREATE VIEW accounts AS
WITH known AS (
    SELECT account_id FROM snapshots
    UNION
    SELECT account_id FROM snap_org_accounts WHERE snapshot_id IN (SELECT snapshot_id FROM internal_latest_organization)
)
SELECT k.account_id, o.name, o.email, o.status, o.org_id, o.parent_id, o.org_path,
       o.joined_method, o.joined_timestamp, (o.account_id IS NOT NULL) AS in_organization,
       (SELECT max(taken_at) FROM snapshots AS s WHERE s.account_id = k.account_id)
         AS last_snapshot_at,
       (SELECT json_group_array(kind) FROM
          (SELECT kind FROM latest_snapshots AS l WHERE l.account_id = k.account_id ORDER BY kind))
         AS kinds
FROM known AS k
LEFT JOIN (SELECT * FROM history_org_accounts
           WHERE snapshot_id IN (SELECT snapshot_id FROM internal_latest_organization)) AS o
       ON o.account_id = k.account_id;
