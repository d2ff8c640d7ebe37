// fast-check arbitraries for HTTP/1.1 requests as a careless or hostile client writes them: odd and
// invalid methods, request targets with broken, double, mixed-case and NUL percent-encodings, dot
// segments, backslashes and raw latin1 bytes, random header names and values, and bodies of random
// bytes, JSON and forms, framed by content-length or chunked, or cut short. No CR or LF inside a
// field: each case stays one request on one connection.
import fc from 'fast-check';

export interface FuzzRequest {
  method: string;
  target: string;
  headers: [string, string][];
  body: Buffer;
  /** length: content-length; chunked: transfer-encoding; cut: content-length larger than what is sent, then the client hangs up */
  framing: 'length' | 'chunked' | 'cut';
}

/** One character of a field: any latin1 byte but CR and LF. */
const fieldChar = fc.integer({ min: 0, max: 255 }).filter((code) => code !== 10 && code !== 13).map((code) => String.fromCharCode(code));
/** One character a header value may hold: tab, visible ASCII, obs-text. */
const valueChar = fc.oneof(fc.constant('\t'), fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), fc.integer({ min: 0x80, max: 0xff }).map((code) => String.fromCharCode(code)));
const urlChar = fc.constantFrom(...'abcXYZ019-._~!$&\'()*+,;=:@%|^`{}[]"<>\\ '.split(''));

export const PIECES = ['..', '.', '%2e%2E', '%2E%2E', '%2F', '%2f', '%252F', '%255C', '%5C', '%5c', '\\', '%00', '%zz', '%', '%2', '%C0%AF', '%E2%88%95', '%FF', '%ED%A0%80', '', '?', '#', '*', '%3F', '%23', '+', ';', '~', '%C3%A9', '%F0%9F%98%80', 'a'.repeat(300)];

const segment = (names: string[]) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...names, ...PIECES) },
    { weight: 4, arbitrary: fc.string({ unit: urlChar, maxLength: 20 }).map((text) => text.replace(/ /g, '%20')) },
    { weight: 1, arbitrary: fc.string({ unit: fieldChar, maxLength: 8 }).map((text) => text.replace(/[ ]/g, '')) },
  );

const query = (names: string[]) =>
  fc.array(fc.tuple(fc.oneof(fc.constantFrom(...names), fc.string({ unit: urlChar, maxLength: 10 })), fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: urlChar, maxLength: 30 }))), { maxLength: 4 })
    .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([name, value]) => (value === '' ? name : `${name}=${value}`)).join('&')}`.replace(/ /g, '+')));

/** A request target: the listener's real paths, paths built from its route names, and oddities. */
export const target = (paths: string[], routes: string[], queryNames: string[]) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.tuple(fc.constantFrom(...paths), query(queryNames)).map(([path, search]) => `${path}${search}`) },
    { weight: 8, arbitrary: fc.tuple(fc.array(segment(routes), { maxLength: 6 }), fc.boolean(), query(queryNames)).map(([segments, slash, search]) => `/${segments.join('/')}${slash ? '/' : ''}${search}`) },
    { weight: 1, arbitrary: fc.constantFrom('*', 'http://127.0.0.1/', 'http://evil.example/uploads/x', '//evil.example/x', 'relative', '/%zz', '//[', '/?%zz=%zz') },
  );

export const method = fc.oneof(
  { weight: 16, arbitrary: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'PROPFIND', 'MKCOL', 'PURGE') },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Z]{1,10}$/) },
  { weight: 1, arbitrary: fc.string({ unit: fieldChar, minLength: 1, maxLength: 10 }).map((text) => text.replace(/ /g, '_')) },
);

const HEADER_NAMES = ['origin', 'authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256', 'x-amz-copy-source', 'content-type', 'access-control-request-headers', 'access-control-request-method', 'range', 'expect', 'accept', 'cookie', 'x-forwarded-host', 'x-forwarded-for', 'if-none-match', 'x-amz-metadata-directive'];
/** Framing and connection headers are the harness's: a random one would make a case hang or pipeline. */
const HARNESS_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'upgrade', 'te', 'keep-alive', 'trailer']);

export const headerValue = (samples: string[]) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...samples, '', ' ', '100-continue', 'bytes=0-5', 'bytes=9-1', 'application/json', 'application/x-www-form-urlencoded', '*', 'null') },
    { weight: 6, arbitrary: fc.string({ unit: valueChar, maxLength: 60 }) },
    { weight: 1, arbitrary: fc.string({ unit: fieldChar, maxLength: 60 }) },
    { weight: 1, arbitrary: fc.constantFrom('x'.repeat(20_000)) },
  );

const headers = (samples: string[]) =>
  fc.array(fc.tuple(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...HEADER_NAMES) }, { weight: 3, arbitrary: fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,16}$/) }, { weight: 1, arbitrary: fc.string({ unit: fieldChar, minLength: 1, maxLength: 6 }) }), headerValue(samples)), { maxLength: 4 })
    .map((pairs) => pairs.filter(([name]) => !HARNESS_HEADERS.has(name.trim().toLowerCase()) && !/[: ]/.test(name)));

export const jsonBody = fc.jsonValue({ maxDepth: 3 }).map((value) => Buffer.from(JSON.stringify(value) ?? 'null'));
export const formBody = (names: string[], values: string[]) =>
  fc.array(fc.tuple(fc.constantFrom(...names), fc.oneof(fc.constantFrom(...values, ...PIECES), fc.string({ unit: fieldChar, maxLength: 40 }))), { maxLength: 6 }).map((pairs) => Buffer.from(pairs.map(([name, value]) => `${name}=${value}`).join('&'), 'latin1'));
const bytesBody = fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes));

export interface ListenerShape {
  /** Real paths of the listener, tried as they are (with random queries). */
  paths: string[];
  /** The methods the listener serves, tried more often than the rest. */
  methods: string[];
  /** Names that path segments are built from, with the tricky pieces. */
  routes: string[];
  queryNames: string[];
  headerSamples: string[];
  bodies: fc.Arbitrary<Buffer>[];
  host: string;
}

export const fuzzRequest = (shape: ListenerShape): fc.Arbitrary<FuzzRequest> =>
  fc.record({
    method: fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...shape.methods) }, { weight: 1, arbitrary: method }),
    target: target(shape.paths, shape.routes, shape.queryNames),
    headers: fc.tuple(fc.oneof({ weight: 9, arbitrary: fc.constant([['host', shape.host]] as [string, string][]) }, { weight: 1, arbitrary: fc.array(fc.tuple(fc.constant('host'), headerValue([shape.host])), { maxLength: 2 }) }), headers(shape.headerSamples)).map(([host, rest]) => [...host, ...rest]),
    body: fc.oneof({ weight: 2, arbitrary: fc.constant(Buffer.alloc(0)) }, bytesBody, ...shape.bodies),
    framing: fc.constantFrom<FuzzRequest['framing']>('length', 'length', 'length', 'chunked', 'cut'),
  });

/** The bytes of a fuzz case on the wire. */
export function fuzzBytes({ method, target, headers, body, framing }: FuzzRequest): Buffer {
  const framingHeader: [string, string] = framing === 'chunked' ? ['transfer-encoding', 'chunked'] : ['content-length', String(body.length + (framing === 'cut' ? 100 : 0))];
  const lines = [`${method} ${target} HTTP/1.1`, ...[...headers, framingHeader, ['connection', 'close']].map(([name, value]) => `${name}: ${value}`)];
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  if (framing !== 'chunked') return Buffer.concat([head, body]);
  const chunks = [body.subarray(0, body.length >> 1), body.subarray(body.length >> 1)].filter((chunk) => chunk.length > 0);
  return Buffer.concat([head, ...chunks.flatMap((chunk) => [Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]), Buffer.from('0\r\n\r\n')]);
}

/** What the answer of a case must be: a status line, unless the client hung up early or asked for a tunnel. */
export const needsAnswer = ({ method, framing }: FuzzRequest): boolean => framing !== 'cut' && method !== 'CONNECT';
