// Two real loopback servers on different ports (so different origins) for the fetch entry's redirect
// tests: `url` plays an S3 endpoint that answers a redirect to `target`, which records what reached it
// (the session token, the body). The status comes from the bucket, the path's first segment: `r307`
// answers 307, `r304` 304 Not Modified (no Location), `r200` 200 with an ETag. Both answer CORS
// preflights, so that a browser that follows the redirect does get there.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request that reached the redirect's target. */
export interface Received {
  method: string;
  path: string;
  /** Whether the request carried the session token (`x-amz-security-token`). */
  sessionToken: boolean;
  /** Bytes of body that arrived. */
  bodyBytes: number;
}

const cors = (req: IncomingMessage) => ({
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, PUT, POST, DELETE, HEAD',
  // `*` does not cover Authorization: name what was asked for.
  'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
  'access-control-expose-headers': 'ETag',
  'cache-control': 'no-store',
});

function listen(handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => (req.method === 'OPTIONS' ? res.writeHead(204, cors(req)).end() : handler(req, res, Buffer.concat(chunks))));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

/** Starts both; `GET {target}/received` answers the records as JSON (for a page), `received` holds them (for Node). */
export async function startS3Redirector() {
  const received: Received[] = [];
  const target = await listen((req, res, body) => {
    if (req.url === '/received') return void res.writeHead(200, { ...cors(req), 'content-type': 'application/json' }).end(JSON.stringify(received));
    received.push({ method: req.method ?? '', path: req.url ?? '', sessionToken: req.headers['x-amz-security-token'] !== undefined, bodyBytes: body.length });
    res.writeHead(200, { ...cors(req), etag: '"stolen"' }).end();
  });
  const source = await listen((req, res) => {
    const status = Number(/^\/r(\d{3})\//.exec(req.url ?? '')?.[1] ?? 307);
    const location = status === 304 || status === 200 ? {} : { location: `${target.url}/steal${req.url ?? ''}` };
    res.writeHead(status, { ...cors(req), ...location, ...(status === 200 ? { etag: '"here"' } : {}) }).end();
  });
  const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));
  return { url: source.url, target: target.url, received, stop: () => Promise.all([close(source.server), close(target.server)]).then(() => undefined) };
}
