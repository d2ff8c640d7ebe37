// Issue 11 in each engine (Chromium, Firefox ESR, WebKitGTK), with their real BroadcastChannel and Web
// Locks: clients in one page share as tabs do. Exchange settings separate caches (point 2), a clear wins
// over an in-flight answer (point 4), forged channel messages are ignored (point 5), a redirect is never
// followed (point 6: from msw's service worker, and from a real server in Node), and a deeply nested
// answer still crosses the channel (point 9). A really closed tab: test/e2e/tabs-closed.test.ts.
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { DelegationClient } from '../../src/index';
import type { DelegationClientOptions } from '../../src/index';
import { DOMAIN, ENDPOINT, awsResult, numberedAnswer } from '../support/delegation-endpoint';
import { recordChannels } from '../support/tab-channels';
import { makeIdToken } from '../support/tokens';
import { useWorker, worker } from './worker';
import { webIdentity } from '../../src/entries/web-identity';

useWorker();
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const HOUR = 3_600_000;
/** WebKitGTK (Safari's engine): an engine with no Chrome or Firefox token in its user agent. */
const IS_WEBKIT = /AppleWebKit/.test(navigator.userAgent) && !/Chrome|Firefox/.test(navigator.userAgent);
const idToken = makeIdToken({ exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });
const STS = 'https://sts.us-east-1.amazonaws.com/';

/** A client ID of this test's own, so that no client of another test shares with these. */
const freshClientId = () => `trust-${crypto.randomUUID()}`;

/** An endpoint handing out a new access key on every request (ASIAKEY0001, ...); the first may be held. */
function numberedEndpoint(hold?: Promise<void>) {
  let attempts = 0;
  worker.use(http.post(ENDPOINT, async () => {
    const attempt = ++attempts;
    if (attempt === 1 && hold) await hold;
    return numberedAnswer(attempt);
  }));
  return { attempts: () => attempts };
}

function stsAnswer(accessKeyId: string): Response {
  return new HttpResponse(
    '<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><SubjectFromWebIdentityToken>auth0|alice</SubjectFromWebIdentityToken>' +
      `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>sts-secret-0123456789</SecretAccessKey><SessionToken>sts-session-0123456789</SessionToken><Expiration>${new Date(Date.now() + HOUR).toISOString()}</Expiration></Credentials>` +
      '</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>',
    { headers: { 'content-type': 'text/xml' } },
  );
}

describe('exchange settings separate the tabs\' caches (point 2)', () => {
  const ROLE = 'arn:aws:iam::123456789012:role/role-a';
  const exchange = (roleArn: string) => webIdentity({ roleArn, region: 'us-east-1' });

  it.each<[string, Partial<DelegationClientOptions>, Partial<DelegationClientOptions>, number]>([
    ['another role: two STS requests, two keys', { exchange: exchange(ROLE) }, { exchange: exchange(`${ROLE}-b`) }, 2],
    ['delegation, then web identity: two requests, two keys', {}, { exchange: exchange(ROLE) }, 2],
    ['negative control, the same role: one request, one key', { exchange: exchange(ROLE) }, { exchange: exchange(ROLE) }, 1],
  ])('%s', async (_name, first, second, requests) => {
    const channels = recordChannels();
    const roles: (string | null)[] = [];
    worker.use(http.post(STS, async ({ request }) => {
      roles.push(new URLSearchParams(await request.text()).get('RoleArn'));
      return stsAnswer(`ASIASTS${roles.length}`);
    }));
    const delegation = numberedEndpoint();
    const clientID = freshClientId();
    const [a, b] = [{ clientID, domain: DOMAIN, ...first }, { clientID, domain: DOMAIN, ...second }].map((options) => new DelegationClient(options));
    await channels.opened(2);
    const keyA = (await a!.getCredentials({ idToken })).accessKeyId;
    await channels.answered();
    const keyB = (await b!.getCredentials({ idToken })).accessKeyId;
    expect(roles.length + delegation.attempts()).toBe(requests);
    expect(keyA === keyB).toBe(requests === 1);
  });
});

describe('sign-out in one tab wins over a request in flight in another (point 4)', () => {
  it.each([
    ['with a clear from another tab: nobody is served the signed-out answer', true],
    ['negative control, no clear: the answer is shared with every tab', false],
  ])('%s', async (_name, signOut) => {
    const channels = recordChannels();
    let release!: () => void;
    const endpoint = numberedEndpoint(new Promise((resolve) => (release = resolve)));
    const clientID = freshClientId();
    const [asking, other, third] = [0, 1, 2].map(() => new DelegationClient({ clientID, domain: DOMAIN, retries: 0 }));
    await channels.opened(3);
    const inFlight = asking!.getCredentials({ idToken });
    await expect.poll(() => endpoint.attempts()).toBe(1);
    if (signOut) other!.clearCache();
    await channels.settled();
    release();
    expect((await inFlight).accessKeyId).toBe('ASIAKEY0001');
    // Signed out, the asking tab shares nothing; otherwise, once it has shared its answer.
    await (signOut ? channels.settled() : channels.answered());
    for (const client of [third!, other!, asking!]) {
      const { accessKeyId } = await client.getCredentials({ idToken });
      expect(accessKeyId === 'ASIAKEY0001').toBe(!signOut);
      await channels.settled();
    }
  });
});

describe('forged channel messages are ignored (point 5)', () => {
  it.each<[string, (key: unknown, now: number) => unknown]>([
    ['no data', () => null],
    ['an entry whose value is null', (key) => ({ type: 'entry', key, loaded: { value: null, freshUntil: 8.64e15, expiresAt: 8.64e15 } })],
    ['a never-expiring entry', (key) => ({ type: 'entry', key, loaded: { value: { result: {}, credentials: { accessKeyId: 'ASIAFORGED', secretAccessKey: 's', sessionToken: 't', expiration: new Date(8.64e15), refreshAt: new Date(8.64e15) } }, freshUntil: Infinity, expiresAt: Infinity } })],
    ['a never-expiring entry (as text)', (key, now) => ({ type: 'entry', key, since: now, text: JSON.stringify(awsResult(now, HOUR, { Credentials: { AccessKeyId: 'ASIAFORGED', SecretAccessKey: 's-0123456789', SessionToken: 't-0123456789', Expiration: new Date(now + HOUR).toISOString() } })), freshUntil: 1e300, expiresAt: 1e300 })],
  ])('%s: the tab asks for itself and gets real credentials', async (_name, forge) => {
    const channels = recordChannels();
    const endpoint = numberedEndpoint();
    const clientID = freshClientId();
    const [first, second] = [0, 1].map(() => new DelegationClient({ clientID, domain: DOMAIN }));
    await channels.opened(2);
    await first!.getCredentials({ idToken });
    await channels.answered();
    const loading = channels.posted.find((message) => (message.data as { type?: string }).type === 'loading');
    expect(loading).toBeDefined();
    first!.clearCache();
    await channels.settled();
    await channels.forge(loading!.name, forge((loading!.data as { key: unknown }).key, Date.now()));
    expect((await second!.getCredentials({ idToken })).accessKeyId).toBe('ASIAKEY0002');
    expect(endpoint.attempts()).toBe(2);
  });

  it('no token in lock names, channel names or messages', async () => {
    const channels = recordChannels();
    const locks = vi.spyOn(navigator.locks, 'request');
    numberedEndpoint();
    const refreshToken = 'refresh-token-SECRET-0123456789abcdef';
    const client = new DelegationClient({ clientID: freshClientId(), domain: DOMAIN });
    await client.getCredentials({ idToken });
    await client.getCredentials({ refreshToken });
    await channels.answered(2);
    client.clearCache();
    const seen = JSON.stringify([channels.channelNames, locks.mock.calls.map((call) => call[0]), channels.posted]);
    expect(locks).toHaveBeenCalled();
    for (const secret of [refreshToken, idToken, idToken.split('.')[1]!]) expect(seen).not.toContain(secret);
  });
});

describe('an answer a tab did not ask for is not taken (issue 24, point 12)', () => {
  it('a forged entry under a key read from a loading message does not replace the real one in the tabs that have not asked', async () => {
    const channels = recordChannels();
    const endpoint = numberedEndpoint();
    const clientID = freshClientId();
    const [first, second, third] = [0, 1, 2].map(() => new DelegationClient({ clientID, domain: DOMAIN }));
    await first!.getCredentials({ idToken });
    await channels.answered();
    const loading = channels.posted.find((message) => (message.data as { type?: string }).type === 'loading');
    const now = Date.now();
    const text = JSON.stringify(awsResult(now, HOUR, { Credentials: { AccessKeyId: 'ASIAFORGED', SecretAccessKey: 'forged-secret-0123456789', SessionToken: 'forged-session-0123456789', Expiration: new Date(now + HOUR).toISOString() }, Subject: 'auth0|mallory', IdentityId: 'us-east-1:mallory' }));
    await channels.forge(loading!.name, { type: 'entry', key: (loading!.data as { key: unknown }).key, since: now + 1, text, freshUntil: now + HOUR / 2, expiresAt: now + HOUR });
    // Each asks a tab that holds the real answer for a copy.
    for (const client of [third!, second!]) expect((await client.getCredentials({ idToken })).accessKeyId).toBe('ASIAKEY0001');
    expect(endpoint.attempts()).toBe(1);
  });
});

describe('requests and answers in the browser (points 6 and 9)', () => {
  it('a 307 to another origin is not followed: redirect_refused, and the collector sees nothing', async () => {
    const collected: string[] = [];
    worker.use(
      http.post(ENDPOINT, () => new HttpResponse(null, { status: 307, headers: { location: 'https://collector.example/steal' } })),
      http.post('https://collector.example/steal', async ({ request }) => {
        collected.push(await request.text());
        return HttpResponse.json(awsResult(Date.now()));
      }),
    );
    const client = new DelegationClient({ clientID: freshClientId(), domain: DOMAIN, retries: 0 });
    // WebKit refuses a redirect that a service worker hands a `redirect: 'manual'` fetch with a network
    // error of its own (Chromium and Firefox hand the page an opaque redirect): the redirect is not
    // followed either way. A redirect from the network is redirect_refused in every engine (next test).
    await expect(client.getCredentials({ idToken })).rejects.toMatchObject({ code: IS_WEBKIT ? 'network_error' : 'redirect_refused' });
    expect(collected).toEqual([]);
  });

  it('a 307 from a real server is not followed: redirect_refused, and its /steal sees nothing', async () => {
    const redirector = inject('redirector');
    const client = new DelegationClient({ clientID: freshClientId(), domain: redirector, retries: 0 });
    await expect(client.getCredentials({ idToken })).rejects.toMatchObject({ code: 'redirect_refused', status: 0 });
    expect(await (await fetch(`${redirector}/followed`)).text()).toBe('0');
  });

  it('negative control: the redirector\'s /steal counts a request that reaches it', async () => {
    const redirector = inject('redirector');
    const before = Number(await (await fetch(`${redirector}/followed`)).text());
    await fetch(`${redirector}/delegation`, { method: 'POST', body: 'x=1' });
    expect(Number(await (await fetch(`${redirector}/followed`)).text())).toBe(before + 1);
  });

  it('web identity: a 307 from STS is not followed either, and the collector sees nothing', async () => {
    const collected: string[] = [];
    worker.use(
      http.post(STS, () => new HttpResponse(null, { status: 307, headers: { location: 'https://collector.example/sts' } })),
      http.post('https://collector.example/sts', async ({ request }) => {
        collected.push(await request.text());
        return stsAnswer('ASIASTOLEN');
      }),
    );
    const client = new DelegationClient({ clientID: freshClientId(), domain: DOMAIN, retries: 0, exchange: webIdentity({ roleArn: 'arn:aws:iam::123456789012:role/r', region: 'us-east-1' }) });
    await expect(client.getCredentials({ idToken })).rejects.toMatchObject({ name: 'DelegationError' });
    expect(collected).toEqual([]);
  });

  it('a 40 KB deeply nested extra field: credentials are served and shared with the other tab', async () => {
    const channels = recordChannels();
    let attempts = 0;
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    worker.use(http.post(ENDPOINT, () => {
      attempts++;
      return new HttpResponse(JSON.stringify(awsResult(Date.now())).replace(/}$/, `,"extra":${deep}}`), { headers: { 'content-type': 'application/json', date: new Date().toUTCString() } });
    }));
    const clientID = freshClientId();
    const [first, second] = [0, 1].map(() => new DelegationClient({ clientID, domain: DOMAIN }));
    await channels.opened(2);
    const credentials = await first!.getCredentials({ idToken });
    await channels.answered();
    expect(await second!.getCredentials({ idToken })).toEqual(credentials);
    expect(Array.isArray((await second!.getDelegationToken({ id_token: idToken, api: 'aws' }))['extra'])).toBe(true);
    expect(attempts).toBe(1);
  });
});
