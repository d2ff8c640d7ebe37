// S3 requests signed with @smithy/signature-v4 (the AWS SDK's own signer) and sent over a bare socket,
// so that a test controls every byte of the path, the query and the headers: what an attacker with
// valid credentials can send, and what the SDK would refuse to build.
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';
import { rawRequest, requestBytes } from './raw-http';
import type { RawAnswer } from './raw-http';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface RawS3Request {
  method: string;
  /** The path exactly as it goes on the wire (already percent-encoded as the caller wants it). */
  path: string;
  query?: [string, string][];
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface Signing {
  credentials: Credentials;
  /** default: now */
  signingDate?: Date;
  /** default: 'us-east-1' */
  region?: string;
  /** default: 's3' */
  service?: string;
  /** headers sent but left out of the signature (e.g. `host`, which S3 wants signed) (default: none) */
  unsigned?: string[];
}

class Sha256 {
  private hash;
  constructor(private readonly secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }
}

function bytes(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data);
  return ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data as ArrayBuffer);
}

/** RFC 3986 percent-encoding, as SigV4 canonicalises query strings. */
export const escape = (text: string): string => encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);

export const wireQuery = (query: [string, string][]): string => (query.length === 0 ? '' : `?${query.map(([name, value]) => `${escape(name)}=${escape(value)}`).join('&')}`);

function queryObject(query: [string, string][]): Record<string, string | string[]> {
  const object: Record<string, string | string[]> = {};
  for (const [name, value] of query) {
    const previous = object[name];
    object[name] = previous === undefined ? value : [...[previous].flat(), value];
  }
  return object;
}

function signer({ credentials, region = 'us-east-1', service = 's3' }: Signing): SignatureV4 {
  return new SignatureV4({ credentials, region, service, sha256: Sha256, uriEscapePath: false, applyChecksum: false });
}

/** The request's headers after SigV4 header signing (authorization, x-amz-date, the session token). */
export async function signHeaders(port: number, request: RawS3Request, signing: Signing): Promise<Record<string, string>> {
  const { method, path, query = [], headers = {} } = request;
  const signed = await signer(signing).sign(
    { method, protocol: 'http:', hostname: '127.0.0.1', port, path, query: queryObject(query), headers: { host: `127.0.0.1:${port}`, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...headers } },
    { signingDate: signing.signingDate ?? new Date(), unsignableHeaders: new Set(signing.unsigned ?? []) },
  );
  return signed.headers;
}

/** Signs with the Authorization header and sends it; resolves to the raw answer. */
export async function sendSigned(s3Url: string, request: RawS3Request, signing: Signing): Promise<RawAnswer> {
  const port = Number(new URL(s3Url).port);
  const headers = await signHeaders(port, request, signing);
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  return rawRequest(port, requestBytes(request.method, `${request.path}${wireQuery(request.query ?? [])}`, Object.entries(headers), body));
}

/**
 * The query of a presigned URL for the request (X-Amz-* parameters included), from the same signer, as
 * S3's presigner makes it: the payload is UNSIGNED-PAYLOAD (and that header goes into the query).
 */
export async function presignQuery(port: number, request: RawS3Request, signing: Signing & { expiresIn?: number }): Promise<[string, string][]> {
  const { method, path, query = [], headers = {} } = request;
  const presigned = await signer(signing).presign(
    { method, protocol: 'http:', hostname: '127.0.0.1', port, path, query: queryObject(query), headers: { host: `127.0.0.1:${port}`, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...headers } },
    { signingDate: signing.signingDate ?? new Date(), expiresIn: signing.expiresIn ?? 900, unsignableHeaders: new Set(signing.unsigned ?? []) },
  );
  return Object.entries(presigned.query ?? {}).flatMap(([name, value]) => [value].flat().filter((item): item is string => item !== null).map((item): [string, string] => [name, item]));
}

/** `<Code>` and `<Message>` of an S3 XML error body. */
export const s3Code = (body: string): string | undefined => /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
export const s3Element = (body: string, name: string): string | undefined => new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1];
