// One source, four formats: ESM and CJS for npm (dependencies external), bundled declarations for both,
// and minified script-tag builds with ky inside (ES2022, as ky itself is).
import commonjs from '@rollup/plugin-commonjs';
import json from '@rollup/plugin-json';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dts } from 'rollup-plugin-dts';

// @aws-sdk/client-sts is imported lazily, and only by the web-identity exchange (an optional peer).
const external = ['ky', '@aws-sdk/client-sts'];
// The core script builds leave the web-identity exchange (and so STS) out, to stay within budget.
// ... and the sharing of credentials between tabs (each tab keeps its own cache there).
const LEFT_OUT = { './web-identity': 'src/web-identity-unavailable.ts', './tabs': 'src/tabs-unavailable.ts' };
const withoutWebIdentity = {
  name: 'without-web-identity-and-tabs',
  resolveId: (source, importer) => (LEFT_OUT[source] && importer?.includes('/src/') ? fileURLToPath(new URL(LEFT_OUT[source], import.meta.url)) : null),
};
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
const ts = () => typescript({ tsconfig: './tsconfig.build.json', sourceMap: true });
// ky 1.7.5 keeps its internals on `_`-prefixed properties (`_options`, `_retry`, ...). Nothing outside
// the bundle reads them, so the script-tag builds shorten them: this keeps the UMD core under its 7 KB
// gzip budget (test/node/dist.test.ts), and the browser tests run these very files.
const minify = ({ mangleUnderscored = true } = {}) =>
  terser({
    ecma: 2022,
    compress: { passes: 3, unsafe_arrows: true, pure_getters: true },
    mangle: mangleUnderscored ? { properties: { regex: /^_[a-z]/ } } : true,
    format: { comments: false },
  });
const scriptTag = (input, file, format) => ({
  input,
  plugins: [withoutWebIdentity, nodeResolve({ browser: true }), ts(), minify()],
  output: { file, format, name: 'Auth0AwsDelegation', exports: 'named', sourcemap: true },
});

export default [
  {
    input: 'src/index.ts',
    external,
    plugins: [ts()],
    output: [
      { file: 'dist/index.mjs', format: 'es', sourcemap: true },
      // ky is ESM-only: `interop: 'auto'` keeps `require('ky').default` working from the CJS build.
      { file: 'dist/index.cjs', format: 'cjs', sourcemap: true, exports: 'named', interop: 'auto' },
    ],
  },
  {
    input: 'src/index.ts',
    external,
    plugins: [dts({ tsconfig: './tsconfig.build.json' })],
    output: [{ file: 'dist/index.d.mts', format: 'es', plugins: [scriptGlobals] }, { file: 'dist/index.d.cts', format: 'es' }],
  },
  scriptTag('src/umd.ts', 'dist/auth0-aws-delegation.umd.min.js', 'umd'),
  scriptTag('src/global-v7.ts', 'dist/auth0-aws-delegation.v7.min.js', 'iife'),
  {
    // The AWS SDK's browser build: CommonJS pieces, a JSON import of its own package.json, and a `false`
    // browser mapping that leaves an export missing (shimmed: never called in browsers).
    input: 'src/s3-umd.ts',
    // No property mangling here: the AWS SDK and its stream polyfills are too large to vouch for.
    plugins: [nodeResolve({ browser: true, preferBuiltins: false }), commonjs(), json(), ts(), minify({ mangleUnderscored: false })],
    shimMissingExports: true,
    onwarn(warning, warn) {
      // readable-stream (a lib-storage dependency) has circular imports that work; say nothing of them.
      if (warning.code === 'CIRCULAR_DEPENDENCY' && warning.ids?.every((id) => id.includes('node_modules'))) return;
      warn(warning);
    },
    output: { file: 'dist/auth0-aws-delegation.s3.umd.min.js', format: 'umd', name: 'Auth0AwsDelegation', exports: 'named', sourcemap: true, inlineDynamicImports: true },
  },
];
