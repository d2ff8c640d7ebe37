// aws-chunked bodies as the S3 API Reference describes them ("Transferring Payload in Multiple Chunks",
// "... Including Trailing Headers"), written by a test: chunks of a chosen size, signed or not, and the
// trailing checksum (signed too when the chunks are), so that a test can send what the AWS SDK for
// JavaScript never sends (signed chunks) and what it would never send (a wrong trailer, a forged chunk).
// test/node/sandbox/chunked.test.ts pins this writer to the API Reference's published signatures.
import { createHash, createHmac } from 'node:crypto';
import { signingKey } from '../../sandbox/s3-sigv4.mjs';

export interface ChunkSigning {
  secretAccessKey: string;
  /** x-amz-date of the request */
  date: string;
  region: string;
  /** the request's signature (the Authorization header's), which the chunk signatures chain from */
  seed: string;
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** The chain of signatures: each chunk's from the previous one and its data. */
function signer({ secretAccessKey, date, region, seed }: ChunkSigning) {
  const day = date.slice(0, 8);
  const key = signingKey(secretAccessKey, day, region);
  const scope = `${day}/${region}/s3/aws4_request`;
  let previous = seed;
  const sign = (lines: string[]) => (previous = createHmac('sha256', key).update(lines.join('\n')).digest('hex'));
  return {
    chunk: (data: Buffer) => sign(['AWS4-HMAC-SHA256-PAYLOAD', date, scope, previous, sha256(''), sha256(data)]),
    trailer: (canonical: string) => sign(['AWS4-HMAC-SHA256-TRAILER', date, scope, previous, sha256(canonical)]),
  };
}

export interface ChunkedOptions {
  chunkSize: number;
  signing?: ChunkSigning;
  /** a trailing header, e.g. ['x-amz-checksum-crc32', 'base64 value'] */
  trailer?: [string, string];
}

/** `data` as an aws-chunked body. */
export function awsChunked(data: Buffer, { chunkSize, signing, trailer }: ChunkedOptions): Buffer {
  const chain = signing ? signer(signing) : undefined;
  const pieces: Buffer[] = [];
  const header = (size: number, piece: Buffer) => `${size.toString(16)}${chain ? `;chunk-signature=${chain.chunk(piece)}` : ''}\r\n`;
  for (let start = 0; start < data.length; start += chunkSize) {
    const piece = data.subarray(start, start + chunkSize);
    pieces.push(Buffer.from(header(piece.length, piece)), piece, Buffer.from('\r\n'));
  }
  pieces.push(Buffer.from(header(0, Buffer.alloc(0))));
  if (trailer) {
    const canonical = `${trailer[0]}:${trailer[1]}\n`;
    pieces.push(Buffer.from(`${trailer[0]}:${trailer[1]}\r\n`));
    if (chain) pieces.push(Buffer.from(`x-amz-trailer-signature:${chain.trailer(canonical)}\r\n`));
  }
  pieces.push(Buffer.from('\r\n'));
  return Buffer.concat(pieces);
}
