// @ts-check
// Figure 1: bundle weight. Raw, gzip (-9) and brotli bytes of every built bundle and of a tree-shaken
// app that imports DelegationClient + fromDelegation only; the app must contain no AWS SDK code.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { rollup } from 'rollup';

const DIST = join(import.meta.dirname, '../../dist');
export const UMD_CORE_BUDGET = 7_000;

/** @param {Uint8Array | string} content */
function weigh(content) {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, brotli: brotliCompressSync(bytes).length };
}

async function treeShakenApp() {
  const entry = `import { DelegationClient, fromDelegation } from ${JSON.stringify(join(DIST, 'index.mjs'))};\nexport const app = [DelegationClient, fromDelegation];\n`;
  const bundle = await rollup({
    input: 'app',
    plugins: [{ name: 'app', resolveId: (id) => (id === 'app' ? id : null), load: (id) => (id === 'app' ? entry : null) }, nodeResolve({ browser: true }), terser({ ecma: 2022 })],
  });
  const { output } = await bundle.generate({ format: 'es' });
  await bundle.close();
  const [chunk] = output;
  return { code: chunk.code, awsModules: Object.keys(chunk.modules).filter((id) => /@aws-sdk|@smithy/.test(id)) };
}

export async function bundleWeights() {
  const rows = readdirSync(DIST)
    .filter((file) => /\.(m?js|cjs)$/.test(file))
    .sort()
    .map((file) => ({ bundle: file, ...weigh(readFileSync(join(DIST, file))) }));
  const app = await treeShakenApp();
  rows.push({ bundle: 'app: DelegationClient + fromDelegation (ESM, tree-shaken, minified)', ...weigh(app.code) });
  const umd = rows.find((row) => row.bundle === 'auth0-aws-delegation.umd.min.js');
  const checks = [
    { check: `UMD core gzip < ${UMD_CORE_BUDGET} B`, value: umd?.gzip, pass: umd !== undefined && umd.gzip < UMD_CORE_BUDGET },
    { check: 'tree-shaken app: AWS SDK modules', value: app.awsModules.length, pass: app.awsModules.length === 0 },
  ];
  return { rows, checks };
}
