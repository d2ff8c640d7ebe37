// Soak: continuous uploads from several S3Clients across credential rollovers, against the sandbox with
// short-lived credentials, on the real clock. CI runs 5 rollovers (about 15 s); SOAK_ROLLOVERS=100 runs
// a longer soak (about 4 minutes at the default 4-second lifetime).
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.mjs';
import { DelegationClient, fromDelegation } from '../../src/index';
import { s3Client } from '../support/s3';

const ROLLOVERS = Number(process.env['SOAK_ROLLOVERS'] ?? 5);
const LIFETIME_SEC = Number(process.env['SOAK_LIFETIME_SEC'] ?? 4);
let sandbox: Awaited<ReturnType<typeof startSandbox>>;

beforeAll(async () => {
  // The refresh comes at half the lifetime, faster than Auth0's 10 per minute allows: lift the limit.
  sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, credentialLifetimeSec: LIFETIME_SEC, rateLimitPerMinute: 10_000 });
});
afterAll(() => sandbox?.stop());

describe(`soak: ${ROLLOVERS} rollovers of ${LIFETIME_SEC}-second credentials`, () => {
  it('uploads continuously from 3 S3Clients with zero failures; one delegation request per rollover, plus one', async () => {
    const idToken = await sandbox.identity.issue('auth0|soak', { expiresInSec: 3600 });
    const client = new DelegationClient({ clientID: sandbox.config.clientID, domain: sandbox.authUrl });
    const provider = fromDelegation(client, { idToken });
    const clients = [s3Client(sandbox.s3Url, provider), s3Client(sandbox.s3Url, provider), s3Client(sandbox.s3Url, fromDelegation(client, { idToken }))];
    const failures: string[] = [];
    let sent = 0;
    const deadline = Date.now() + (ROLLOVERS + 2) * LIFETIME_SEC * 1000;
    const worker = async (index: number) => {
      while (sandbox.stats.delegation.issued <= ROLLOVERS && Date.now() < deadline) {
        const key = `auth0|soak/${index}-${sent++}.txt`;
        await clients[index % 3]!.send(new PutObjectCommand({ Bucket: 'uploads', Key: key, Body: `upload ${key}` })).catch((error: { name?: string }) => failures.push(error.name ?? 'unknown'));
      }
    };
    await Promise.all(Array.from({ length: 6 }, (_, index) => worker(index)));
    const keysUsed = Object.keys(sandbox.stats.s3.accepted);
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(ROLLOVERS * 10);
    expect(sandbox.stats.delegation.issued).toBe(ROLLOVERS + 1);
    // Every delegation request served S3 traffic: none was wasted or duplicated.
    expect(keysUsed).toHaveLength(ROLLOVERS + 1);
  }, (ROLLOVERS + 4) * LIFETIME_SEC * 1000 + 30_000);
});
