// @ts-check
// Figure 3: the cost of a warm cache hit. Median time per call of getCredentials() and of a provider
// call, against a provider that returns a constant object; and what each S3 request pays to get its
// credentials (the S3Client's own credentials function, as the AWS SDK calls it before signing), with
// fromDelegation (a token, and a function returning it, as the README shows) against the AWS SDK's
// static-credentials path, in interleaved samples. Goal: within 1 us of it; judged on the bootstrap 95%
// interval of the median gap (fails only when the whole interval lies above 1 us).
import { performance } from 'node:perf_hooks';
import { S3Client } from '@aws-sdk/client-s3';
import { DelegationClient, fromDelegation } from '../../dist/index.mjs';
import { fakeDelegation, idTokenFor } from './fixtures.mjs';
import { bootstrapMedian, median, spread } from './stats.mjs';

const SAMPLES = 25;
const CALLS_PER_SAMPLE = 2_000;

/** Microseconds per call of `call` over one sample. @param {() => Promise<unknown>} call */
async function oneSample(call) {
  const start = performance.now();
  for (let index = 0; index < CALLS_PER_SAMPLE; index++) await call();
  return ((performance.now() - start) * 1000) / CALLS_PER_SAMPLE;
}

/**
 * Microseconds per call of each of `calls`, one value per sample, after a warm-up; the calls take turns
 * sample by sample, so a slower moment of a shared machine weighs on all of them alike.
 * @param {(() => Promise<unknown>)[]} calls @returns {Promise<number[][]>}
 */
async function interleaved(calls) {
  for (const call of calls) await oneSample(call);
  /** @type {number[][]} */
  const samples = calls.map(() => []);
  for (let sample = 0; sample < SAMPLES; sample++) {
    for (const [index, call] of calls.entries()) samples[index]?.push(await oneSample(call));
  }
  return samples;
}

/** @param {() => Promise<unknown>} call */
const microsPerCall = async (call) => (await interleaved([call]))[0] ?? [];

export async function cacheHitCost() {
  const idToken = idTokenFor('auth0|bench');
  const client = new DelegationClient({ clientID: 'bench', domain: 'tenant.auth0.com', fetch: fakeDelegation().fetch });
  const provider = fromDelegation(client, { idToken });
  const constantCredentials = await client.getCredentials({ idToken });
  const constant = async () => constantCredentials;
  const baseline = await microsPerCall(constant);
  const warmGet = await microsPerCall(() => client.getCredentials({ idToken }));
  const warmProvider = await microsPerCall(() => provider());
  // What a request pays: the S3Client's memoized credentials function. With static credentials the AWS
  // SDK answers from its memo; with fromDelegation it asks the provider each time (see aws.ts), so that
  // the client's cache decides.
  const staticS3 = /** @type {any} */ (new S3Client({ region: 'us-east-1', credentials: constantCredentials }));
  const delegatedS3 = /** @type {any} */ (new S3Client({ region: 'us-east-1', credentials: fromDelegation(client, { idToken }) }));
  const functionS3 = /** @type {any} */ (new S3Client({ region: 'us-east-1', credentials: fromDelegation(client, { idToken: () => idToken }) }));
  const [staticPath = [], delegatedPath = [], functionPath = []] = await interleaved([
    () => staticS3.config.credentials(),
    () => delegatedS3.config.credentials(),
    () => functionS3.config.credentials(),
  ]);
  const gaps = delegatedPath.map((micros, index) => micros - (staticPath[index] ?? Number.NaN));
  const functionGaps = functionPath.map((micros, index) => micros - (staticPath[index] ?? Number.NaN));
  const [low, high] = bootstrapMedian(gaps);
  const [functionLow, functionHigh] = bootstrapMedian(functionGaps);
  const gapText = (/** @type {number[]} */ values, /** @type {number} */ from, /** @type {number} */ to) => `+${median(values).toFixed(2)} us (95% CI ${from.toFixed(2)}-${to.toFixed(2)})`;
  const rows = [
    { call: 'constant provider (baseline)', microseconds: spread(baseline, 3), ratio: '1.00' },
    { call: 'getCredentials(), warm', microseconds: spread(warmGet, 3), ratio: (median(warmGet) / median(baseline)).toFixed(2) },
    { call: 'fromDelegation provider, warm', microseconds: spread(warmProvider, 3), ratio: (median(warmProvider) / median(baseline)).toFixed(2) },
    { call: 'per S3 request: AWS SDK static credentials (baseline)', microseconds: spread(staticPath, 3), ratio: '1.00' },
    { call: `per S3 request: fromDelegation { idToken }, ${gapText(gaps, low, high)}`, microseconds: spread(delegatedPath, 3), ratio: (median(delegatedPath) / median(staticPath)).toFixed(2) },
    { call: `per S3 request: fromDelegation { idToken: () => token }, ${gapText(functionGaps, functionLow, functionHigh)}`, microseconds: spread(functionPath, 3), ratio: (median(functionPath) / median(staticPath)).toFixed(2) },
  ];
  return {
    rows,
    // Judged only where the run can resolve it: it fails when the whole 95% interval lies above 1 us.
    checks: [
      { check: 'per S3 request: fromDelegation within 1 us of static credentials (95% CI low end <= 1 us)', value: `${median(gaps).toFixed(2)} (${low.toFixed(2)}-${high.toFixed(2)})`, pass: low <= 1 },
      { check: 'the same with an idToken function (95% CI low end <= 1 us)', value: `${median(functionGaps).toFixed(2)} (${functionLow.toFixed(2)}-${functionHigh.toFixed(2)})`, pass: functionLow <= 1 },
    ],
  };
}
