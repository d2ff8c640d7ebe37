// @ts-check
// Figure 1: bundle weight. Raw, gzip (-9) and brotli bytes of every built bundle and of a tree-shaken
// app that imports DelegationClient + fromDelegation only; the app must contain no AWS SDK code.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import commonjs from '@rollup/plugin-commonjs';
import json from '@rollup/plugin-json';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { rollup } from 'rollup';
import { UMD_CORE_ACCEPTED_OVERSHOOT, UMD_CORE_BUDGET } from './budgets.mjs';

const DIST = join(import.meta.dirname, '../../dist');

/** @param {Uint8Array | string} content */
function weigh(content) {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, brotli: brotliCompressSync(bytes).length };
}

/** An app made of `source`, bundled for browsers, minified; one chunk per lazy import. @param {string} source */
async function bundleApp(source) {
  const bundle = await rollup({
    input: 'app',
    plugins: [{ name: 'app', resolveId: (id) => (id === 'app' ? id : null), load: (id) => (id === 'app' ? source : null) }, nodeResolve({ browser: true, preferBuiltins: false }), commonjs(), json(), terser({ ecma: 2022 })],
    onwarn: () => undefined,
  });
  const { output } = await bundle.generate({ format: 'es' });
  await bundle.close();
  return output.filter((item) => item.type === 'chunk').map((chunk) => ({ code: chunk.code, entry: chunk.isEntry, awsModules: Object.keys(chunk.modules).filter((id) => /@aws-sdk|@smithy/.test(id)) }));
}

async function treeShakenApp() {
  const [chunk] = await bundleApp(`import { DelegationClient, fromDelegation } from ${JSON.stringify(join(DIST, 'index.mjs'))};\nexport const app = [DelegationClient, fromDelegation];\n`);
  return /** @type {{ code: string, awsModules: string[] }} */ (chunk);
}

/** The same app switched to the web-identity exchange: STS arrives as a lazy chunk, on first use. */
async function webIdentityApp() {
  const chunks = await bundleApp(
    `import { DelegationClient, fromDelegation } from ${JSON.stringify(join(DIST, 'index.mjs'))};\n` +
      `export const client = new DelegationClient({ clientID: 'id', domain: 'tenant.auth0.com', exchange: { type: 'web-identity', roleArn: 'arn:aws:iam::123456789012:role/r', region: 'us-east-1' } });\n` +
      `export const provider = fromDelegation(client, { idToken: '' });\n`,
  );
  const entry = chunks.find((chunk) => chunk.entry);
  const lazy = chunks.filter((chunk) => !chunk.entry);
  return { entry, lazyCode: lazy.map((chunk) => chunk.code).join('\n'), lazyCount: lazy.length };
}

export async function bundleWeights() {
  const rows = readdirSync(DIST)
    .filter((file) => /\.(m?js|cjs)$/.test(file))
    .sort()
    .map((file) => ({ bundle: file, ...weigh(readFileSync(join(DIST, file))) }));
  const app = await treeShakenApp();
  rows.push({ bundle: 'app: DelegationClient + fromDelegation (ESM, tree-shaken, minified)', ...weigh(app.code) });
  const web = await webIdentityApp();
  rows.push({ bundle: 'app with exchange: web-identity, entry chunk', ...weigh(web.entry?.code ?? '') });
  rows.push({ bundle: `app with exchange: web-identity, lazy chunk(s) (${web.lazyCount}: @aws-sdk/client-sts)`, ...weigh(web.lazyCode) });
  const umd = rows.find((row) => row.bundle === 'auth0-aws-delegation.umd.min.js');
  const checks = [
    { check: `UMD core gzip < ${UMD_CORE_BUDGET} B budget + ${UMD_CORE_ACCEPTED_OVERSHOOT} B stated overshoot (over budget by ${(umd?.gzip ?? 0) - UMD_CORE_BUDGET} B)`, value: umd?.gzip, pass: umd !== undefined && umd.gzip < UMD_CORE_BUDGET + UMD_CORE_ACCEPTED_OVERSHOOT },
    { check: 'tree-shaken app: AWS SDK modules', value: app.awsModules.length, pass: app.awsModules.length === 0 },
    { check: 'web-identity app: AWS SDK modules in the entry chunk (STS only lazily)', value: web.entry?.awsModules.length, pass: web.entry !== undefined && web.entry.awsModules.length === 0 && web.lazyCount > 0 },
  ];
  return { rows, checks };
}
