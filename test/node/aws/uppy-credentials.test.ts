// uppyCredentials on its own (msw only): its options, Uppy's answer shape (assignable to @uppy/aws-s3's
// own option type), a second call taken as S3's refusal, and the abort signal. The bridge with the real
// @uppy/aws-s3 against the verifying S3 is test/e2e/uppy-bridge.test.ts.
import type { AwsS3Options } from '@uppy/aws-s3';
import type { Body, Meta } from '@uppy/core';
import { HttpResponse, http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { DelegationClient, uppyCredentials } from '../../../src/index';
import type { UppyCredentialsInit } from '../../../src/index';
import { CLIENT_ID, DOMAIN, ENDPOINT, SECRET_ACCESS_KEY, SESSION_TOKEN, awsResult, delegationEndpoint, jsonResponse } from '../../support/delegation-endpoint';
import { UNTIL_HUNG } from '../../support/fake-time';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';

const alice = makeIdToken({ sub: 'auth0|alice', exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });

/** An endpoint that hands out a new key on each request. */
function setup() {
  const endpoint = delegationEndpoint((_request, attempt) => jsonResponse(awsResult(Date.now(), 3_600_000, {
    Credentials: { AccessKeyId: `ASIAKEY${attempt}`, SecretAccessKey: SECRET_ACCESS_KEY, SessionToken: SESSION_TOKEN, Expiration: new Date(Date.now() + 3_600_000).toISOString() },
  })));
  server.use(endpoint.handler);
  return { endpoint, client: new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, retries: 0, shareAcrossTabs: false }) };
}

describe('uppyCredentials(client, init)', () => {
  it.each<[string, unknown]>([
    ['no init', undefined],
    ['no region', { idToken: alice }],
    ['an empty region', { idToken: alice, region: '' }],
    ['no idToken', { region: 'us-east-1' }],
    ['an unknown option', { idToken: alice, region: 'us-east-1', bucket: 'uploads' }],
  ])('throws invalid_configuration at once for %s', (_name, init) => {
    const { client } = setup();
    expect(() => uppyCredentials(client, init as UppyCredentialsInit)).toThrow(expect.objectContaining({ code: 'invalid_configuration' }));
  });

  it('answers in Uppy\'s shape: the keys, the region, and the client\'s refreshAt as the time to ask again', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-06T12:00:00Z'), toFake: ['Date'] });
    const { client, endpoint } = setup();
    const answer = await uppyCredentials(client, { idToken: alice, region: 'eu-west-1' })();
    const cached = await client.getCredentials({ idToken: alice });
    expect(answer).toEqual({
      credentials: { accessKeyId: 'ASIAKEY1', secretAccessKey: SECRET_ACCESS_KEY, sessionToken: SESSION_TOKEN, expiration: cached.refreshAt.toISOString() },
      region: 'eu-west-1',
    });
    // Before the credentials' own end (the AWS SDK's view would be 4 minutes from now: not Uppy's).
    expect(Date.parse(answer.credentials.expiration)).toBeLessThan(+cached.expiration);
    expect(Date.parse(answer.credentials.expiration)).toBeGreaterThan(Date.now() + 10 * 60_000);
    expect(endpoint.requests).toHaveLength(1);
  });

  it('takes a second call as S3\'s refusal of the first keys: they are dropped and new ones asked for', async () => {
    const { client, endpoint } = setup();
    const getCredentials = uppyCredentials(client, { idToken: alice, region: 'us-east-1' });
    const first = await getCredentials();
    const second = await getCredentials();
    expect([first.credentials.accessKeyId, second.credentials.accessKeyId]).toEqual(['ASIAKEY1', 'ASIAKEY2']);
    expect(endpoint.requests).toHaveLength(2);
    // The client no longer serves the refused key to anyone else either.
    expect((await client.getCredentials({ idToken: alice })).accessKeyId).toBe('ASIAKEY2');
  });

  // Known limit, not fixed: Uppy 6.3 passes no key to getCredentials, so a call cannot say which key S3
  // refused. Parts in flight with ASIAKEY1 that are refused one after another call again after the first
  // recovery answered ASIAKEY2, and that call drops ASIAKEY2, a good key: one delegation request per
  // late refusal (bounded by the requests in flight; no key is served after its refusal, nothing fails).
  // Telling them apart would need Uppy to pass the refused key (or a heuristic on a key's age).
  it.fails('a late refusal of the first key (a second part signed with it) keeps the second key', async () => {
    const { client, endpoint } = setup();
    const getCredentials = uppyCredentials(client, { idToken: alice, region: 'us-east-1' });
    await getCredentials();
    // Part 1, then part 2 (both signed with ASIAKEY1) refused with ExpiredToken: Uppy clears and calls again each time.
    const afterPart1 = await getCredentials();
    const afterPart2 = await getCredentials();
    expect([afterPart1.credentials.accessKeyId, afterPart2.credentials.accessKeyId]).toEqual(['ASIAKEY2', 'ASIAKEY2']);
    expect(endpoint.requests).toHaveLength(2);
  });

  it('control: the five-line alternative (the client\'s credentials in Uppy\'s shape) hands the refused key back', async () => {
    const { client, endpoint } = setup();
    const fiveLines = async () => {
      const credentials = await client.getCredentials({ idToken: alice });
      const { accessKeyId, secretAccessKey, sessionToken, expiration } = credentials;
      return { credentials: { accessKeyId, secretAccessKey, sessionToken, expiration: expiration.toISOString() }, region: 'us-east-1' };
    };
    const first = await fiveLines();
    // Uppy calls again after S3 refused the keys (ExpiredToken before their time: a clock off, a revoked session):
    expect((await fiveLines()).credentials.accessKeyId).toBe(first.credentials.accessKeyId);
    expect(endpoint.requests).toHaveLength(1);
  });

  it('control: concurrent first calls (Uppy\'s parallel requests) share one request, and another bridge refuses nothing', async () => {
    const { client, endpoint } = setup();
    const getCredentials = uppyCredentials(client, { idToken: alice, region: 'us-east-1' });
    const answers = await Promise.all([getCredentials(), getCredentials(), uppyCredentials(client, { idToken: alice, region: 'us-east-1' })()]);
    expect(answers.map((answer) => answer.credentials.accessKeyId)).toEqual(['ASIAKEY1', 'ASIAKEY1', 'ASIAKEY1']);
    expect(endpoint.requests).toHaveLength(1);
  });

  it('ends with aborted when the signal fires while the endpoint has not answered; an aborted signal sends nothing', async () => {
    let answer: (() => void) | undefined;
    const requests: string[] = [];
    server.use(http.post(ENDPOINT, async () => {
      requests.push('delegation');
      await new Promise<void>((resolve) => (answer = resolve));
      return HttpResponse.json(awsResult(Date.now()));
    }));
    const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, retries: 0, shareAcrossTabs: false });
    const getCredentials = uppyCredentials(client, { idToken: alice, region: 'us-east-1' });
    const gone = new AbortController();
    gone.abort();
    await expect(getCredentials({ signal: gone.signal })).rejects.toMatchObject({ code: 'aborted' });
    expect(requests).toEqual([]);

    const controller = new AbortController();
    const waiting = getCredentials({ signal: controller.signal });
    const other = getCredentials();
    await vi.waitFor(() => expect(requests).toHaveLength(1), UNTIL_HUNG);
    controller.abort(new Error('the upload was cancelled'));
    const error = await waiting.catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'aborted', name: 'DelegationError' });
    expect(JSON.stringify(error)).not.toContain(alice);
    // Control: the request goes on for the caller that did not abort.
    answer?.();
    expect((await other).credentials.accessKeyId).toBe('ASIAEXAMPLEKEY000001');
  });

  it('a call that ended with aborted handed Uppy nothing: the next call is a first call, not a refusal of those keys', async () => {
    let answer: (() => void) | undefined;
    const { client, endpoint } = setup();
    const held = delegationEndpoint(async (_request, attempt) => {
      if (attempt === 1) await new Promise<void>((resolve) => (answer = resolve));
      return jsonResponse(awsResult(Date.now(), 3_600_000, {
        Credentials: { AccessKeyId: `ASIAHELD${attempt}`, SecretAccessKey: SECRET_ACCESS_KEY, SessionToken: SESSION_TOKEN, Expiration: new Date(Date.now() + 3_600_000).toISOString() },
      }));
    });
    server.use(held.handler);
    const getCredentials = uppyCredentials(client, { idToken: alice, region: 'us-east-1' });
    const controller = new AbortController();
    const waiting = getCredentials({ signal: controller.signal });
    await vi.waitFor(() => expect(held.requests).toHaveLength(1), UNTIL_HUNG);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'aborted' });
    answer?.();
    // The request goes on and its answer is cached (a macrotask later, the aborted call's chain has settled too).
    expect((await client.getCredentials({ idToken: alice })).accessKeyId).toBe('ASIAHELD1');
    await new Promise((resolve) => setTimeout(resolve, 0));
    // Uppy starts over (its cache stayed empty): the keys the aborted call never handed over are still good.
    expect((await getCredentials()).credentials.accessKeyId).toBe('ASIAHELD1');
    expect(held.requests).toHaveLength(1);
    // Control: once handed over, a further call is a refusal (a new key, a new request).
    expect((await getCredentials()).credentials.accessKeyId).toBe('ASIAHELD2');
    expect(held.requests).toHaveLength(2);
    expect(endpoint.requests).toHaveLength(0);
  });

  it('fails with cache_cleared when a sign-out (clearCache) happens while it waits', async () => {
    const { client } = setup();
    let hand: (token: string) => void = () => undefined;
    const getCredentials = uppyCredentials(client, { idToken: () => new Promise<string>((resolve) => (hand = resolve)), region: 'us-east-1' });
    const waiting = getCredentials();
    client.clearCache();
    hand(alice);
    await expect(waiting).rejects.toMatchObject({ code: 'cache_cleared' });
  });

  it('is what @uppy/aws-s3 6 takes as getCredentials (a type check: the SDK itself never imports Uppy)', () => {
    const { client } = setup();
    const options: AwsS3Options<Meta, Body> = { s3Endpoint: 'https://uploads.s3.us-east-1.amazonaws.com', getCredentials: uppyCredentials(client, { idToken: alice, region: 'us-east-1' }) };
    expect(typeof (options as { getCredentials: unknown }).getCredentials).toBe('function');
  });
});
