// One source, several formats: ESM and CJS for npm (dependencies external; the main entry and one subpath
// entry per optional exchange, sharing their common code as chunks), bundled declarations for both, and
// minified script-tag builds (ES2022). Nothing is swapped at build time: each script build is made of
// what its entry imports.
import commonjs from '@rollup/plugin-commonjs';
import json from '@rollup/plugin-json';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dts } from 'rollup-plugin-dts';
import { thirdPartyNotices } from './scripts/third-party-notices.mjs';

/** The package's entries: `.`, and the optional exchanges, each behind its own subpath. */
const ENTRIES = { index: 'src/index.ts', 'web-identity': 'src/entries/web-identity.ts', cognito: 'src/entries/cognito.ts', fetch: 'src/entries/fetch.ts' };
// ky and jwt-decode are dependencies, left to the app's bundler (one copy per app); the AWS SDK providers
// are optional peers, imported lazily by their exchanges only. aws4fetch (MIT, 2 KB gzip) is bundled into
// the fetch entry's chunk, its licence kept (see DESIGN.md). The script-tag builds bundle everything.
const bundled = () => nodeResolve({ resolveOnly: ['aws4fetch'] });
const external = ['ky', 'jwt-decode', '@aws-sdk/credential-provider-web-identity', '@aws-sdk/credential-provider-cognito-identity'];
// Types for the script-tag globals, as dist/globals.d.ts and dist/globals-v7.d.ts next to the bundled
// declarations they import (src/globals/ is kept out of tsconfig: the two declare the same global).
const scriptGlobals = {
  name: 'script-globals',
  generateBundle() {
    for (const [source, fileName] of [['core', 'globals.d.ts'], ['v7', 'globals-v7.d.ts']]) {
      const path = fileURLToPath(new URL(`src/globals/${source}.d.ts`, import.meta.url));
      this.addWatchFile(path);
      const text = readFileSync(path, 'utf8');
      this.emitFile({ type: 'asset', fileName, source: text.replaceAll("import('../index')", "import('./index.mjs')") });
    }
  },
};
/** aws4fetch's MIT notice, kept with its code wherever it is bundled (terser drops other comments). */
const AWS4FETCH_LICENCE = '/*! aws4fetch 1.0.20 | (c) Michael Hart | MIT License | github.com/mhart/aws4fetch */';
const aws4fetchLicence = {
  name: 'aws4fetch-licence',
  transform(code, id) {
    return id.includes('node_modules/aws4fetch/') ? { code: `${AWS4FETCH_LICENCE}\n${code}`, map: null } : null;
  },
};
const ts = () => typescript({ tsconfig: './tsconfig.build.json', sourceMap: true });
const minify = () =>
  terser({
    ecma: 2022,
    compress: { passes: 3, unsafe_arrows: true, pure_getters: true },
    format: { comments: false },
  });
// Each script build gets `${file}.LICENSE.txt` with the packages it bundles, once it bundles any.
const scriptTag = (input, file, format) => ({
  input,
  plugins: [nodeResolve({ browser: true }), ts(), minify(), ...thirdPartyNotices(file)],
  output: { file, format, name: 'Auth0AwsDelegation', exports: 'named', sourcemap: true },
});

export default [
  {
    input: ENTRIES,
    external,
    plugins: [bundled(), ts(), aws4fetchLicence],
    output: [
      { dir: 'dist', format: 'es', sourcemap: true, entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs' },
      { dir: 'dist', format: 'cjs', sourcemap: true, exports: 'named', interop: 'auto', entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs' },
    ],
  },
  {
    input: ENTRIES,
    external,
    plugins: [dts({ tsconfig: './tsconfig.build.json' })],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].d.mts', chunkFileNames: 'chunks/[name]-[hash].d.mts', plugins: [scriptGlobals] },
      { dir: 'dist', format: 'es', entryFileNames: '[name].d.cts', chunkFileNames: 'chunks/[name]-[hash].d.cts' },
    ],
  },
  scriptTag('src/entries/umd.ts', 'dist/auth0-aws-delegation.umd.min.js', 'umd'),
  scriptTag('src/entries/global-v7.ts', 'dist/auth0-aws-delegation.v7.min.js', 'iife'),
  {
    // The AWS SDK's browser build: CommonJS pieces, a JSON import of its own package.json, and a `false`
    // browser mapping that leaves an export missing (shimmed: never called in browsers).
    input: 'src/entries/s3-umd.ts',
    plugins: [nodeResolve({ browser: true, preferBuiltins: false }), commonjs(), json(), ts(), minify(), ...thirdPartyNotices('dist/auth0-aws-delegation.s3.umd.min.js')],
    shimMissingExports: true,
    onwarn(warning, warn) {
      // readable-stream (a lib-storage dependency) has circular imports that work; say nothing of them.
      if (warning.code === 'CIRCULAR_DEPENDENCY' && warning.ids?.every((id) => id.includes('node_modules'))) return;
      // The one export that browser mapping leaves out, shimmed on purpose (above): not news at every build.
      if (warning.code === 'SHIMMED_EXPORT' && warning.binding === 'fromTokenFile') return;
      warn(warning);
    },
    output: { file: 'dist/auth0-aws-delegation.s3.umd.min.js', format: 'umd', name: 'Auth0AwsDelegation', exports: 'named', sourcemap: true, inlineDynamicImports: true },
  },
];
