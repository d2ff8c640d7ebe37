// Issue 24, point 8: a signed request never follows a redirect. A 307 to another origin would carry the
// session token and the body there, and putObject would report the upload done. Real loopback servers on
// two origins (test/support/s3-redirector.ts); the XMLHttpRequest path is in test/browser/fetch-entry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getObject, putObject, s3Folder, signedFetch } from '../../../src/entries/fetch';
import { DelegationClient } from '../../../src/index';
import { CLIENT_ID, DOMAIN, SECRET_ACCESS_KEY, SESSION_TOKEN, awsResult, delegationEndpoint, jsonResponse } from '../../support/delegation-endpoint';
import { startS3Redirector } from '../../support/s3-redirector';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';

const alice = makeIdToken({ sub: 'auth0|alice', exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });
let redirector: Awaited<ReturnType<typeof startS3Redirector>>;

beforeAll(async () => {
  redirector = await startS3Redirector();
});
afterAll(() => redirector.stop());

function setup() {
  server.use(delegationEndpoint(() => jsonResponse(awsResult(Date.now()))).handler);
  const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN });
  const s3fetch = signedFetch(client, { idToken: alice, region: 'us-east-1' });
  return { s3fetch, folder: (status: number) => s3Folder(s3fetch, { bucket: `r${status}`, folder: 'auth0|alice/', endpoint: redirector.url }) };
}

const failure = (promise: Promise<unknown>) => promise.then(() => 'ok', (error: { code?: string; status?: number }) => `${error.status} ${error.code}`);

describe('redirects are refused, never followed', () => {
  it.each([301, 302, 303, 307, 308])('a %i to another origin: putObject fails redirect_refused, and nothing reaches that origin', async (status) => {
    const { folder } = setup();
    const before = redirector.received.length;
    expect(await failure(putObject(folder(status), 'notes.txt', 'secret notes'))).toBe(`${status} redirect_refused`);
    expect(await failure(getObject(folder(status), 'notes.txt'))).toBe(`${status} redirect_refused`);
    expect(redirector.received.slice(before)).toEqual([]);
  });

  it('the message says what happened and names no token', async () => {
    const error = await putObject(setup().folder(307), 'notes.txt', 'x').catch((caught: Error) => caught);
    expect(error).toMatchObject({ name: 'DelegationError', code: 'redirect_refused', message: expect.stringContaining(`PUT ${redirector.url}/r307/auth0%7Calice/notes.txt answered a redirect`) });
    for (const secret of [SESSION_TOKEN, SECRET_ACCESS_KEY, alice]) expect(JSON.stringify(error) + (error as Error).message).not.toContain(secret);
  });

  it('control: a 200 from the same server is an upload done; a 304 Not Modified is an answer, not a redirect', async () => {
    const { folder, s3fetch } = setup();
    const before = redirector.received.length;
    expect(await putObject(folder(200), 'notes.txt', 'x')).toEqual({ etag: '"here"' });
    const notModified = await s3fetch(`${redirector.url}/r304/auth0%7Calice/notes.txt`, { headers: { 'if-none-match': '"here"' } });
    expect(notModified.status).toBe(304);
    expect(redirector.received.slice(before)).toEqual([]);
  });
});
