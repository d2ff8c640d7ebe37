// @ts-check
// aws-chunked bodies (S3 API Reference: "Signature Calculations for the Authorization Header:
// Transferring Payload in Multiple Chunks" and "... Including Trailing Headers"): `<hex size>[;chunk-
// signature=<sig>]\r\n<data>\r\n` chunks, a last chunk of size 0, then trailing headers (`name:value\r\n`,
// and `x-amz-trailer-signature:<sig>\r\n` when signed) and an empty line. Signed chunks chain: each
// signature covers the previous one and its data's SHA-256, starting from the request's seed signature;
// the trailer's covers the last chunk's signature and the trailing headers. Verified as the bytes arrive,
// nothing trusted: a chunk whose signature does not match is SignatureDoesNotMatch, bad framing is
// IncompleteBody or MalformedTrailerError.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { s3Error } from './s3-errors.mjs';

const EMPTY_SHA256 = createHash('sha256').digest('hex');
/** A chunk header or trailer line longer than this is not aws-chunked framing. */
const MAX_LINE = 4096;
const CHUNK_HEADER = /^([0-9a-fA-F]{1,16})(?:;chunk-signature=([0-9a-f]{64}))?$/;
const TRAILER_LINE = /^([A-Za-z0-9-]+):(.*)$/;

/**
 * What signed chunks are checked against: the request's signing key, time and scope, and its
 * signature, which seeds the chain.
 * @typedef {object} ChunkSigning
 * @property {Buffer} key SigV4's signing key (the secret, HMAC'd with day, region, service)
 * @property {string} date the request's x-amz-date
 * @property {string} scope `<day>/<region>/s3/aws4_request`
 * @property {string} seed the signature of the request's Authorization header
 */

const malformed = (/** @type {string} */ what) => s3Error(400, 'IncompleteBody', `The aws-chunked body is malformed: ${what}.`);
const malformedTrailer = () => s3Error(400, 'MalformedTrailerError', 'The request contained trailing data that was not well-formed or did not conform to our published schema.');
const signatureMismatch = () => s3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');

/** Constant-time comparison of two hex signatures. */
const sameSignature = (/** @type {string} */ a, /** @type {string} */ b) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * An aws-chunked decoder: `push` the body's bytes as they arrive and take the data they held, `end`
 * once the body is over to have the framing and the trailer checked and the trailing headers back.
 * @example
 * const decoder = new ChunkedDecoder({ signing: undefined });
 * const data = decoder.push(Buffer.from('5\r\nhello\r\n0\r\n\r\n'));
 * decoder.end(); // Map {}
 */
export class ChunkedDecoder {
  /** @param {{ signing: ChunkSigning | undefined }} options undefined: chunks carry no signature */
  constructor({ signing }) {
    this.signing = signing;
    this.previous = signing?.seed ?? '';
    /** 'header' | 'data' | 'data-end' | 'trailer' | 'done' */
    this.state = 'header';
    /** @type {Buffer} bytes read but not yet taken (a partial line) */
    this.pending = Buffer.alloc(0);
    this.remaining = 0;
    /** @type {string | undefined} */
    this.chunkSignature = undefined;
    this.chunkHash = createHash('sha256');
    /** @type {Map<string, string>} */
    this.trailers = new Map();
  }

  /**
   * @param {Buffer} bytes the next bytes of the body
   * @returns {Buffer[]} the data they complete or carry
   * @throws {import('./s3-errors.mjs').S3Error}
   */
  push(bytes) {
    /** @type {Buffer[]} */
    const data = [];
    this.pending = this.pending.length === 0 ? bytes : Buffer.concat([this.pending, bytes]);
    while (this.pending.length > 0 && this.state !== 'done') {
      if (this.state === 'data') {
        const piece = this.pending.subarray(0, this.remaining);
        this.pending = this.pending.subarray(piece.length);
        this.remaining -= piece.length;
        this.chunkHash.update(piece);
        data.push(piece);
        if (this.remaining === 0) this.state = 'data-end';
        continue;
      }
      const line = this.takeLine();
      if (line === undefined) break;
      if (this.state === 'data-end') this.endData(line);
      else if (this.state === 'header') this.startChunk(line);
      else this.trailerLine(line);
    }
    if (this.state === 'done' && this.pending.length > 0) throw malformed('bytes after the trailer');
    return data;
  }

  /**
   * The body is over: the last chunk must have come, and the trailer be complete.
   * @returns {Map<string, string>} the trailing headers (lower-case names), the signature's excepted
   * @throws {import('./s3-errors.mjs').S3Error}
   */
  end() {
    // The AWS SDK ends a body without trailing headers right after the last chunk's line.
    if (this.state === 'trailer' && this.pending.length === 0 && this.trailers.size === 0) this.finish();
    if (this.state !== 'done') throw malformed('the body ended before its last chunk');
    return this.trailers;
  }

  /** One CRLF-terminated line from the pending bytes, or undefined while it is incomplete. */
  takeLine() {
    const end = this.pending.indexOf('\r\n');
    if (end < 0) {
      if (this.pending.length > MAX_LINE) throw malformed('a line is too long');
      return undefined;
    }
    const line = this.pending.subarray(0, end).toString('latin1');
    this.pending = this.pending.subarray(end + 2);
    return line;
  }

  /** @param {string} line a chunk header */
  startChunk(line) {
    const match = CHUNK_HEADER.exec(line);
    if (!match || (match[2] === undefined) !== (this.signing === undefined)) throw malformed(this.signing ? 'a chunk without its chunk-signature' : 'a chunk header');
    this.remaining = Number.parseInt(match[1] ?? '', 16);
    this.chunkSignature = match[2];
    this.chunkHash = createHash('sha256');
    if (this.remaining > 0) {
      this.state = 'data';
      return;
    }
    this.verifyChunk();
    this.state = 'trailer';
  }

  /** @param {string} line what follows a chunk's data: nothing */
  endData(line) {
    if (line !== '') throw malformed('a chunk longer than its size');
    this.verifyChunk();
    this.state = 'header';
  }

  /** Checks the chunk just read against its signature (signed bodies), chaining from the previous one. */
  verifyChunk() {
    const { signing, chunkSignature } = this;
    if (signing === undefined || chunkSignature === undefined) return;
    const expected = sign(signing, ['AWS4-HMAC-SHA256-PAYLOAD', signing.date, signing.scope, this.previous, EMPTY_SHA256, this.chunkHash.digest('hex')]);
    if (!sameSignature(chunkSignature, expected)) throw signatureMismatch();
    this.previous = chunkSignature;
  }

  /** @param {string} line a trailing header, or the empty line that ends them */
  trailerLine(line) {
    if (line === '') return this.finish();
    const match = TRAILER_LINE.exec(line);
    const name = match?.[1]?.toLowerCase();
    if (!match || name === undefined || this.trailers.has(name)) throw malformedTrailer();
    this.trailers.set(name, (match[2] ?? '').trim());
  }

  /** The trailer is complete: a signed body's trailer signature is checked, and taken out. */
  finish() {
    const signature = this.trailers.get('x-amz-trailer-signature');
    this.trailers.delete('x-amz-trailer-signature');
    if (this.signing === undefined) {
      if (signature !== undefined) throw malformedTrailer();
    } else if (this.trailers.size > 0 || signature !== undefined) {
      const canonical = [...this.trailers].map(([name, value]) => `${name}:${value}\n`).join('');
      const expected = sign(this.signing, ['AWS4-HMAC-SHA256-TRAILER', this.signing.date, this.signing.scope, this.previous, createHash('sha256').update(canonical).digest('hex')]);
      if (signature === undefined || !sameSignature(signature, expected)) throw signatureMismatch();
    }
    this.state = 'done';
  }
}

/** @param {ChunkSigning} signing @param {string[]} lines the string to sign */
function sign(signing, lines) {
  return createHmac('sha256', signing.key).update(lines.join('\n')).digest('hex');
}
