// Issue 24, point 11: a request's abortSignal while the provider waits for a hung idToken function. The
// AWS SDK hands a credential provider no signal. With the recovery plugin, the aborted request fails at
// once (`aborted`), and the next request must not join the call it left behind (it used to, and failed
// `timeout` with it). Without the plugin nothing can see the signal: what happens is pinned down here,
// as the README says it. The same holds for the wait for new credentials after S3 refused a request's
// keys (the plugin's refresh): it used to ignore the abort. Against the verifying S3, counting what reaches it.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client, ServiceInputTypes, ServiceOutputTypes } from '@aws-sdk/client-s3';
import type { SerializeMiddleware } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startS3Gate } from '../../../sandbox/s3-gate.mjs';
import { DelegationClient, fromDelegation, getExpiredTokenRecoveryPlugin } from '../../../src/index';
import { CLIENT_ID, DOMAIN } from '../../support/delegation-endpoint';
import { untilOnRealTime } from '../../support/fake-time';
import { issuingEndpoint } from '../../support/issuer';
import { s3Client } from '../../support/s3';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';

const alice = makeIdToken({ sub: 'auth0|alice', exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });
let gate: Awaited<ReturnType<typeof startS3Gate>>;

beforeAll(async () => {
  gate = await startS3Gate({ authorize: () => true });
});
afterAll(() => gate.stop());

const put = (s3: S3Client, key: string, abortSignal?: AbortSignal) => s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: key, Body: 'x' }), abortSignal ? { abortSignal } : {});
const outcome = (promise: Promise<unknown>) => promise.then(() => 'ok', (error: { name?: string; code?: string }) => error.code ?? error.name ?? 'error');

/**
 * An S3Client whose idToken function hangs on its first call until `finish` settles it (with a token,
 * or failing); later calls answer at once. `asking` counts requests that reached the AWS SDK's
 * credential step (a middleware just before it).
 */
function setup({ plugin, timeoutMs = 600_000 }: { plugin: boolean; timeoutMs?: number }) {
  server.use(issuingEndpoint({ keys: gate.keys }).handler);
  const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, timeoutMs });
  let calls = 0;
  let finish!: { resolve: (token: string) => void; reject: (error: Error) => void };
  const hung = new Promise<string>((resolve, reject) => (finish = { resolve, reject }));
  const s3 = s3Client(gate.url, fromDelegation(client, { idToken: () => (++calls === 1 ? hung : alice) }));
  if (plugin) s3.middlewareStack.use(getExpiredTokenRecoveryPlugin(s3.config));
  let asking = 0;
  const counting: SerializeMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next) => (args) => (asking++, next(args));
  s3.middlewareStack.addRelativeTo(counting, { relation: 'before', toMiddleware: 'httpAuthSchemeMiddleware', name: 'countAsking' });
  return { s3, calls: () => calls, asking: () => asking, finish };
}

/** Waits until `count` requests have reached the credential step, then until they have asked (promise jobs only, no I/O, in between). */
async function untilAsked(asking: () => number, count: number): Promise<void> {
  await untilOnRealTime(() => asking() >= count);
  await new Promise((resolve) => setImmediate(resolve));
}

describe('with the recovery plugin', () => {
  it('an aborted request fails at once, and the next request asks the idToken function itself instead of joining the hung call', async () => {
    const { s3, calls, asking, finish } = setup({ plugin: true });
    const controller = new AbortController();
    const before = gate.stats.requests;
    const first = outcome(put(s3, 'auth0|alice/abort-1.txt', controller.signal));
    await untilOnRealTime(() => calls() === 1);
    controller.abort();
    expect(await first).toBe('aborted');
    const second = outcome(put(s3, 'auth0|alice/abort-2.txt'));
    await untilAsked(asking, 2);
    // The hung call ends the way a timeout would end it. A request that joined it fails with it.
    finish.reject(new Error('sign-in popup closed'));
    expect(await second).toBe('ok');
    expect(gate.stats.requests).toBe(before + 1);
  });

  it('control: a request that was not aborted, waiting with the hung call, still gets its answer when the call ends', async () => {
    const { s3, calls, finish } = setup({ plugin: true });
    const first = outcome(put(s3, 'auth0|alice/abort-3.txt'));
    await untilOnRealTime(() => calls() === 1);
    finish.resolve(alice);
    expect(await first).toBe('ok');
  });
});

describe('with the recovery plugin, while new credentials are fetched after S3 refused the first', () => {
  /**
   * An S3Client whose keys the gate has forgotten after one request: the next request is refused
   * (InvalidAccessKeyId), and from then on the idToken function hangs until `finish` (the plugin's
   * refresh waits on it). `hung` says it has been called so.
   */
  async function refusedThenHung() {
    const endpoint = issuingEndpoint({ keys: gate.keys });
    server.use(endpoint.handler);
    const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, timeoutMs: 600_000 });
    let refusedBefore = Number.POSITIVE_INFINITY;
    let hung = false;
    let finish!: (token: string) => void;
    const held = new Promise<string>((resolve) => (finish = resolve));
    const refused = () => gate.stats.rejected['InvalidAccessKeyId'] ?? 0;
    const s3 = s3Client(gate.url, fromDelegation(client, { idToken: () => (refused() > refusedBefore ? ((hung = true), held) : alice) }));
    s3.middlewareStack.use(getExpiredTokenRecoveryPlugin(s3.config));
    expect(await outcome(put(s3, 'auth0|alice/refused-0.txt'))).toBe('ok');
    refusedBefore = refused();
    gate.keys.clear();
    return { s3, endpoint, hung: () => hung, finish };
  }

  it('an abort ends that wait at once (aborted); the refresh goes on for the next request', async () => {
    const { s3, endpoint, hung, finish } = await refusedThenHung();
    const controller = new AbortController();
    let settled = false;
    const first = outcome(put(s3, 'auth0|alice/refused-1.txt', controller.signal)).finally(() => (settled = true));
    await untilOnRealTime(hung);
    controller.abort();
    // Promise jobs only between the abort and the answer: no I/O, no timer.
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(true);
    finish(alice);
    expect(await first).toBe('aborted');
    expect(await outcome(put(s3, 'auth0|alice/refused-2.txt'))).toBe('ok');
    expect(endpoint.requests).toHaveLength(2);
  });

  it('control: not aborted, the request waits for the new credentials and is sent again with them', async () => {
    const { s3, endpoint, hung, finish } = await refusedThenHung();
    const before = gate.stats.requests;
    let settled = false;
    const first = outcome(put(s3, 'auth0|alice/refused-3.txt')).finally(() => (settled = true));
    await untilOnRealTime(hung);
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    finish(alice);
    expect(await first).toBe('ok');
    expect(gate.stats.requests).toBe(before + 2);
    expect(endpoint.requests).toHaveLength(2);
  });
});

describe('without the plugin (the AWS SDK gives a provider no signal: documented, README "The idToken function")', () => {
  it('the aborted request waits for the idToken function; once it answers, the AWS SDK refuses to send (AbortError), nothing reaches S3', async () => {
    const { s3, calls, finish } = setup({ plugin: false });
    const controller = new AbortController();
    const before = gate.stats.requests;
    let settled = false;
    const first = outcome(put(s3, 'auth0|alice/abort-4.txt', controller.signal)).finally(() => (settled = true));
    await untilOnRealTime(() => calls() === 1);
    controller.abort();
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    finish.resolve(alice);
    expect(await first).toBe('AbortError');
    expect(gate.stats.requests).toBe(before);
  });

  it('the aborted request waits until the client\'s timeoutMs when the function never answers (timeout)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { s3, calls } = setup({ plugin: false, timeoutMs: 2_000 });
    const controller = new AbortController();
    const first = outcome(put(s3, 'auth0|alice/abort-5.txt', controller.signal));
    await untilOnRealTime(() => calls() === 1);
    controller.abort();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await first).toBe('timeout');
  });

  it('a request sent after the abort does not join the hung call either: it asks the function itself', async () => {
    const { s3, calls, asking, finish } = setup({ plugin: false });
    const controller = new AbortController();
    const first = outcome(put(s3, 'auth0|alice/abort-6.txt', controller.signal));
    await untilOnRealTime(() => calls() === 1);
    controller.abort();
    const second = outcome(put(s3, 'auth0|alice/abort-7.txt'));
    await untilAsked(asking, 2);
    finish.reject(new Error('sign-in popup closed'));
    expect(await second).toBe('ok');
    expect(await first).toBe('missing_token');
  });
});
