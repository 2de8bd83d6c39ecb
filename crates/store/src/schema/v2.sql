-- iamwatch store, schema version 2.
--
-- The model's own record of each snapshot, so the store can load its snapshots back (`audit`,
-- `simulate --principal`): the normalized payload as compact JSON, deflate-compressed. The
-- tables of version 1 stay the documented SQL interface; this table is internal.
--
-- Snapshots written by version 1 have no row here: `audit` names them and asks for the file to
-- be imported again (their tables are complete, but the model is not rebuilt from tables).

CREATE TABLE snapshot_payloads (
    snapshot_id  INTEGER PRIMARY KEY,
    encoding     TEXT NOT NULL,
    payload      BLOB NOT NULL
);
-- encoding: `json+deflate` (the model's `Payload`, serde JSON, zlib-less raw deflate).
