// @ts-check
// Figure 3: the cost of a warm cache hit. Median time per call of getCredentials() and of a provider
// call, against a provider that returns a constant object. Reported as ratios (no pass/fail on time).
import { performance } from 'node:perf_hooks';
import { DelegationClient, fromDelegation } from '../../dist/index.mjs';
import { fakeDelegation, idTokenFor } from './fixtures.mjs';
import { median, spread } from './stats.mjs';

const SAMPLES = 25;
const CALLS_PER_SAMPLE = 2_000;

/** Microseconds per call of `call`, one value per sample, after a warm-up. @param {() => Promise<unknown>} call */
async function microsPerCall(call) {
  for (let index = 0; index < CALLS_PER_SAMPLE; index++) await call();
  const samples = [];
  for (let sample = 0; sample < SAMPLES; sample++) {
    const start = performance.now();
    for (let index = 0; index < CALLS_PER_SAMPLE; index++) await call();
    samples.push(((performance.now() - start) * 1000) / CALLS_PER_SAMPLE);
  }
  return samples;
}

export async function cacheHitCost() {
  const idToken = idTokenFor('auth0|bench');
  const client = new DelegationClient({ clientID: 'bench', domain: 'tenant.auth0.com', fetch: fakeDelegation().fetch });
  const provider = fromDelegation(client, { idToken });
  const constantCredentials = await client.getCredentials({ idToken });
  const constant = async () => constantCredentials;
  const baseline = await microsPerCall(constant);
  const warmGet = await microsPerCall(() => client.getCredentials({ idToken }));
  const warmProvider = await microsPerCall(() => provider());
  const rows = [
    { call: 'constant provider (baseline)', microseconds: spread(baseline, 3), ratio: '1.00' },
    { call: 'getCredentials(), warm', microseconds: spread(warmGet, 3), ratio: (median(warmGet) / median(baseline)).toFixed(2) },
    { call: 'fromDelegation provider, warm', microseconds: spread(warmProvider, 3), ratio: (median(warmProvider) / median(baseline)).toFixed(2) },
  ];
  return { rows, checks: [] };
}
