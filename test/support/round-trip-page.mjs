// @ts-check
// A page that uploads one small file each way a browser app can, for counting the requests the S3
// server sees per upload (test/e2e/round-trips.test.ts in three engines, figure 9 of `npm run bench`):
// the fetch entry's postObject and putObject (on a DelegationClient, from src/ by esbuild), aws4fetch's
// own signed PUT, and, when the S3 script build is on the page, the AWS SDK's PutObject.
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '../..');

const ENTRY = `
import { DelegationClient } from './src/index';
import { postObject, putObject, s3Folder, signedFetch, getObject } from './src/entries/fetch';
import { AwsClient } from 'aws4fetch';
window.RoundTrip = { DelegationClient, postObject, putObject, s3Folder, signedFetch, getObject, AwsClient };
`;

/**
 * The page's script: the fetch entry, a DelegationClient and aws4fetch's AwsClient on `window.RoundTrip`.
 * @returns {Promise<string>}
 */
export async function roundTripBundle() {
  const result = await build({ stdin: { contents: ENTRY, resolveDir: ROOT, loader: 'ts' }, bundle: true, format: 'iife', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent' });
  return result.outputFiles[0]?.text ?? '';
}

/**
 * The page: the bundle, and the S3 script build when given its path (for the AWS SDK's PutObject).
 * @param {{ s3Script?: boolean }} [options]
 */
export const roundTripHtml = ({ s3Script = false } = {}) => `<!doctype html><meta charset="utf-8"><title>round trips</title>${s3Script ? '<script src="/s3.js"></script>' : ''}<script src="/bundle.js"></script>`;

/**
 * @typedef {object} UploadArgs what `uploadInPage` is given (JSON: it runs in the page)
 * @property {'post' | 'put' | 'aws4fetch' | 'sdk' | 'warm'} how
 * @property {string} name the object's name in the folder
 * @property {string} idToken @property {string} clientID @property {string} authUrl @property {string} s3Url
 * @property {string} folder
 */

/**
 * Runs in the page (sent as source text: it closes over nothing): one upload of a small text file the
 * way `how` says, on one DelegationClient per page whose credentials are fetched first (`warm`), so that
 * only S3's requests are left to count. Resolves to the object's text read back, or `failed: ...`.
 * @param {UploadArgs} args
 */
export function uploadInPage({ how, name, idToken, clientID, authUrl, s3Url, folder }) {
  /** @type {any} */
  const page = window;
  const sdk = page.RoundTrip;
  page.rtClient ??= new sdk.DelegationClient({ clientID, domain: authUrl, shareAcrossTabs: false });
  const client = page.rtClient;
  const s3fetch = (page.rtFetch ??= sdk.signedFetch(client, { idToken, region: 'us-east-1' }));
  const where = sdk.s3Folder(s3fetch, { bucket: 'uploads', folder, endpoint: s3Url });
  const body = new Blob([`small file ${name}\n`], { type: 'text/plain' });
  const key = folder + name;
  /** @param {any} credentials */
  const upload = (credentials) => {
    if (how === 'warm') return Promise.resolve();
    // Progress asked for on the POST too: it must not cost a preflight.
    if (how === 'post') {
      return sdk.postObject(where, name, body, { onProgress: () => undefined }).then((/** @type {{ etag: string }} */ result) => {
        // S3's answer read across origins: the bucket's CORS exposes ETag.
        if (!/^"[0-9a-f]{32}"$/.test(result.etag)) throw new Error(`no ETag over CORS: ${result.etag}`);
      });
    }
    if (how === 'put') return sdk.putObject(where, name, body);
    if (how === 'aws4fetch') {
      const aws = new sdk.AwsClient({ accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken, service: 's3', region: 'us-east-1' });
      return aws.fetch(`${s3Url}/uploads/${key.split('/').map(encodeURIComponent).join('/')}`, { method: 'PUT', body, headers: { 'content-type': 'text/plain' } }).then((/** @type {Response} */ response) => {
        if (!response.ok) throw new Error(`aws4fetch PUT answered ${response.status}`);
      });
    }
    const s3 = page.Auth0AwsDelegation;
    const s3Client = (page.rtS3 ??= new s3.S3Client({ region: 'us-east-1', endpoint: s3Url, forcePathStyle: true, credentials: s3.fromDelegation(client, { idToken }), requestChecksumCalculation: 'WHEN_REQUIRED' }));
    return s3Client.send(new s3.PutObjectCommand({ Bucket: 'uploads', Key: key, Body: body, ContentType: 'text/plain' }));
  };
  return client.getCredentials({ idToken }).then(upload).then(
    () => 'done',
    (/** @type {any} */ error) => `failed: ${error && (error.code || error.name)} ${error && error.message}`,
  );
}
