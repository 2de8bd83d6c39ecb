// Validates SARIF logs against the OASIS SARIF 2.1.0 JSON schema, for iamwatch's SARIF test
// (crates/cli/tests/cli/sarif.rs).
//
// The schema: `lib/schemas/sarif-2.1.0-rtm.5.json` of the npm package @microsoft/jest-sarif
// 1.0.0-beta.0 (MIT, Microsoft's sarif-js-sdk), pinned by package-lock.json. It is the OASIS
// SARIF 2.1.0 schema in its draft-04 edition: compared with OASIS's sarif-schema-2.1.0.json (the
// draft-07 copy in the crate serde-sarif 0.8.0), only the title, the id, the draft and one typo in
// a description differ. The validator: ajv 6.12.6 (MIT), the last ajv that reads draft-04 by itself.
//
// Usage: node sarif-validate.mjs FILE...
// Prints `FILE: valid` or `FILE: invalid` followed by one line per schema error, for each file.
// Exits 0 when every file is valid, 1 when one is not, 2 when it could not run.

import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);

let Ajv, draft04, schema;
try {
  Ajv = require("ajv");
  draft04 = require("ajv/lib/refs/json-schema-draft-04.json");
  schema = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
} catch (error) {
  console.error(
    `the SARIF schema or ajv is not installed in tests/oracle/node_modules (${error.message}): ` +
      "install them with `npm ci --prefix tests/oracle` from the repository root",
  );
  process.exit(2);
}

const ajv = new Ajv({ schemaId: "auto", allErrors: true, format: "full", verbose: false });
ajv.addMetaSchema(draft04);
const validate = ajv.compile(schema);

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node sarif-validate.mjs FILE...");
  process.exit(2);
}
let allValid = true;
for (const file of files) {
  let log;
  try {
    log = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    console.error(`${file}: ${error.message}`);
    process.exit(2);
  }
  if (validate(log)) {
    console.log(`${file}: valid`);
  } else {
    allValid = false;
    console.log(`${file}: invalid`);
    for (const error of validate.errors) {
      console.log(`  ${error.dataPath || "/"} ${error.message} ${JSON.stringify(error.params)}`);
    }
  }
}
process.exit(allValid ? 0 : 1);
