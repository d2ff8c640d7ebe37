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
 * One page of the folder's objects (ListObjectsV2 with the folder as prefix); pass its
 * `continuationToken` back for the next page.
 * @throws {DelegationError} `AccessDenied` (403), ..., or what `signedFetch` throws.
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
  return parseListing(await readText(response, signal), folder.folder);
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

/** XML text content: the five named entities and numeric character references. */
function xmlText(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, name: string) =>
    name[0] === '#' ? String.fromCodePoint(Number(name[1] === 'x' || name[1] === 'X' ? `0${name.slice(1)}` : name.slice(1))) : (ENTITIES[name] ?? whole),
  );
}

/** The text of the first `<name>` element in `xml`, decoded, or `undefined`. */
export function element(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  return match === null ? undefined : xmlText(match[1] as string);
}

/**
 * A ListObjectsV2 answer as objects of `prefix`. Read with regular expressions, not DOMParser: the same
 * code runs in browsers and in Node, and S3's listing is flat XML without attributes or CDATA.
 */
function parseListing(xml: string, prefix: string): S3Listing {
  const objects = [...xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)].map(([, contents = '']) => {
    const key = element(contents, 'Key') ?? '';
    return { key, name: key.slice(prefix.length), size: Number(element(contents, 'Size') ?? 0), lastModified: new Date(element(contents, 'LastModified') ?? 0), etag: element(contents, 'ETag') ?? '' };
  });
  const truncated = element(xml, 'IsTruncated') === 'true';
  return { objects, continuationToken: truncated ? element(xml, 'NextContinuationToken') : undefined };
}
