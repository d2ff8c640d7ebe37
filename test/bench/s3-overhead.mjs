// @ts-check
// Figure 4: S3 throughput with fromDelegation against the same credentials passed statically, PutObject
// and GetObject of 1 KB and 1 MB against the local verifying S3, interleaved A/B (the order alternates
// every round). Target: ratio >= 0.97.
import { performance } from 'node:perf_hooks';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startS3Gate } from '../../sandbox/s3-gate.mjs';
import { DelegationClient, fromDelegation } from '../../dist/index.mjs';
import { fakeDelegation, idTokenFor } from './fixtures.mjs';
import { median, spread } from './stats.mjs';

const ROUNDS = 8;
export const MIN_RATIO = 0.97;

/** @param {string} endpoint @param {any} credentials */
const s3Client = (endpoint, credentials) => new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });

/** Operations per second of `ops` sequential put+get pairs. @param {S3Client} s3 @param {Uint8Array} body @param {number} ops @param {string} tag */
async function throughput(s3, body, ops, tag) {
  const start = performance.now();
  for (let index = 0; index < ops; index++) {
    const Key = `auth0|bench/${tag}-${index}`;
    await s3.send(new PutObjectCommand({ Bucket: 'uploads', Key, Body: body }));
    await (await s3.send(new GetObjectCommand({ Bucket: 'uploads', Key }))).Body?.transformToByteArray();
  }
  return (ops * 2 * 1000) / (performance.now() - start);
}

export async function s3Overhead() {
  const gate = await startS3Gate();
  try {
    const delegation = fakeDelegation({ keys: gate.keys });
    const client = new DelegationClient({ clientID: 'bench', domain: 'tenant.auth0.com', fetch: delegation.fetch });
    const idToken = idTokenFor('auth0|bench');
    const delegated = s3Client(gate.url, fromDelegation(client, { idToken }));
    const fixed = s3Client(gate.url, await client.getCredentials({ idToken }));
    const rows = [];
    for (const [label, size, ops] of /** @type {const} */ ([['1 KB', 1024, 25], ['1 MB', 1024 * 1024, 4]])) {
      const body = new Uint8Array(size).fill(42);
      await throughput(delegated, body, 3, 'warm-a');
      await throughput(fixed, body, 3, 'warm-b');
      /** @type {number[]} */ const a = [];
      /** @type {number[]} */ const b = [];
      /** @type {number[]} */ const ratios = [];
      for (let round = 0; round < ROUNDS; round++) {
        // Alternate which goes first, so that warming up or filling the store favours neither.
        let opsA = 0;
        let opsB = 0;
        if (round % 2 === 0) {
          opsA = await throughput(delegated, body, ops, `a${round}`);
          opsB = await throughput(fixed, body, ops, `b${round}`);
        } else {
          opsB = await throughput(fixed, body, ops, `b${round}`);
          opsA = await throughput(delegated, body, ops, `a${round}`);
        }
        a.push(opsA);
        b.push(opsB);
        ratios.push(opsA / opsB);
      }
      rows.push({ object: label, 'fromDelegation ops/s': spread(a, 1), 'static ops/s': spread(b, 1), ratio: median(ratios).toFixed(3) });
    }
    const worst = Math.min(...rows.map((row) => Number(row.ratio)));
    return { rows, checks: [{ check: `S3 throughput ratio fromDelegation / static >= ${MIN_RATIO}`, value: worst.toFixed(3), pass: worst >= MIN_RATIO }], delegationRequests: delegation.counter.requests };
  } finally {
    await gate.stop();
  }
}
