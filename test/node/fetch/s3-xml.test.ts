// Issue 24, point 9: the fetch entry's XML reader and the size of what it reads. Every answer it cannot
// read is `invalid_response` (never a raw RangeError), a listed key outside the folder is left out (not
// handed back under another key's tail), and no S3 body is read past its cap: 64 KB for error bodies and
// small answers, 8 MiB for a listing (the largest page S3 can send is under 6.7 MB; checked below).
// S3's answers are played by msw at the virtual-hosted URL, as in the continuation test.
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { getObject, listObjects, s3Folder, signedFetch, uploadMultipart } from '../../../src/entries/fetch';
import { DelegationClient } from '../../../src/index';
import { CLIENT_ID, DOMAIN, awsResult, delegationEndpoint, jsonResponse } from '../../support/delegation-endpoint';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';

const BUCKET_URL = 'https://bkt.s3.us-east-1.amazonaws.com';
const MIB = 1_048_576;
const alice = makeIdToken({ sub: 'auth0|alice', exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });

function setup() {
  server.use(delegationEndpoint(() => jsonResponse(awsResult(Date.now()))).handler);
  const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN });
  return s3Folder(signedFetch(client, { idToken: alice, region: 'us-east-1' }), { bucket: 'bkt', folder: 'auth0|alice/' });
}

const contents = (key: string, extra = '<Size>3</Size><LastModified>2026-11-30T10:00:00.000Z</LastModified>') => `<Contents><Key>${key}</Key>${extra}<ETag>&quot;abc&quot;</ETag><StorageClass>STANDARD</StorageClass></Contents>`;
const listing = (body: string, tail = '<IsTruncated>false</IsTruncated>') => `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>bkt</Name><Prefix>auth0|alice/</Prefix>${tail}${body}</ListBucketResult>`;
const xml = (text: string | ReadableStream, status = 200) => new HttpResponse(text, { status, headers: { 'content-type': 'application/xml' } });
const answerListing = (text: string | ReadableStream) => server.use(http.get(`${BUCKET_URL}/`, () => xml(text)));
const failure = (promise: Promise<unknown>) => promise.then(() => 'ok', (error: { name?: string; code?: string; status?: number }) => `${error.name} ${error.status} ${error.code}`);

/** A body of `total` bytes, made as it is read; `pulled()` says how much was made. */
function counted(total: number, tail = '') {
  let pulled = 0;
  const chunk = new TextEncoder().encode(' '.repeat(16_384));
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) {
        controller.enqueue(new TextEncoder().encode(tail));
        return controller.close();
      }
      pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { stream, pulled: () => pulled };
}

describe('character references', () => {
  it.each(['&#x110000;', '&#0;', '&#xD800;', '&#1114112;', '&#x1234567;', '&bogus;', 'a & b'])('%s in a listed key: invalid_response, not a RangeError', async (reference) => {
    answerListing(listing(contents(`auth0|alice/${reference}.txt`)));
    expect(await failure(listObjects(setup()))).toBe('DelegationError 0 invalid_response');
  });

  it('control: the five entities, decimal and hex references to real characters are decoded', async () => {
    answerListing(listing(contents('auth0|alice/&lt;&amp;&gt;&quot;&apos; &#233;&#x1F600;&#x9;.txt')));
    expect((await listObjects(setup())).objects.map((object) => object.name)).toEqual(['<&>"\' é\u{1F600}\t.txt']);
  });

  it('&#x110000; in CreateMultipartUpload\'s UploadId: invalid_response, and no part is sent', async () => {
    const sent: string[] = [];
    server.use(http.all(`${BUCKET_URL}/*`, ({ request }) => {
      sent.push(`${request.method} ${new URL(request.url).search}`);
      return xml('<InitiateMultipartUploadResult><Bucket>bkt</Bucket><Key>auth0|alice/big.bin</Key><UploadId>up&#x110000;load</UploadId></InitiateMultipartUploadResult>');
    }));
    expect(await failure(uploadMultipart(setup(), 'big.bin', new Blob([new Uint8Array(6 * MIB)]), { partSize: 5 * MIB }))).toBe('DelegationError 0 invalid_response');
    expect(sent).toEqual(['POST ?uploads']);
  });

  it('control: an UploadId with an entity is decoded, and sent back encoded', async () => {
    const sent: string[] = [];
    server.use(http.all(`${BUCKET_URL}/*`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      sent.push(`${request.method} ${query.get('uploadId') ?? 'create'} ${query.get('partNumber') ?? ''}`.trim());
      if (query.has('uploads')) return xml('<InitiateMultipartUploadResult><UploadId>a&amp;b</UploadId></InitiateMultipartUploadResult>');
      if (query.has('partNumber')) return new HttpResponse(null, { headers: { etag: `"part${query.get('partNumber')}"` } });
      return xml('<CompleteMultipartUploadResult><ETag>&quot;whole-2&quot;</ETag></CompleteMultipartUploadResult>');
    }));
    expect(await uploadMultipart(setup(), 'big.bin', new Blob([new Uint8Array(6 * MIB)]), { partSize: 5 * MIB })).toEqual({ etag: '"whole-2"' });
    // The two parts go out together (queueSize 4), in either order: only what is sent is checked here.
    expect([sent[0], ...sent.slice(1, 3).sort(), sent[3]]).toEqual(['POST create', 'PUT a&b 1', 'PUT a&b 2', 'POST a&b']);
  });
});

describe('what a listing must hold', () => {
  it('a key outside the folder is left out, not handed back under another key\'s tail', async () => {
    answerListing(listing(contents('auth0|alicex/notes.txt') + contents('auth0|bob/secret.txt') + contents('auth0|alice/mine.txt')));
    expect((await listObjects(setup())).objects.map(({ key, name }) => `${key} -> ${name}`)).toEqual(['auth0|alice/mine.txt -> mine.txt']);
  });

  it.each([
    ['an object without a key', contents('', '<Size>3</Size><LastModified>2026-11-30T10:00:00.000Z</LastModified>').replace('<Key></Key>', '')],
    ['an object without a size', contents('auth0|alice/a.txt', '<LastModified>2026-11-30T10:00:00.000Z</LastModified>')],
    ['a size that is no whole number', contents('auth0|alice/a.txt', '<Size>-3</Size><LastModified>2026-11-30T10:00:00.000Z</LastModified>')],
    ['a date that is no date', contents('auth0|alice/a.txt', '<Size>3</Size><LastModified>yesterday</LastModified>')],
  ])('%s: invalid_response', async (_name, body) => {
    answerListing(listing(body));
    expect(await failure(listObjects(setup()))).toBe('DelegationError 0 invalid_response');
  });

  it('a truncated page without its continuation token: invalid_response (a caller\'s loop would stop early, silently)', async () => {
    answerListing(listing(contents('auth0|alice/a.txt'), '<IsTruncated>true</IsTruncated>'));
    expect(await failure(listObjects(setup()))).toBe('DelegationError 0 invalid_response');
  });

  it('control: a complete page reads as before', async () => {
    answerListing(listing(contents('auth0|alice/a.txt'), '<IsTruncated>true</IsTruncated><NextContinuationToken>t1</NextContinuationToken>'));
    expect(await listObjects(setup())).toEqual({ objects: [{ key: 'auth0|alice/a.txt', name: 'a.txt', size: 3, lastModified: new Date('2026-11-30T10:00:00.000Z'), etag: '"abc"' }], continuationToken: 't1' });
  });
});

describe('size caps', () => {
  it('a listing over 8 MiB: invalid_response, read no further than the cap', async () => {
    const body = counted(40 * MIB, listing(contents('auth0|alice/a.txt')));
    answerListing(body.stream);
    expect(await failure(listObjects(setup()))).toBe('DelegationError 200 invalid_response');
    expect(body.pulled()).toBeLessThan(9 * MIB);
  });

  it('control: the largest page S3 can send (1,000 keys of 1,024 bytes, every byte escaped as &quot;) is read whole', async () => {
    const key = (index: number) => `auth0|alice/${String(index).padStart(4, '0')}${'"'.repeat(1024 - 'auth0|alice/'.length - 4)}`;
    const keys = Array.from({ length: 1000 }, (_, index) => key(index));
    const extra = '<LastModified>2026-11-30T10:00:00.000Z</LastModified><ChecksumAlgorithm>CRC64NVME</ChecksumAlgorithm><ChecksumType>FULL_OBJECT</ChecksumType><Size>5368709120</Size><Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID><DisplayName>display-name-of-the-owner</DisplayName></Owner>';
    const text = listing(keys.map((name) => contents(name.replace(/"/g, '&quot;'), extra)).join(''), '<IsTruncated>true</IsTruncated><NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>');
    expect(text.length).toBeGreaterThan(6 * MIB);
    answerListing(text);
    const page = await listObjects(setup());
    expect(page.objects.map((object) => object.key)).toEqual(keys);
  });

  it('an S3 error body over 64 KB is not read further: classified by its status (http_error), S3\'s code past the cap unseen', async () => {
    const body = counted(20 * MIB, '<Error><Code>AccessDenied</Code></Error>');
    server.use(http.get(`${BUCKET_URL}/*`, () => xml(body.stream, 403)));
    expect(await failure(getObject(setup(), 'notes.txt'))).toBe('DelegationError 403 http_error');
    expect(body.pulled()).toBeLessThan(MIB);
  });

  it('control: a small S3 error body is read, its code is the error\'s', async () => {
    const body = counted(16_384, '<Error><Code>AccessDenied</Code></Error>');
    server.use(http.get(`${BUCKET_URL}/*`, () => xml(body.stream, 403)));
    expect(await failure(getObject(setup(), 'notes.txt'))).toBe('DelegationError 403 AccessDenied');
  });
});
