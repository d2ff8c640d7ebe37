// Issue 24, point 6: while the sandbox starts (its RS256 key, the templates, S3), its app and Auth0
// ports already listen. A connection made then is answered 503 at once, never held until Node's request
// timeout. The `beforeReady` hook pauses the start between listening and serving, so nothing here
// depends on how fast the machine is.
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../sandbox/server.mjs';
import { rawRequest, requestBytes } from '../../support/raw-http';
import type { RawAnswer } from '../../support/raw-http';

let sandbox: Awaited<ReturnType<typeof startSandbox>> | undefined;
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

/** GET `path` on the origin's port over a bare socket (rawRequest fails on a connection held 30 s). */
const get = (origin: string, path: string) => {
  const { port, host } = new URL(origin);
  return rawRequest(Number(port), requestBytes('GET', path, [['host', host]]), { timeoutMs: 30_000 });
};

describe('a port of a starting sandbox', () => {
  it('answers 503 with Retry-After on the app and Auth0 ports before they serve; then 200', async () => {
    const during: RawAnswer[] = [];
    let origins: { appOrigin: string; authOrigin: string } | undefined;
    sandbox = await startSandbox({
      appPort: 0,
      authPort: 0,
      s3Port: 0,
      beforeReady: async (listening) => {
        origins = listening;
        during.push(await get(listening.appOrigin, '/s3-uploader/'), await get(listening.authOrigin, '/.well-known/jwks.json'));
      },
    });
    expect(during.map((answer) => [answer.status, answer.headers['retry-after']])).toEqual([[503, '1'], [503, '1']]);
    // Control: the same requests once the sandbox has started.
    expect((await get(origins!.appOrigin, '/s3-uploader/')).status).toBe(200);
    expect((await get(origins!.authOrigin, '/.well-known/jwks.json')).status).toBe(200);
  });

  it('a hook that fails ends the start with its error and frees the ports', async () => {
    let origins: { appOrigin: string; authOrigin: string } | undefined;
    const failure = new Error('stop here');
    await expect(startSandbox({ appPort: 0, authPort: 0, s3Port: 0, beforeReady: (listening) => {
      origins = listening;
      throw failure;
    } })).rejects.toBe(failure);
    // Nothing listens there any more: the connection is refused, no status comes back.
    expect((await get(origins!.appOrigin, '/')).status).toBeUndefined();
    expect((await get(origins!.authOrigin, '/')).status).toBeUndefined();
  });
});
