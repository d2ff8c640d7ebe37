// HTTP/1.1 over a bare TCP socket: the request goes out byte for byte as written (no URL normalisation
// by fetch, no msw interception), and the answer is read until the server closes the connection.
import { connect } from 'node:net';

export interface RawAnswer {
  /** The status code, or undefined when the server closed the connection without answering. */
  status: number | undefined;
  headers: Record<string, string>;
  body: string;
}

/** The request bytes: request line, headers, `connection: close`, and a body framed by content-length. */
export function requestBytes(method: string, target: string, headers: [string, string][], body: Buffer = Buffer.alloc(0)): Buffer {
  const lines = [`${method} ${target} HTTP/1.1`, ...headers.map(([name, value]) => `${name}: ${value}`), 'connection: close'];
  if (body.length > 0 || ['PUT', 'POST'].includes(method)) lines.push(`content-length: ${body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

/**
 * Writes `bytes` to 127.0.0.1:port and resolves with the parsed answer once the server closes the
 * socket. `halfClose` ends the client's side right after writing (a request cut short).
 * The timeout only catches a server that hangs; it is far above any answer time.
 */
export function rawRequest(port: number, bytes: Buffer, { halfClose = false, timeoutMs = 30_000 } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer from port ${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => (halfClose ? socket.end(bytes) : socket.write(bytes)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined); // a reset after the answer is a close like any other
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseAnswer(Buffer.concat(chunks)));
    });
  });
}

/** Status, headers (last value wins) and body (chunked transfer decoded) of a raw HTTP/1.1 answer. */
export function parseAnswer(raw: Buffer): RawAnswer {
  const split = raw.indexOf('\r\n\r\n');
  const head = (split < 0 ? raw : raw.subarray(0, split)).toString('latin1');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = split < 0 ? Buffer.alloc(0) : raw.subarray(split + 4);
  const body = headers['transfer-encoding'] === 'chunked' ? dechunk(rest) : rest;
  return { status: match ? Number(match[1]) : undefined, headers, body: body.toString('utf8') };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = parseInt(data.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!(size > 0)) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
