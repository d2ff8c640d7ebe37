// What Node's fetch hands back is handed on as it came: a status line no `new Response` accepts (a status
// past 599, a reason phrase with control characters, or past Latin-1: Node decodes it as UTF-8) is still
// the server's answer, not a network error. A raw HTTP/1.1 server on loopback writes the exact bytes.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DelegationClient } from '../../../src/index';
import { awsResult } from '../../support/delegation-endpoint';
import { makeIdToken } from '../../support/tokens';

const idToken = makeIdToken({ exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });
const servers: net.Server[] = [];
afterEach(() => servers.splice(0).forEach((server) => server.close()));

/** A server that answers every request with `statusLine` (raw bytes) and `body`; counts requests. */
async function rawServer(statusLine: Buffer, body: string) {
  let requests = 0;
  const server = net.createServer((socket) => socket.once('data', () => {
    requests += 1;
    socket.end(Buffer.concat([statusLine, Buffer.from(`\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\ndate: ${new Date().toUTCString()}\r\nconnection: close\r\n\r\n${body}`)]));
  }));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { domain: `http://127.0.0.1:${port}`, requests: () => requests };
}

const credentials = JSON.stringify(awsResult(Date.now()));
const outcome = (promise: Promise<unknown>) => promise.then((value) => ({ ok: value }), (error: unknown) => error);

describe('a status line no Response can be made with', () => {
  it('control: 200 OK answers credentials', async () => {
    const { domain } = await rawServer(Buffer.from('HTTP/1.1 200 OK'), credentials);
    const client = new DelegationClient({ clientID: 'c', domain, retries: 0, shareAcrossTabs: false });
    expect(await outcome(client.getCredentials({ idToken }))).toMatchObject({ ok: { accessKeyId: 'ASIAEXAMPLEKEY000001' } });
  });

  it('200 with a UTF-8 reason phrase past Latin-1 ("OK ✓") answers credentials', async () => {
    const { domain } = await rawServer(Buffer.from('HTTP/1.1 200 OK \u2713'), credentials);
    const client = new DelegationClient({ clientID: 'c', domain, retries: 0, shareAcrossTabs: false });
    expect(await outcome(client.getCredentials({ idToken }))).toMatchObject({ ok: { accessKeyId: 'ASIAEXAMPLEKEY000001' } });
  });

  it('503 with a Latin-1 reason phrase (Node decodes it as UTF-8: U+FFFD) is server_error 503', async () => {
    const line = Buffer.concat([Buffer.from('HTTP/1.1 503 Service indisponible, r'), Buffer.from([0xe9]), Buffer.from('essayez')]);
    const server = await rawServer(line, '{"error":"temporarily_unavailable"}');
    const client = new DelegationClient({ clientID: 'c', domain: server.domain, retries: 0, shareAcrossTabs: false });
    expect(await outcome(client.getCredentials({ idToken }))).toMatchObject({ code: 'temporarily_unavailable', status: 503 });
    expect(server.requests()).toBe(1);
  });

  it('a status past 599 (Node passes 600 on) is server_error 600, as before', async () => {
    const server = await rawServer(Buffer.from('HTTP/1.1 600 Odd'), '{}');
    const client = new DelegationClient({ clientID: 'c', domain: server.domain, retries: 0, shareAcrossTabs: false });
    expect(await outcome(client.getCredentials({ idToken }))).toMatchObject({ code: 'server_error', status: 600 });
  });

  it('200 with a control character in the reason phrase answers credentials', async () => {
    const { domain } = await rawServer(Buffer.from('HTTP/1.1 200 OK\x01'), credentials);
    const client = new DelegationClient({ clientID: 'c', domain, retries: 0, shareAcrossTabs: false });
    expect(await outcome(client.getCredentials({ idToken }))).toMatchObject({ ok: { accessKeyId: 'ASIAEXAMPLEKEY000001' } });
  });
});
