import { DelegationError } from '../errors';
import { readText, s3Call } from './s3-folder';
import type { S3Folder, S3OperationOptions } from './s3-folder';

/** Options of `listObjects`. */
export interface S3ListOptions extends S3OperationOptions {
  /** The previous page's `continuationToken`. */
  continuationToken?: string;
  /** At most this many objects in the page. @default 1000 (S3's) */
  maxKeys?: number;
}

/**
 * A page of 1,000 keys of up to 1,024 bytes, each escaped at worst 6 bytes a byte (`&quot;`), with about
 * 500 bytes of elements around it, is under 6.7 MB: no listing S3 can send is read past this.
 */
export const MAX_LISTING_BYTES = 8 * 1_048_576;

/**
 * One page of the folder's objects (ListObjectsV2 with the folder as prefix); pass its
 * `continuationToken` back for the next page. A key outside the folder (S3 sends none) is left out.
 * @throws {DelegationError} `AccessDenied` (403), ...; `invalid_response` for an answer that is not a
 *   readable listing or is over 8 MiB; what `signedFetch` throws.
 * @example
 * let page = await listObjects(folder);
 * while (page.continuationToken) page = await listObjects(folder, { continuationToken: page.continuationToken });
 */
export async function listObjects(folder: S3Folder, { continuationToken, maxKeys, signal }: S3ListOptions = {}): Promise<S3Listing> {
  const query = new URLSearchParams({ 'list-type': '2', prefix: folder.folder });
  if (continuationToken !== undefined) query.set('continuation-token', continuationToken);
  if (maxKeys !== undefined) query.set('max-keys', String(maxKeys));
  // URLSearchParams writes a space as "+": S3 reads "+" as a plus sign.
  const response = await s3Call(folder, 'GET', `${folder.bucketUrl}/?${query.toString().replace(/\+/g, '%20')}`, { signal });
  return parseListing(await readText(response, signal, MAX_LISTING_BYTES), folder.folder);
}

/** One object of a listing. */
export interface S3Object {
  /** The full key, e.g. `auth0|alice/notes.txt`. */
  readonly key: string;
  /** The key without the folder, e.g. `notes.txt`. */
  readonly name: string;
  /** Bytes. */
  readonly size: number;
  /** When it was last written. */
  readonly lastModified: Date;
  /** The entity tag, quotes included, as S3 sends it. */
  readonly etag: string;
}

/** One page of a folder's listing. */
export interface S3Listing {
  /** The objects of this page, in S3's order (by key). */
  readonly objects: S3Object[];
  /** Pass it to `list` for the next page; `undefined` on the last page. */
  readonly continuationToken: string | undefined;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML 1.0's characters (its `Char` production): a reference to anything else is not XML. */
const isXmlChar = (code: number): boolean => code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);

/**
 * XML text content: the five named entities and numeric character references.
 * @throws {DelegationError} `invalid_response` for any other `&` (an unknown entity, a reference to a
 *   code point that is not an XML character such as `&#x110000;`, a bare `&`).
 */
function xmlText(text: string): string {
  return text.replace(/&(?:#x([0-9a-f]{1,6})|#(\d{1,7})|(\w+));|&/gi, (whole, hex?: string, decimal?: string, name?: string) => {
    const code = hex !== undefined ? parseInt(hex, 16) : decimal !== undefined ? Number(decimal) : Number.NaN;
    if (isXmlChar(code)) return String.fromCodePoint(code);
    const named = name === undefined ? undefined : ENTITIES[name];
    if (named === undefined) throw unreadable(`it holds ${whole === '&' ? 'an "&" that starts no XML reference' : 'a reference to no XML character'}`);
    return named;
  });
}

/**
 * The text of the first `<name>` element in `xml`, decoded, or `undefined`.
 * @throws {DelegationError} `invalid_response` for text that is not XML.
 */
export function element(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  return match === null ? undefined : xmlText(match[1] as string);
}

/**
 * A ListObjectsV2 answer as objects of `prefix`. Read with regular expressions, not DOMParser: the same
 * code runs in browsers and in Node, and S3's listing is flat XML without attributes or CDATA. A key
 * outside `prefix` is left out (its name would be another key's tail).
 * @throws {DelegationError} `invalid_response` for an object without a key, a whole-number size or a
 *   date, a truncated page without its continuation token, or text that is not XML.
 */
function parseListing(xml: string, prefix: string): S3Listing {
  const objects = [...xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)].flatMap(([, contents = '']) => {
    const key = element(contents, 'Key');
    const size = element(contents, 'Size') ?? '';
    const lastModified = new Date(element(contents, 'LastModified') ?? Number.NaN);
    if (key === undefined || !/^\d+$/.test(size) || Number.isNaN(lastModified.getTime())) throw unreadable('an object without a key, a size or a date');
    return key.startsWith(prefix) ? [{ key, name: key.slice(prefix.length), size: Number(size), lastModified, etag: element(contents, 'ETag') ?? '' }] : [];
  });
  if (element(xml, 'IsTruncated') !== 'true') return { objects, continuationToken: undefined };
  const continuationToken = element(xml, 'NextContinuationToken');
  if (!continuationToken) throw unreadable('a truncated page without its NextContinuationToken');
  return { objects, continuationToken };
}

function unreadable(reason: string): DelegationError {
  return new DelegationError({ code: 'invalid_response', message: `S3's XML answer is unreadable: ${reason}.` });
}
