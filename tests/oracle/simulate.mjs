// The differential-test oracle: runs @cloud-copilot/iam-simulate (installed from npm, used as an
// external program) on scenarios read as JSON lines from stdin, and writes one JSON line per
// scenario to stdout, in input order.
//
// Input lines:
//   {"define": "REF", "policy": DOCUMENT}
//       a policy document that later scenarios name as {"$ref": "REF"} wherever a policy goes
//       (validated once per policy type, then reused);
//   {"id": N, "simulation": SIMULATION}
//       SIMULATION is iam-simulate's `Simulation` input (request, identityPolicies,
//       serviceControlPolicies, resourceControlPolicies, resourcePolicy,
//       permissionBoundaryPolicies, vpcEndpointPolicies, sessionPolicy).
// Output lines:
//   {"id": N, "result": "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied",
//    "blockedBy": [...], "gates": {"identity": ..., "resource": ..., ...},
//    "ignoredContextKeys": [...]}
//   or {"id": N, "error": "..."} when iam-simulate refused the input.
//
// Run: node tests/oracle/simulate.mjs < scenarios.jsonl

import { createInterface } from 'node:readline'
import {
  createValidatedPolicy,
  validateEndpointPolicy,
  validateIdentityPolicy,
  validateResourceControlPolicy,
  validateResourcePolicy,
  validateServiceControlPolicy
} from '@cloud-copilot/iam-policy'
import { anonymousPrincipal, runSimulation } from '@cloud-copilot/iam-simulate'

const definitions = new Map()
const validated = new Map()

const validators = {
  identity: validateIdentityPolicy,
  scp: validateServiceControlPolicy,
  rcp: validateResourceControlPolicy,
  resource: validateResourcePolicy,
  vpce: validateEndpointPolicy
}

/** A policy as the simulation takes it: `{"$ref"}` becomes a cached validated policy. */
function resolve(policy, kind) {
  if (!policy || typeof policy !== 'object' || !('$ref' in policy)) {
    return policy
  }
  const key = `${kind}\u0000${policy.$ref}`
  let cached = validated.get(key)
  if (!cached) {
    const document = definitions.get(policy.$ref)
    if (document === undefined) {
      throw new Error(`undefined policy reference ${policy.$ref}`)
    }
    cached = createValidatedPolicy(document, validators[kind])
    validated.set(key, cached)
  }
  return cached
}

function resolveNamed(list, kind) {
  return list?.map((item) => ({ name: item.name, policy: resolve(item.policy, kind) }))
}

function resolveTree(levels, kind) {
  return (levels ?? []).map((level) => ({
    orgIdentifier: level.orgIdentifier,
    policies: resolveNamed(level.policies, kind)
  }))
}

function prepare(input) {
  const simulation = {
    ...input,
    request: {
      ...input.request,
      principal: input.request.principal === 'anonymous' ? anonymousPrincipal : input.request.principal
    },
    identityPolicies: resolveNamed(input.identityPolicies ?? [], 'identity'),
    serviceControlPolicies: resolveTree(input.serviceControlPolicies, 'scp'),
    resourceControlPolicies: resolveTree(input.resourceControlPolicies, 'rcp')
  }
  if (input.permissionBoundaryPolicies) {
    simulation.permissionBoundaryPolicies = resolveNamed(input.permissionBoundaryPolicies, 'identity')
  }
  if (input.vpcEndpointPolicies) {
    simulation.vpcEndpointPolicies = resolveNamed(input.vpcEndpointPolicies, 'vpce')
  }
  if (input.resourcePolicy) {
    simulation.resourcePolicy = resolve(input.resourcePolicy, 'resource')
  }
  if (input.sessionPolicy) {
    simulation.sessionPolicy = resolve(input.sessionPolicy, 'identity')
  }
  return simulation
}

/** What each kind of policy said, for explanations and classification. */
function gates(analysis) {
  const out = {}
  const put = (name, value) => {
    if (value !== undefined) out[name] = value
  }
  put('identity', analysis.identityAnalysis?.result)
  put('resource', analysis.resourceAnalysis?.result)
  put('pb', analysis.permissionBoundaryAnalysis?.result)
  put('session', analysis.sessionAnalysis?.result)
  put('vpce', analysis.endpointAnalysis?.result)
  if (analysis.scpAnalysis?.ouAnalysis?.length) put('scp', analysis.scpAnalysis.result)
  if (analysis.rcpAnalysis?.ouAnalysis?.length) put('rcp', analysis.rcpAnalysis.result)
  return out
}

async function simulate(line) {
  const message = JSON.parse(line)
  if (message.define !== undefined) {
    definitions.set(message.define, message.policy)
    return undefined
  }
  const id = message.id
  try {
    const response = await runSimulation(prepare(message.simulation), { simulationMode: 'Strict' })
    if (response.resultType === 'error') {
      return { id, error: JSON.stringify(response.errors) }
    }
    if (response.resultType === 'wildcard') {
      return { id, error: 'the request resource has a wildcard: several simulations ran' }
    }
    const analysis = response.result.analysis
    return {
      id,
      result: response.overallResult,
      blockedBy: analysis.blockedBy ?? [],
      sameAccount: analysis.sameAccount,
      gates: gates(analysis),
      ignoredContextKeys: response.result.ignoredContextKeys ?? []
    }
  } catch (error) {
    return { id, error: `exception: ${error?.message ?? error}` }
  }
}

const out = []
const flush = () => {
  if (out.length > 0) {
    process.stdout.write(out.join('\n') + '\n')
    out.length = 0
  }
}
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
for await (const line of lines) {
  if (line.trim() === '') continue
  const answer = await simulate(line)
  if (answer !== undefined) {
    out.push(JSON.stringify(answer))
    if (out.length >= 256) flush()
  }
}
flush()
