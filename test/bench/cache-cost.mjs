// @ts-check
// Figure 3: the cost of a warm cache hit. Median time per call of getCredentials() and of a provider
// call, against a provider that returns a constant object; and what each S3Client send() pays to get its
// credentials, with fromDelegation (a token, and a function returning it, as the README shows) against
// the AWS SDK's static-credentials path, in interleaved samples. A send asks for credentials more than
// once (fromDelegation marks itself memoized, so the AWS SDK calls it for each request, and S3's signer
// asks again at signing): the calls one send makes are counted, on a send() whose request handler
// answers at once, and the per-send cost is that count times the per-call gap of the S3Client's own
// credentials function. Goal: within 1 us per send; judged on the bootstrap 95% interval of the median
// gap times the count (fails only when the whole interval lies above 1 us). Whole sends are timed
// too, for scale: their noise is larger than the gap, so they are reported, not judged.
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DelegationClient, fromDelegation } from '../../dist/index.mjs';
import { fakeDelegation, idTokenFor } from './fixtures.mjs';
import { bootstrapMedian, median, spread } from './stats.mjs';

const SAMPLES = 25;
const CALLS_PER_SAMPLE = 2_000;

/** Microseconds per call of `call` over one sample of `calls` calls. @param {() => Promise<unknown>} call */
async function oneSample(call, calls = CALLS_PER_SAMPLE) {
  const start = performance.now();
  for (let index = 0; index < calls; index++) await call();
  return ((performance.now() - start) * 1000) / calls;
}

/**
 * Microseconds per call of each of `calls`, one value per sample, after a warm-up; the calls take turns
 * sample by sample, so a slower moment of a shared machine weighs on all of them alike.
 * @param {(() => Promise<unknown>)[]} calls @param {number} [perSample] calls per sample @returns {Promise<number[][]>}
 */
async function interleaved(calls, perSample = CALLS_PER_SAMPLE) {
  for (const call of calls) await oneSample(call, perSample);
  /** @type {number[][]} */
  const samples = calls.map(() => []);
  for (let sample = 0; sample < SAMPLES; sample++) {
    for (const [index, call] of calls.entries()) samples[index]?.push(await oneSample(call, perSample));
  }
  return samples;
}

/** @param {() => Promise<unknown>} call */
const microsPerCall = async (call) => (await interleaved([call]))[0] ?? [];

/** A request handler that answers every request at once with an empty listing: a send() without a network. */
const answerAtOnce = { handle: async () => ({ response: { statusCode: 200, headers: { 'content-type': 'application/xml' }, body: Readable.from([Buffer.from('<ListBucketResult></ListBucketResult>')]) } }) };

/** @param {any} credentials */
const offlineS3 = (credentials) => new S3Client({ region: 'us-east-1', credentials, requestHandler: /** @type {any} */ (answerAtOnce) });
const send = (/** @type {S3Client} */ s3) => s3.send(new ListObjectsV2Command({ Bucket: 'bench', Prefix: 'auth0|bench/' }));

/**
 * How many times one send() calls the provider (the same warm provider, counted around it).
 * @param {any} provider
 */
async function providerCallsPerSend(provider) {
  let calls = 0;
  const counted = Object.assign(async (/** @type {any} */ props) => ((calls += 1), provider(props)), { memoized: true });
  const s3 = offlineS3(counted);
  await send(s3);
  calls = 0;
  for (let index = 0; index < 10; index++) await send(s3);
  return calls / 10;
}

/** Microseconds per whole send(), static credentials against fromDelegation, interleaved (for scale). @param {any} staticCredentials @param {any} provider */
async function wholeSends(staticCredentials, provider) {
  const [staticS3, delegatedS3] = [offlineS3(staticCredentials), offlineS3(provider)];
  const [staticSends = [], delegatedSends = []] = await interleaved([() => send(staticS3), () => send(delegatedS3)], 200);
  return { staticSends, delegatedSends };
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
  const perSend = await providerCallsPerSend(fromDelegation(client, { idToken }));
  const perSendFunction = await providerCallsPerSend(fromDelegation(client, { idToken: () => idToken }));
  const { staticSends, delegatedSends } = await wholeSends(constantCredentials, fromDelegation(client, { idToken }));
  // Per send: every provider call a send makes, each paying the per-call gap.
  const gaps = delegatedPath.map((micros, index) => perSend * (micros - (staticPath[index] ?? Number.NaN)));
  const functionGaps = functionPath.map((micros, index) => perSendFunction * (micros - (staticPath[index] ?? Number.NaN)));
  const [low, high] = bootstrapMedian(gaps);
  const [functionLow, functionHigh] = bootstrapMedian(functionGaps);
  const gapText = (/** @type {number[]} */ values, /** @type {number} */ from, /** @type {number} */ to) => `+${median(values).toFixed(2)} us per send (95% CI ${from.toFixed(2)}-${to.toFixed(2)})`;
  const sendGaps = delegatedSends.map((micros, index) => micros - (staticSends[index] ?? Number.NaN));
  const [sendLow, sendHigh] = bootstrapMedian(sendGaps);
  const rows = [
    { call: 'constant provider (baseline)', microseconds: spread(baseline, 3), ratio: '1.00' },
    { call: 'getCredentials(), warm', microseconds: spread(warmGet, 3), ratio: (median(warmGet) / median(baseline)).toFixed(2) },
    { call: 'fromDelegation provider, warm', microseconds: spread(warmProvider, 3), ratio: (median(warmProvider) / median(baseline)).toFixed(2) },
    { call: 'per credentials call of an S3Client: AWS SDK static credentials (baseline)', microseconds: spread(staticPath, 3), ratio: '1.00' },
    { call: 'per credentials call of an S3Client: fromDelegation { idToken }', microseconds: spread(delegatedPath, 3), ratio: (median(delegatedPath) / median(staticPath)).toFixed(2) },
    { call: 'per credentials call of an S3Client: fromDelegation { idToken: () => token }', microseconds: spread(functionPath, 3), ratio: (median(functionPath) / median(staticPath)).toFixed(2) },
    { call: `per send(): fromDelegation { idToken }, ${perSend} provider calls per send, ${gapText(gaps, low, high)}`, microseconds: spread(gaps, 3), ratio: '' },
    { call: `per send(): fromDelegation { idToken: () => token }, ${perSendFunction} calls per send, ${gapText(functionGaps, functionLow, functionHigh)}`, microseconds: spread(functionGaps, 3), ratio: '' },
    { call: 'whole send() with no network, AWS SDK static credentials (for scale)', microseconds: spread(staticSends, 1), ratio: '1.00' },
    { call: `whole send() with no network, fromDelegation { idToken }: median gap ${median(sendGaps).toFixed(1)} us (95% CI ${sendLow.toFixed(1)}-${sendHigh.toFixed(1)}; not judged)`, microseconds: spread(delegatedSends, 1), ratio: (median(delegatedSends) / median(staticSends)).toFixed(3) },
  ];
  return {
    rows,
    // Judged only where the run can resolve it: it fails when the whole 95% interval lies above 1 us.
    checks: [
      { check: `per send(): fromDelegation's ${perSend} provider calls within 1 us of static credentials (95% CI low end <= 1 us)`, value: `${median(gaps).toFixed(2)} (${low.toFixed(2)}-${high.toFixed(2)})`, pass: low <= 1 },
      { check: 'the same with an idToken function (95% CI low end <= 1 us)', value: `${median(functionGaps).toFixed(2)} (${functionLow.toFixed(2)}-${functionHigh.toFixed(2)})`, pass: functionLow <= 1 },
    ],
  };
}
