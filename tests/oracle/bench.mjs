// Per-decision time of @cloud-copilot/iam-simulate on the scenario of our criterion bench
// (`cargo bench -p iamwatch-policy --bench eval`), as written by
// `cargo run -p iamwatch-policy --example export_bench_scenario`.
//
// Run: node tests/oracle/bench.mjs scenario.json [seconds]
// Prints one JSON line: per-decision microseconds with policies validated once and reused
// (`createValidatedPolicy`, the fastest use of the public API) and with raw documents (validated
// on every call), and iam-simulate's decision next to ours for each request.

import { readFileSync } from 'node:fs'
import {
  createValidatedPolicy,
  validateIdentityPolicy,
  validateResourcePolicy,
  validateServiceControlPolicy
} from '@cloud-copilot/iam-policy'
import { runSimulation } from '@cloud-copilot/iam-simulate'

const [file, secondsText] = process.argv.slice(2)
const seconds = Number(secondsText ?? '5')
const { simulations } = JSON.parse(readFileSync(file, 'utf8'))

/** The same simulations with every policy validated once. */
function prevalidated(simulation, cache) {
  const once = (document, validate) => {
    let validated = cache.get(document)
    if (!validated) {
      validated = createValidatedPolicy(document, validate)
      cache.set(document, validated)
    }
    return validated
  }
  const named = (items, validate) =>
    items.map((item) => ({ name: item.name, policy: once(item.policy, validate) }))
  return {
    ...simulation,
    identityPolicies: named(simulation.identityPolicies, validateIdentityPolicy),
    serviceControlPolicies: simulation.serviceControlPolicies.map((level) => ({
      orgIdentifier: level.orgIdentifier,
      policies: named(level.policies, validateServiceControlPolicy)
    })),
    permissionBoundaryPolicies: simulation.permissionBoundaryPolicies
      ? named(simulation.permissionBoundaryPolicies, validateIdentityPolicy)
      : undefined,
    resourcePolicy: simulation.resourcePolicy
      ? once(simulation.resourcePolicy, validateResourcePolicy)
      : undefined
  }
}

async function measure(inputs) {
  // Warm up (iam-data loads service data lazily), then run for `seconds`.
  for (let round = 0; round < 3; round++) {
    for (const input of inputs) await runSimulation(input, {})
  }
  let decisions = 0
  const start = process.hrtime.bigint()
  const budget = BigInt(Math.round(seconds * 1e9))
  while (process.hrtime.bigint() - start < budget) {
    for (const input of inputs) {
      await runSimulation(input, {})
      decisions++
    }
  }
  const elapsed = Number(process.hrtime.bigint() - start)
  return { decisions, microsPerDecision: elapsed / decisions / 1000 }
}

const cache = new Map()
const raw = simulations.map((entry) => entry.simulation)
const validated = raw.map((simulation) => prevalidated(simulation, cache))
const decisions = []
for (const [index, input] of validated.entries()) {
  const response = await runSimulation(input, {})
  decisions.push({
    action: input.request.action,
    ours: simulations[index].ours,
    theirs: response.resultType === 'error' ? `error: ${response.errors.message}` : response.overallResult
  })
}
const reused = await measure(validated)
const everyCall = await measure(raw)
console.log(
  JSON.stringify({
    requests: raw.length,
    validatedOnce: reused,
    validatedEveryCall: everyCall,
    decisions
  })
)
