// @ts-check
// Apps bundled as a bundler user's build would make them, for the size figures: esbuild (--bundle
// --minify, ESM for browsers) and rollup (node-resolve for browsers, commonjs, json, terser). This
// package's entries resolve to dist/ as node_modules/auth0-aws-delegation would.
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import commonjs from '@rollup/plugin-commonjs';
import json from '@rollup/plugin-json';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { build } from 'esbuild';
import { rollup } from 'rollup';

const ROOT = join(import.meta.dirname, '../..');
const DIST = join(ROOT, 'dist');

/** This package's entry file in dist/ for an import path, or undefined for any other. @param {string} path */
const distEntry = (path) => (/^auth0-aws-delegation(\/|$)/.test(path) ? join(DIST, `${path === 'auth0-aws-delegation' ? 'index' : path.slice('auth0-aws-delegation/'.length)}.mjs`) : undefined);

/** @param {Uint8Array} code */
const weighCode = (code) => ({ raw: code.length, gzip: gzipSync(code, { level: 9 }).length, code });

/**
 * Raw and gzip -9 bytes (and the code) of `source` (or of the file `entry`) bundled by esbuild for
 * browsers, minified.
 * @param {{ source?: string, entry?: string }} app
 */
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
    plugins: [{ name: 'this-package', setup: (pluginBuild) => void pluginBuild.onResolve({ filter: /^auth0-aws-delegation(\/|$)/ }, ({ path }) => ({ path: /** @type {string} */ (distEntry(path)) })) }],
  });
  return weighCode(result.outputFiles[0]?.contents ?? new Uint8Array());
}

/**
 * The chunks rollup makes of `source` (or of the file `entry`), one per lazy import, bundled for
 * browsers and minified.
 * @param {string | { source?: string, entry?: string }} app
 */
export async function rollupChunks(app) {
  const { source, entry } = typeof app === 'string' ? { source: app, entry: undefined } : app;
  const bundle = await rollup({
    input: entry ?? 'app',
    plugins: [{ name: 'app', resolveId: (id) => (id === 'app' ? id : distEntry(id) ?? null), load: (id) => (id === 'app' ? source : null) }, nodeResolve({ browser: true, preferBuiltins: false }), commonjs(), json(), terser({ ecma: 2022 })],
    // @aws-sdk/credential-provider-web-identity maps its Node-only fromTokenFile to `false` for browsers:
    // rollup then needs a shim for that export (README, "With a bundler").
    shimMissingExports: true,
    onwarn: () => undefined,
  });
  const { output } = await bundle.generate({ format: 'es' });
  await bundle.close();
  return output.filter((item) => item.type === 'chunk').map((chunk) => ({ code: chunk.code, entry: chunk.isEntry, modules: Object.keys(chunk.modules), awsModules: Object.keys(chunk.modules).filter((id) => /@aws-sdk|@smithy/.test(id)) }));
}

/** Raw and gzip -9 bytes of `source` (or of the file `entry`) bundled by rollup, all its chunks together. @param {{ source?: string, entry?: string }} app */
export async function rollupApp(app) {
  const chunks = await rollupChunks(app);
  return weighCode(Buffer.from(chunks.map((chunk) => chunk.code).join('\n')));
}
