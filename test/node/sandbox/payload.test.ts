// Issue 24, point 1: the verifying S3 checks a body against what was signed and declared before it
// stores anything: x-amz-content-sha256 (XAmzContentSHA256Mismatch), Content-MD5 and the x-amz-checksum-*
// headers (BadDigest), aws-chunked bodies chunk by chunk and their trailer. Before, every one of these
// bodies was stored, aws-chunked ones framing and all. Each refusal is checked by looking at the bucket
// afterwards; each has a control that the same request, honest, is stored.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { ChecksumAlgorithm } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsChunked } from '../../support/aws-chunked';
import { startPolicyGate } from '../../support/policy-gate';
import { rawRequest, requestBytes } from '../../support/raw-http';
import { BUCKET, s3Client } from '../../support/s3';
import { s3Code, s3Element, sendSigned, signHeaders } from '../../support/signed-raw';

let setup: Awaited<ReturnType<typeof startPolicyGate>>;
let alice: ReturnType<Awaited<ReturnType<typeof startPolicyGate>>['user']>;
beforeAll(async () => {
  setup = await startPolicyGate();
  alice = setup.user('auth0|alice');
});
afterAll(() => setup?.stop());

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('base64');
const path = (name: string) => `/uploads/auth0%7Calice/${name}`;
const put = (name: string, body: string | Buffer, headers: Record<string, string>) => sendSigned(setup.gate.url, { method: 'PUT', path: path(name), headers, body }, { credentials: alice.credentials });
/** The object's content, or the error's name (NoSuchKey: nothing was stored). */
const stored = (name: string) =>
  alice.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `auth0|alice/${name}` })).then((answer) => answer.Body!.transformToString(), (error: { name?: string }) => error.name);
const outcome = (promise: Promise<unknown>): Promise<string> => promise.then(() => 'ok', (error: { name?: string }) => error.name ?? 'unnamed');

describe('x-amz-content-sha256', () => {
  it('a body other than the one whose SHA-256 was signed is refused (400 XAmzContentSHA256Mismatch), nothing stored', async () => {
    const answer = await put('sha.txt', 'what arrived', { 'x-amz-content-sha256': sha256('what was signed') });
    expect([answer.status, s3Code(answer.body)]).toEqual([400, 'XAmzContentSHA256Mismatch']);
    expect(s3Element(answer.body, 'ClientComputedContentSHA256')).toBe(sha256('what was signed'));
    expect(await stored('sha.txt')).toBe('NoSuchKey');
  });

  it('control: the signed SHA-256 of the body, or UNSIGNED-PAYLOAD, is stored', async () => {
    expect((await put('sha.txt', 'what was signed', { 'x-amz-content-sha256': sha256('what was signed') })).status).toBe(200);
    expect(await stored('sha.txt')).toBe('what was signed');
    expect((await put('unsigned.txt', 'any body', {})).status).toBe(200);
    expect(await stored('unsigned.txt')).toBe('any body');
  });

  it('a body over 8 MiB (held in a file while it is checked) is refused or stored the same way', async () => {
    const big = Buffer.alloc(9 * 1024 * 1024, 7);
    const refused = await put('big.bin', big, { 'x-amz-content-sha256': sha256(Buffer.alloc(9 * 1024 * 1024, 8)) });
    expect(s3Code(refused.body)).toBe('XAmzContentSHA256Mismatch');
    expect(await stored('big.bin')).toBe('NoSuchKey');
    expect((await put('big.bin', big, { 'x-amz-content-sha256': sha256(big) })).status).toBe(200);
    const head = await alice.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/big.bin' }));
    expect(Buffer.from(await head.Body!.transformToByteArray()).equals(big)).toBe(true);
  });

  it.each<[string, string, number, string]>([
    ['a value S3 does not take', 'SHA256-OF-SOMETHING', 400, 'InvalidArgument'],
    ['SigV4a streaming, which this S3 does not verify', 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD', 501, 'NotImplemented'],
  ])('%s (%s) is refused: %i %s', async (_name, value, status, code) => {
    const answer = await put('odd.txt', 'x', { 'x-amz-content-sha256': value });
    expect([answer.status, s3Code(answer.body)]).toEqual([status, code]);
    expect(await stored('odd.txt')).toBe('NoSuchKey');
  });

  it('is required with the Authorization header (400 InvalidRequest)', async () => {
    const port = Number(new URL(setup.gate.url).port);
    const headers = Object.entries(await signHeaders(port, { method: 'PUT', path: path('none.txt') }, { credentials: alice.credentials })).filter(([name]) => name !== 'x-amz-content-sha256');
    const answer = await rawRequest(port, requestBytes('PUT', path('none.txt'), headers, Buffer.from('x')));
    expect([answer.status, s3Element(answer.body, 'Message')]).toEqual([400, 'Missing required header for this request: x-amz-content-sha256']);
  });
});

describe('Content-MD5', () => {
  it('a body whose MD5 differs is refused (400 BadDigest), nothing stored; a value that is no MD5 is InvalidDigest', async () => {
    const answer = await put('md5.txt', 'arrived', { 'content-md5': md5('declared') });
    expect([answer.status, s3Code(answer.body), s3Element(answer.body, 'Message')]).toEqual([400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.']);
    expect(s3Code((await put('md5.txt', 'arrived', { 'content-md5': 'AAAA' })).body)).toBe('InvalidDigest');
    expect(await stored('md5.txt')).toBe('NoSuchKey');
  });

  it('control: the body\'s own MD5 is stored (the AWS SDK sends it when asked)', async () => {
    expect((await put('md5.txt', 'declared', { 'content-md5': md5('declared') })).status).toBe(200);
    expect(await stored('md5.txt')).toBe('declared');
  });
});

describe('x-amz-checksum-*', () => {
  const ALGORITHMS: [ChecksumAlgorithm, string, string][] = [
    ['CRC32', 'ChecksumCRC32', 'AAAAAA=='],
    ['CRC32C', 'ChecksumCRC32C', 'AAAAAA=='],
    ['CRC64NVME', 'ChecksumCRC64NVME', 'AAAAAAAAAAA='],
    ['SHA1', 'ChecksumSHA1', Buffer.alloc(20).toString('base64')],
    ['SHA256', 'ChecksumSHA256', Buffer.alloc(32).toString('base64')],
  ];

  it.each(ALGORITHMS)('%s: the AWS SDK\'s own checksum is stored; a wrong one is refused (BadDigest), nothing stored', async (algorithm, field, wrong) => {
    const key = `auth0|alice/${algorithm}.txt`;
    await alice.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: `checked by ${algorithm}`, ChecksumAlgorithm: algorithm }));
    expect(await stored(`${algorithm}.txt`)).toBe(`checked by ${algorithm}`);
    const forged = alice.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `auth0|alice/forged-${algorithm}.txt`, Body: 'x', [field]: wrong }));
    expect(await outcome(forged)).toBe('BadDigest');
    expect(await stored(`forged-${algorithm}.txt`)).toBe('NoSuchKey');
  });

  it('says which checksum did not match, and refuses a value of the wrong size or two checksums (InvalidRequest)', async () => {
    const answer = await put('crc.txt', 'x', { 'x-amz-checksum-crc32c': 'AAAAAA==' });
    expect(s3Element(answer.body, 'Message')).toBe('The CRC32C you specified did not match the calculated checksum.');
    expect(s3Code((await put('crc.txt', 'x', { 'x-amz-checksum-crc32': 'AAAA' })).body)).toBe('InvalidRequest');
    expect(s3Code((await put('crc.txt', 'x', { 'x-amz-checksum-crc32': 'AAAAAA==', 'x-amz-checksum-sha1': Buffer.alloc(20).toString('base64') })).body)).toBe('InvalidRequest');
    expect(await stored('crc.txt')).toBe('NoSuchKey');
  });
});

describe('aws-chunked bodies', () => {
  it('STREAMING-UNSIGNED-PAYLOAD-TRAILER from the AWS SDK (a stream body, default checksums) is stored decoded', async () => {
    const s3 = s3Client(setup.gate.url, alice.credentials, { requestChecksumCalculation: 'WHEN_SUPPORTED' });
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/streamed.txt', Body: Readable.from([Buffer.from('hello '), Buffer.from('world')]), ContentLength: 11 }));
    expect(await stored('streamed.txt')).toBe('hello world');
  });

  const chunkedHeaders = (mode: string, decodedLength: number, trailer?: string) => ({ 'x-amz-content-sha256': mode, 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(decodedLength), ...(trailer ? { 'x-amz-trailer': trailer } : {}) });
  /** base64 of the CRC32's four bytes, big-endian (as x-amz-checksum-crc32 carries it). */
  const crc32 = (text: string) => {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(zlibCrc32(text));
    return bytes.toString('base64');
  };

  it('an unsigned trailer that does not match is refused (BadDigest); one that does is stored decoded', async () => {
    const mode = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
    const forged = awsChunked(Buffer.from('tampered'), { chunkSize: 4, trailer: ['x-amz-checksum-crc32', crc32('original')] });
    expect(s3Code((await put('trailer.txt', forged, chunkedHeaders(mode, 8, 'x-amz-checksum-crc32'))).body)).toBe('BadDigest');
    expect(await stored('trailer.txt')).toBe('NoSuchKey');
    const honest = awsChunked(Buffer.from('original'), { chunkSize: 4, trailer: ['x-amz-checksum-crc32', crc32('original')] });
    expect((await put('trailer.txt', honest, chunkedHeaders(mode, 8, 'x-amz-checksum-crc32'))).status).toBe(200);
    expect(await stored('trailer.txt')).toBe('original');
  });

  it('refuses a declared trailer that does not come (MalformedTrailerError) and a wrong decoded length (IncompleteBody)', async () => {
    const mode = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
    expect(s3Code((await put('short.txt', awsChunked(Buffer.from('abc'), { chunkSize: 8 }), chunkedHeaders(mode, 3, 'x-amz-checksum-crc32'))).body)).toBe('MalformedTrailerError');
    expect(s3Code((await put('short.txt', awsChunked(Buffer.from('abc'), { chunkSize: 8 }), chunkedHeaders(mode, 4))).body)).toBe('IncompleteBody');
    expect(await stored('short.txt')).toBe('NoSuchKey');
  });

  /** A signed aws-chunked PUT: the seed signature from the request's own headers, then the chain. */
  async function signedChunkedPut(name: string, data: Buffer, change?: (body: Buffer) => Buffer) {
    const port = Number(new URL(setup.gate.url).port);
    const mode = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
    const checksum = crc32(data.toString('latin1'));
    const signed = await signHeaders(port, { method: 'PUT', path: path(name), headers: chunkedHeaders(mode, data.length, 'x-amz-checksum-crc32') }, { credentials: alice.credentials });
    const seed = /Signature=([0-9a-f]{64})/.exec(signed['authorization']!)![1]!;
    const body = awsChunked(data, { chunkSize: 8192, signing: { secretAccessKey: alice.credentials.secretAccessKey, date: signed['x-amz-date']!, region: 'us-east-1', seed }, trailer: ['x-amz-checksum-crc32', checksum] });
    return rawRequest(port, requestBytes('PUT', path(name), Object.entries(signed), change ? change(body) : body));
  }

  it('STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: verified chunks and trailer are stored decoded', async () => {
    const data = Buffer.from('x'.repeat(20_000));
    expect((await signedChunkedPut('signed.txt', data)).status).toBe(200);
    expect(await stored('signed.txt')).toBe(data.toString());
  });

  it('a forged chunk is refused (403 SignatureDoesNotMatch), nothing stored', async () => {
    const answer = await signedChunkedPut('forged.txt', Buffer.from('x'.repeat(20_000)), (body) => Buffer.from(body.toString('latin1').replace('xxxxx', 'yyyyy'), 'latin1'));
    expect([answer.status, s3Code(answer.body)]).toEqual([403, 'SignatureDoesNotMatch']);
    expect(await stored('forged.txt')).toBe('NoSuchKey');
  });
});

// S3 stores a PUT's body only when Content-Length says how long it is: a body framed by HTTP's chunked
// transfer coding (a fetch of a ReadableStream, a Node stream of unknown length) or a PUT with no length
// at all is 411 MissingContentLength, "You must provide the Content-Length HTTP header." (apache/arrow-rs#4514,
// versity/versitygw#1248). aws-chunked bodies say their length in x-amz-decoded-content-length instead.
describe('a PUT without Content-Length', () => {
  /** A signed PUT whose framing the test writes: `chunked` sends the body in HTTP chunks, `none` sends no length and no body. */
  async function framedPut(name: string, framing: 'chunked' | 'none' | 'length', body = 'streamed') {
    const port = Number(new URL(setup.gate.url).port);
    const signed = await signHeaders(port, { method: 'PUT', path: path(name) }, { credentials: alice.credentials });
    const head = [`PUT ${path(name)} HTTP/1.1`, ...Object.entries(signed).map(([header, value]) => `${header}: ${value}`), 'connection: close'];
    if (framing === 'chunked') head.push('transfer-encoding: chunked');
    if (framing === 'length') head.push(`content-length: ${Buffer.byteLength(body)}`);
    const payload = framing === 'chunked' ? `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n` : framing === 'length' ? body : '';
    return rawRequest(port, Buffer.from(`${head.join('\r\n')}\r\n\r\n${payload}`));
  }

  it('refuses a body in HTTP chunks (411 MissingContentLength), nothing stored', async () => {
    const answer = await framedPut('chunked.txt', 'chunked');
    expect([answer.status, s3Code(answer.body), s3Element(answer.body, 'Message')]).toEqual([411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.']);
    expect(await stored('chunked.txt')).toBe('NoSuchKey');
  });

  it('refuses a PUT with no length and no body (411), nothing stored', async () => {
    expect((await framedPut('empty.txt', 'none')).status).toBe(411);
    expect(await stored('empty.txt')).toBe('NoSuchKey');
  });

  it('control: the same PUTs with Content-Length are stored (an empty one too)', async () => {
    expect((await framedPut('chunked.txt', 'length')).status).toBe(200);
    expect(await stored('chunked.txt')).toBe('streamed');
    expect((await framedPut('empty.txt', 'length', '')).status).toBe(200);
    expect(await stored('empty.txt')).toBe('');
  });
});
