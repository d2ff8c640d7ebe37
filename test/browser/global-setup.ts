// Starts the local verifying S3 (and a redirecting server) for the browser tests, in Node, on 127.0.0.1. The page's msw stands in
// for Auth0 and hands out keys from this pre-registered pool (the page cannot register keys itself).
import type { TestProject } from 'vitest/node';
import { startS3Gate } from '../../sandbox/s3-gate.mjs';
import type { IssuedKey } from '../../sandbox/s3-gate.mjs';
import { startRedirector } from './redirector';
import { startS3Redirector } from '../support/s3-redirector';
import { partGate, servePartGate } from '../support/part-gate';

export interface PoolKey {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    s3: { url: string; pool: PoolKey[]; expired: PoolKey };
    /** A real server whose /delegation redirects (see redirector.ts). */
    redirector: string;
    /** An S3 endpoint that redirects to `target`, another origin (see test/support/s3-redirector.ts). */
    s3Redirector: { url: string; target: string };
    /** Holds, fails and counts the gate's part uploads, lists unfinished uploads (see test/support/part-gate.ts). */
    partGate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const keys = new Map<string, IssuedKey>();
  const make = (name: string, expiresAt: number): PoolKey => {
    const key = { accessKeyId: `ASIABROWSER${name}`, secretAccessKey: `secret-${crypto.randomUUID()}`, sessionToken: `session-${crypto.randomUUID()}` };
    keys.set(key.accessKeyId, { secretAccessKey: key.secretAccessKey, sessionToken: key.sessionToken, expiresAt });
    return key;
  };
  const validUntil = Date.now() + 3 * 3_600_000;
  const pool = Array.from({ length: 40 }, (_, index) => make(String(index).padStart(4, '0'), validUntil));
  const expired = make('EXPIRED', Date.now() - 1);
  // The tests fake the page's clock up to 3 hours ahead; this process keeps the real one. S3's 15-minute
  // skew limit is tested in test/node/sandbox/sigv4.test.ts, with the gate's clock injected.
  const parts = partGate();
  const gate = await startS3Gate({ keys, maxSkewMs: 4 * 3_600_000, hold: (request) => parts.hold(request), fault: (request) => parts.fault(request) });
  project.provide('s3', { url: gate.url, pool, expired });
  const partControl = await servePartGate(parts, gate);
  project.provide('partGate', partControl.url);
  const redirector = await startRedirector();
  project.provide('redirector', redirector.url);
  const s3Redirector = await startS3Redirector();
  project.provide('s3Redirector', { url: s3Redirector.url, target: s3Redirector.target });
  return async () => {
    await partControl.stop();
    await s3Redirector.stop();
    await redirector.stop();
    await gate.stop();
  };
}
