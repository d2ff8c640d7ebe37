// @ts-check
// Figure 1: bundle weight. Raw, gzip (-9) and brotli bytes of every built bundle (the script builds), and
// of apps as bundler users get them: the entry plus everything it pulls in, bundled and minified by
// rollup (terser) and by esbuild, from the npm build (dist/*.mjs). An app that imports DelegationClient
// + fromDelegation must contain no AWS SDK code.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { esbuildApp, rollupChunks as bundleApp } from './bundlers.mjs';
import { bundleAuth0V7 } from '../support/auth0-v7-bundle.mjs';
import { AUTH0_V7_RELEASE_GZIP, UMD_CORE_SHARE_OF_V7 } from './budgets.mjs';

const DIST = join(import.meta.dirname, '../../dist');

/** @param {Uint8Array | string} content */
function weigh(content) {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, brotli: brotliCompressSync(bytes).length };
}

async function treeShakenApp() {
  const [chunk] = await bundleApp(`import { DelegationClient, fromDelegation } from ${JSON.stringify(join(DIST, 'index.mjs'))};\nexport const app = [DelegationClient, fromDelegation];\n`);
  return /** @type {{ code: string, awsModules: string[] }} */ (chunk);
}

/** The exchanges an app can switch to, each from its own entry: the factory and its settings. */
const EXCHANGES = {
  'web-identity': { entry: 'web-identity.mjs', call: "webIdentity({ roleArn: 'arn:aws:iam::123456789012:role/r', region: 'us-east-1' })", provider: '@aws-sdk/credential-provider-web-identity' },
  cognito: { entry: 'cognito.mjs', call: "cognitoIdentityPool({ identityPoolId: 'us-east-1:0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0' })", provider: '@aws-sdk/credential-provider-cognito-identity' },
};

/**
 * The same app switched to another exchange: its AWS SDK provider (and the client it makes) arrives as
 * lazy chunks, on first use. Measured alone (the app has no S3Client yet) and next to an S3Client (what
 * an uploader ships: the lazy part then shares the AWS SDK's core).
 * @param {keyof typeof EXCHANGES} name @param {boolean} withS3
 */
async function exchangeApp(name, withS3) {
  const { entry, call, provider } = EXCHANGES[name];
  const factory = call.slice(0, call.indexOf('('));
  const chunks = await bundleApp(
    `import { DelegationClient, fromDelegation } from ${JSON.stringify(join(DIST, 'index.mjs'))};\n` +
      `import { ${factory} } from ${JSON.stringify(join(DIST, entry))};\n` +
      (withS3 ? `import { S3Client } from '@aws-sdk/client-s3';\n` : '') +
      `export const client = new DelegationClient({ clientID: 'id', domain: 'tenant.auth0.com', exchange: ${call} });\n` +
      `export const provider = fromDelegation(client, { idToken: '' });\n` +
      (withS3 ? `export const s3 = new S3Client({ region: 'us-east-1', credentials: provider });\n` : ''),
  );
  const entryChunk = chunks.find((chunk) => chunk.entry);
  // The S3Client has lazy chunks of its own (the default credential chain): only the exchange's count.
  const lazy = chunks.filter((chunk) => !chunk.entry && (!withS3 || chunk.modules.some((id) => id.includes(provider) || id.includes('nested-clients'))));
  return { entry: entryChunk, lazyCode: lazy.map((chunk) => chunk.code).join('\n'), lazyCount: lazy.length };
}

/** Apps as a bundler user writes them: what each imports, used so that nothing is shaken off. */
const BUNDLER_APPS = {
  'DelegationClient + fromDelegation': "import { DelegationClient, fromDelegation } from 'auth0-aws-delegation';\nexport const app = [DelegationClient, fromDelegation];\n",
  'DelegationClient + the fetch entry (signedFetch, s3Folder, the four operations)': "import { DelegationClient } from 'auth0-aws-delegation';\nimport { signedFetch, s3Folder, putObject, getObject, listObjects, deleteObject } from 'auth0-aws-delegation/fetch';\nexport const app = [DelegationClient, signedFetch, s3Folder, putObject, getObject, listObjects, deleteObject];\n",
  'the v7 facade (Auth0)': "import { Auth0 } from 'auth0-aws-delegation';\nexport const app = [Auth0];\n",
};

export async function bundleWeights() {
  /** @type {{ bundle: string, raw?: number, gzip: number, brotli?: number }[]} A recorded baseline has no raw or brotli bytes. */
  const rows = readdirSync(DIST)
    .filter((file) => /\.(m?js|cjs)$/.test(file))
    .sort()
    .map((file) => ({ bundle: file, ...weigh(readFileSync(join(DIST, file))) }));
  // Checked below for AWS SDK modules; weighed with the other apps.
  const app = await treeShakenApp();
  for (const [label, source] of Object.entries(BUNDLER_APPS)) {
    const [chunk] = await bundleApp(source.replaceAll('auth0-aws-delegation/fetch', join(DIST, 'fetch.mjs')).replaceAll("'auth0-aws-delegation'", JSON.stringify(join(DIST, 'index.mjs'))));
    rows.push({ bundle: `app: ${label} (rollup + terser)`, ...weigh(chunk?.code ?? '') });
    rows.push({ bundle: `app: ${label} (esbuild --minify)`, ...weigh((await esbuildApp({ source })).code) });
  }
  /** @type {{ check: string, value: unknown, pass: boolean }[]} */
  const exchangeChecks = [];
  for (const name of /** @type {(keyof typeof EXCHANGES)[]} */ (Object.keys(EXCHANGES))) {
    const alone = await exchangeApp(name, false);
    const withS3 = await exchangeApp(name, true);
    rows.push({ bundle: `app with exchange ${name}: entry chunk (no AWS SDK)`, ...weigh(alone.entry?.code ?? '') });
    rows.push({ bundle: `app with exchange ${name}: lazy chunk(s) alone (${alone.lazyCount}: ${EXCHANGES[name].provider})`, ...weigh(alone.lazyCode) });
    rows.push({ bundle: `app with exchange ${name} and an S3Client: its lazy chunk(s) (${withS3.lazyCount}; the AWS SDK's core already loaded)`, ...weigh(withS3.lazyCode) });
    exchangeChecks.push({ check: `${name} app: AWS SDK modules in the entry chunk (the provider only lazily)`, value: alone.entry?.awsModules.length, pass: alone.entry !== undefined && alone.entry.awsModules.length === 0 && alone.lazyCount > 0 });
  }
  // The baseline: auth0.js v7 as a page shipped it. Its npm package's standalone.js with the dependency
  // versions of its release (qs held at 6.3.0: package.json overrides), minified, weighed in this run;
  // and the release build itself (a constant: it is not on the registry).
  const v7 = weigh(await bundleAuth0V7({ minify: true }));
  rows.push({ bundle: 'baseline: auth0.js 7.6.1 standalone.js, release-era dependencies (rollup + terser)', ...v7 });
  rows.push({ bundle: 'baseline: auth0.js 7.6.1 build/auth0.min.js at its tag (recorded, not rebuilt)', gzip: AUTH0_V7_RELEASE_GZIP });
  const umd = rows.find((row) => row.bundle === 'auth0-aws-delegation.umd.min.js');
  // Judged against the lighter of the two baselines: the stricter budget.
  const v7Gzip = Math.min(v7.gzip, AUTH0_V7_RELEASE_GZIP);
  const checks = [
    { check: `UMD core gzip / auth0.js v7 gzip (the lighter baseline, ${v7Gzip} B) <= ${UMD_CORE_SHARE_OF_V7}`, value: umd === undefined ? undefined : (umd.gzip / v7Gzip).toFixed(3), pass: umd !== undefined && umd.gzip <= UMD_CORE_SHARE_OF_V7 * v7Gzip },
    { check: 'tree-shaken app: AWS SDK modules', value: app.awsModules.length, pass: app.awsModules.length === 0 },
    ...exchangeChecks,
  ];
  return { rows, checks };
}
