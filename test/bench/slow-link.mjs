// @ts-check
// A local HTTP proxy that makes the loopback look like a network: every answer (preflights included)
// waits `latencyMs` before it goes back, and request bodies (the upload direction) share one link of
// `upMbps` megabits per second, first come first served, across every connection. The Host header goes
// through unchanged: SigV4 signs it, and the verifying S3 behind checks the signature against it.
import { Agent, createServer, request } from 'node:http';
import { Transform } from 'node:stream';

/**
 * One upload link shared by all connections: a chunk leaves when the link has carried everything before
 * it at `upMbps`. @param {number | undefined} upMbps
 */
function uploadLink(upMbps) {
  let freeAt = 0;
  const bytesPerMs = upMbps === undefined ? Infinity : (upMbps * 1_000_000) / 8 / 1000;
  return () =>
    new Transform({
      transform(chunk, _encoding, callback) {
        if (bytesPerMs === Infinity) return callback(null, chunk);
        const now = performance.now();
        freeAt = Math.max(now, freeAt) + /** @type {Buffer} */ (chunk).length / bytesPerMs;
        setTimeout(() => callback(null, chunk), Math.max(0, freeAt - now));
      },
    });
}

/**
 * Starts the proxy on a loopback port in front of `target` (an http origin).
 * @param {{ target: string, latencyMs: number, upMbps?: number }} options
 * @returns {Promise<{ url: string, close(): void }>}
 */
export async function startSlowLink({ target, latencyMs, upMbps }) {
  const { hostname, port } = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const link = uploadLink(upMbps);
  const server = createServer((req, res) => {
    const upstream = request({ host: hostname, port, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
      setTimeout(() => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      }, latencyMs);
    });
    upstream.on('error', () => res.destroy());
    // A client that gave up (an aborted upload) ends the request behind it too.
    res.on('close', () => void (res.writableFinished || upstream.destroy()));
    req.on('error', () => upstream.destroy());
    req.pipe(link()).pipe(upstream);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
      agent.destroy();
    },
  };
}
