// @ts-check
// Small HTTP helpers for the sandbox's servers: bounded bodies, JSON answers, CORS, static files.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const MAX_BODY_BYTES = 64 * 1024;
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png' };

/**
 * Reads a request body up to 64 KB; resolves to undefined when it is larger.
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<string | undefined>}
 */
export function readBody(req) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    req.on('data', (/** @type {Buffer} */ chunk) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body @param {Record<string, string>} [headers] */
export function sendJson(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers }).end(text);
}

/** @param {import('node:http').ServerResponse} res @param {number} status @param {string} html */
export function sendHtml(res, status, html) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), 'cache-control': 'no-store' }).end(html);
}

/**
 * CORS for the allowed origins on the sandbox's Auth0 endpoints; answers preflights itself.
 * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {string[]} allowedOrigins
 * @returns {boolean} true when the request was a preflight and has been answered
 */
export function cors(req, res, allowedOrigins) {
  const origin = req.headers.origin;
  if (origin !== undefined && allowedOrigins.includes(origin)) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-expose-headers', 'Date, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset');
    res.setHeader('vary', 'Origin');
  }
  if (req.method !== 'OPTIONS') return false;
  // Whatever headers the caller's SDK adds (the AWS SDK sends x-amz-user-agent and amz-sdk-*), as STS does.
  const headers = req.headers['access-control-request-headers'] ?? 'content-type';
  res.writeHead(204, { 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': headers, 'access-control-max-age': '600' }).end();
  return true;
}

/**
 * A request listener that never lets an error out: a thrown or rejected handler answers through
 * `onError` (or, once the head is out, has its connection closed), so one bad request cannot end the
 * process and the servers in it.
 * @param {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => unknown} handler
 * @param {(res: import('node:http').ServerResponse) => void} onError answers 500 in the server's own shape
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void}
 */
export function guarded(handler, onError) {
  return (req, res) => {
    Promise.resolve()
      .then(() => handler(req, res))
      .catch(() => {
        req.resume();
        if (res.headersSent) res.destroy();
        else onError(res);
      });
  };
}

/**
 * The path and query of a request target, or undefined when it is not an origin-form URL.
 * @param {import('node:http').IncomingMessage} req
 */
export function requestUrl(req) {
  const target = req.url ?? '';
  if (!target.startsWith('/') || target.startsWith('//')) return undefined;
  try {
    return new URL(target, 'http://sandbox');
  } catch {
    return undefined;
  }
}

/**
 * Serves a file below `root` (no escaping it with ..): 404 when there is none, 400 for a path that
 * does not decode.
 * @param {import('node:http').ServerResponse} res @param {string} root @param {string} path
 */
export async function sendFile(res, root, path) {
  let decoded;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return sendHtml(res, 400, 'Bad request');
  }
  const file = normalize(join(root, decoded));
  if (!file.startsWith(root + sep) && file !== root) return sendHtml(res, 404, 'Not found');
  try {
    const content = await readFile(file);
    res.writeHead(200, { 'content-type': TYPES[/** @type {keyof typeof TYPES} */ (extname(file))] ?? 'application/octet-stream', 'content-length': content.length, 'cache-control': 'no-cache' }).end(content);
  } catch {
    sendHtml(res, 404, 'Not found');
  }
}
