// @ts-check
// Figure 7: what a page ships to sign in, get credentials and upload into the user's folder, bundled as
// an app's own build would (esbuild --bundle --minify, ESM for browsers; gzip -9), every row from this
// run: this SDK's fetch entry (the lean app and the whole lean uploader example), this SDK with the AWS
// SDK (S3Client + PutObject, and the SPA example), the AWS SDK with fromWebToken, Amplify v6
// (fetchAuthSession + uploadData; a dev dependency of the bench only), and the floor (aws4fetch's PUT
// and a hand-written POST to /delegation). Goal: the lean app <= 12 KB gzip, under 0.3x Amplify.
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '../..');
const DIST = join(ROOT, 'dist');
export const LEAN_APP_BUDGET = 12 * 1024;

/** This package's entries, resolved to dist/ as node_modules/auth0-aws-delegation would be. */
const thisPackage = {
  name: 'this-package',
  /** @param {import('esbuild').PluginBuild} pluginBuild */
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^auth0-aws-delegation(\/|$)/ }, ({ path }) => ({ path: join(DIST, `${path === 'auth0-aws-delegation' ? 'index' : path.slice('auth0-aws-delegation/'.length)}.mjs`) }));
  },
};

/** Raw and gzip -9 bytes (and the code) of `source` (or of the file `entry`) bundled by esbuild for browsers, minified. @param {{ source?: string, entry?: string }} app */
export async function esbuildApp({ source, entry }) {
  const result = await build({
    ...(entry === undefined ? { stdin: { contents: source ?? '', resolveDir: ROOT, loader: 'js' } } : { entryPoints: [entry] }),
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
    plugins: [thisPackage],
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  return { raw: code.length, gzip: gzipSync(code, { level: 9 }).length, code };
}

const CONFIG = "const config = { domain: 'tenant.auth0.com', clientID: 'abc', bucket: 'my-bucket', region: 'us-east-1' };\n";
/** Sign-in: Auth0's implicit flow (the ID token in the URL fragment), as the uploader does it. */
const SIGN_IN = `const idToken = new URLSearchParams(location.hash.slice(1)).get('id_token');
if (!idToken) location.assign('https://' + config.domain + '/authorize?' + new URLSearchParams({ client_id: config.clientID, response_type: 'id_token', scope: 'openid', redirect_uri: location.href, nonce: crypto.randomUUID() }));
const sub = idToken && JSON.parse(atob(idToken.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).sub;
const input = document.querySelector('input');
const progress = (loaded, total) => (document.querySelector('progress').value = loaded / total);
`;

const APPS = {
  lean: `import { DelegationClient } from 'auth0-aws-delegation';
import { putObject, s3Folder, signedFetch } from 'auth0-aws-delegation/fetch';
${CONFIG}${SIGN_IN}
const client = new DelegationClient({ clientID: config.clientID, domain: config.domain });
const folder = s3Folder(signedFetch(client, { idToken, region: config.region }), { bucket: config.bucket, folder: sub + '/' });
input.onchange = () => { for (const file of input.files) putObject(folder, file.name, file, { onProgress: progress }); };
`,
  sdkS3: `import { DelegationClient, fromDelegation } from 'auth0-aws-delegation';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
${CONFIG}${SIGN_IN}
const client = new DelegationClient({ clientID: config.clientID, domain: config.domain });
const s3 = new S3Client({ region: config.region, requestChecksumCalculation: 'WHEN_REQUIRED', credentials: fromDelegation(client, { idToken }) });
input.onchange = () => { for (const file of input.files) s3.send(new PutObjectCommand({ Bucket: config.bucket, Key: sub + '/' + file.name, Body: file })); };
`,
  awsWebToken: `import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { fromWebToken } from '@aws-sdk/credential-provider-web-identity';
${CONFIG}${SIGN_IN}
const s3 = new S3Client({ region: config.region, requestChecksumCalculation: 'WHEN_REQUIRED', credentials: fromWebToken({ roleArn: 'arn:aws:iam::123456789012:role/r', webIdentityToken: idToken, clientConfig: { region: config.region } }) });
input.onchange = () => { for (const file of input.files) s3.send(new PutObjectCommand({ Bucket: config.bucket, Key: sub + '/' + file.name, Body: file })); };
`,
  amplify: `import { Amplify } from 'aws-amplify';
import { fetchAuthSession } from 'aws-amplify/auth';
import { uploadData } from 'aws-amplify/storage';
Amplify.configure({ Auth: { Cognito: { identityPoolId: 'us-east-1:0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0', userPoolId: 'us-east-1_abc', userPoolClientId: 'abc' } }, Storage: { S3: { bucket: 'my-bucket', region: 'us-east-1' } } });
const input = document.querySelector('input');
input.onchange = async () => {
  await fetchAuthSession();
  for (const file of input.files) uploadData({ path: ({ identityId }) => 'private/' + identityId + '/' + file.name, data: file, options: { onProgress: ({ transferredBytes, totalBytes }) => (document.querySelector('progress').value = transferredBytes / totalBytes) } });
};
`,
  floor: `import { AwsClient } from 'aws4fetch';
${CONFIG}${SIGN_IN}
const body = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', client_id: config.clientID, target: config.clientID, api_type: 'aws', id_token: idToken });
input.onchange = async () => {
  const { Credentials: c } = await (await fetch('https://' + config.domain + '/delegation', { method: 'POST', body })).json();
  const aws = new AwsClient({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, region: config.region, service: 's3' });
  for (const file of input.files) aws.fetch('https://' + config.bucket + '.s3.amazonaws.com/' + sub + '/' + encodeURIComponent(file.name), { method: 'PUT', body: file });
};
`,
};

export async function uploadAppWeights() {
  const measured = {
    lean: await esbuildApp({ source: APPS.lean }),
    leanUploader: await esbuildApp({ entry: join(ROOT, 'examples/lean/main.mjs') }),
    sdkS3: await esbuildApp({ source: APPS.sdkS3 }),
    spaUploader: await esbuildApp({ entry: join(ROOT, 'examples/spa/main.mjs') }),
    awsWebToken: await esbuildApp({ source: APPS.awsWebToken }),
    amplify: await esbuildApp({ source: APPS.amplify }),
    floor: await esbuildApp({ source: APPS.floor }),
  };
  const amplify = measured.amplify.gzip;
  const labels = {
    lean: 'this SDK + auth0-aws-delegation/fetch (signedFetch + putObject): sign in, credentials, upload',
    leanUploader: 'the lean uploader example (examples/lean: list, download, delete, progress, UI)',
    sdkS3: 'this SDK + S3Client + PutObject',
    spaUploader: 'the SPA uploader example (examples/spa: AWS SDK, multipart by the page, share links, three exchanges)',
    awsWebToken: 'AWS SDK S3 + fromWebToken',
    amplify: 'Amplify v6 fetchAuthSession + uploadData (baseline)',
    floor: 'aws4fetch PUT + a hand-written POST to /delegation (the floor)',
  };
  const rows = Object.entries(measured).map(([name, weight]) => ({ app: labels[/** @type {keyof typeof labels} */ (name)], raw: weight.raw, gzip: weight.gzip, 'x Amplify': (weight.gzip / amplify).toFixed(2) }));
  const lean = measured.lean.gzip;
  return {
    rows,
    checks: [
      { check: `upload app on the fetch entry, esbuild gzip <= ${LEAN_APP_BUDGET} B`, value: lean, pass: lean <= LEAN_APP_BUDGET },
      { check: 'upload app on the fetch entry / Amplify (same run) < 0.3', value: (lean / amplify).toFixed(3), pass: lean / amplify < 0.3 },
    ],
  };
}

// Run alone: node test/bench/app-sizes.mjs
if (process.argv[1] === import.meta.filename) console.table((await uploadAppWeights()).rows);
