// What the fetch entry refuses to put in a URL: the bucket, the endpoint and each key are checked before
// anything is signed, because a URL parser turns `..` into "the folder above" and a bucket name into a
// host, and the signed request (session token included) goes wherever the URL says.
import { configurationError } from '../errors';
import { REGION } from '../exchanges/aws-provider';
import { checkTokenUrl } from '../urls';

/** Names S3 reserves (`xn--` is an internationalised host name): no bucket has them. */
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];

/**
 * S3's bucket naming rules for general purpose buckets: 3 to 63 lowercase letters, digits, dots and
 * hyphens, beginning and ending with a letter or digit, no two adjacent dots, not an IP address, none
 * of the reserved prefixes. Access point aliases (`-s3alias`) follow them too, so they pass. Anything
 * else could move the request to another host (`attacker.example/x?`) or another path.
 * @throws {DelegationError} `invalid_configuration`, quoting no value.
 */
export function checkBucket(bucket: unknown): asserts bucket is string {
  const valid =
    typeof bucket === 'string' &&
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) &&
    !bucket.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(bucket) &&
    !RESERVED_PREFIXES.some((prefix) => bucket.startsWith(prefix));
  if (!valid) throw configurationError('s3Folder: "bucket" must be an S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit.');
}

/**
 * The bucket's URL: virtual-hosted at AWS (`https://BUCKET.s3.REGION.amazonaws.com`, so the region
 * must be one), or path-style under `endpoint`, which gets the rule `domain` has (https, http on a
 * loopback host only; no user name or password) and no query or fragment (the bucket would land in it).
 * @throws {DelegationError} `invalid_configuration`, naming the field.
 */
export function bucketUrlOf(bucket: string, region: string, endpoint: unknown): string {
  if (endpoint === undefined) {
    if (!REGION.test(region)) throw configurationError('s3Folder: the signedFetch\'s "region" must be an AWS region such as "us-east-1" (or pass an "endpoint").');
    return `https://${bucket}.s3.${region}.amazonaws.com`;
  }
  checkTokenUrl(endpoint, 'endpoint');
  const text = endpoint as string;
  if (/[?#]/.test(text)) throw configurationError('s3Folder: "endpoint" must have no query or fragment.');
  const url = new URL(text);
  return `${url.origin}${url.pathname.replace(/\/$/, '')}/${bucket}`;
}

/**
 * Refuses a key with a `.` or `..` segment: the URL would be resolved (`folder/../bob/x` is Bob's
 * `x`, `folder/..` the bucket itself), so the signed request would not be for this key. Refuses a key
 * that is not well-formed Unicode (a lone surrogate) too: it has no UTF-8, so `encodeURIComponent`
 * throws a raw `URIError` and a form or a policy would carry U+FFFD instead (another key). Empty
 * segments (`a//b`, a trailing `/` for a folder marker) are S3 keys like any other and no URL merges
 * them, so they pass.
 * @throws {DelegationError} `invalid_configuration`, quoting no value.
 */
export function checkKey(key: string, what: string): void {
  if (typeof key !== 'string' || key.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw configurationError(`${what} must be a string with no "." or ".." segment (a URL would resolve it to another key).`);
  }
  // With the u flag a string is read by code points: a surrogate pair is one, a lone surrogate is \p{Cs}.
  if (/\p{Cs}/u.test(key)) throw configurationError(`${what} must be well-formed Unicode: a lone surrogate has no UTF-8 (it would be sent as U+FFFD, another key).`);
}
