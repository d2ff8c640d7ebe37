// Soak: continuous uploads from several S3Clients across credential rollovers, against the sandbox (its
// /delegation over HTTP, its verifying S3) with short-lived credentials. The clock is mocked and moves one
// second between rounds of uploads, so no upload can outlive the credentials that signed it however slow
// the machine is: the test counts requests, never speed. CI runs 5 rollovers; SOAK_ROLLOVERS=100 runs a
// longer soak.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSandbox } from '../../sandbox/server.mjs';
import { DelegationClient, fromDelegation } from '../../src/index';
import { s3Client } from '../support/s3';

const ROLLOVERS = Number(process.env['SOAK_ROLLOVERS'] ?? 5);
const LIFETIME_SEC = Number(process.env['SOAK_LIFETIME_SEC'] ?? 4);
const STEP_MS = 1_000;
const WORKERS = 6;
let sandbox: Awaited<ReturnType<typeof startSandbox>>;

beforeAll(async () => {
  // The refresh comes at half the lifetime, faster than Auth0's 10 per minute allows: lift the limit.
  sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, credentialLifetimeSec: LIFETIME_SEC, rateLimitPerMinute: 10_000 });
});
afterAll(() => sandbox?.stop());
afterEach(() => vi.useRealTimers());

describe(`soak: ${ROLLOVERS} rollovers of ${LIFETIME_SEC}-second credentials`, () => {
  it('uploads continuously from 3 S3Clients with zero failures; one delegation request per rollover, plus one', async ({ signal }) => {
    const start = Date.now();
    vi.useFakeTimers({ now: start, toFake: ['Date'] });
    const idToken = await sandbox.identity.issue('auth0|soak', { expiresInSec: 3600 });
    const client = new DelegationClient({ clientID: sandbox.config.clientID, domain: sandbox.authUrl });
    const provider = fromDelegation(client, { idToken });
    const clients = [s3Client(sandbox.s3Url, provider), s3Client(sandbox.s3Url, provider), s3Client(sandbox.s3Url, fromDelegation(client, { idToken }))];
    const failures: string[] = [];
    let sent = 0;
    const put = async (index: number) => {
      const key = `auth0|soak/${index}-${sent++}.txt`;
      await clients[index % 3]!.send(new PutObjectCommand({ Bucket: 'uploads', Key: key, Body: `upload ${key}` })).catch((error: { name?: string }) => failures.push(error.name ?? 'unknown'));
    };
    const maxRounds = ((ROLLOVERS + 2) * LIFETIME_SEC * 1000) / STEP_MS;
    for (let round = 0; round < maxRounds && sandbox.stats.delegation.issued <= ROLLOVERS && !signal.aborted; round++) {
      vi.setSystemTime(start + round * STEP_MS);
      await Promise.all(Array.from({ length: WORKERS }, (_, index) => put(index)));
    }
    const keysUsed = Object.keys(sandbox.stats.s3.accepted);
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(ROLLOVERS * 10);
    expect(sandbox.stats.delegation.issued).toBe(ROLLOVERS + 1);
    // Every delegation request served S3 traffic: none was wasted or duplicated.
    expect(keysUsed).toHaveLength(ROLLOVERS + 1);
  });
});
