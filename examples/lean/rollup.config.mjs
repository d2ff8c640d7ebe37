// Bundles the lean uploader as an app would: the package's ESM build (here resolved to this repository's dist/,
// as node_modules/auth0-aws-delegation would be) tree-shaken: no AWS SDK at all.
import { fileURLToPath } from 'node:url';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

/** This package's entries, as node_modules/auth0-aws-delegation would resolve them (package.json "exports"). */
const ENTRIES = { 'auth0-aws-delegation': 'index', 'auth0-aws-delegation/web-identity': 'web-identity', 'auth0-aws-delegation/cognito': 'cognito', 'auth0-aws-delegation/fetch': 'fetch' };
const entry = (id) => (ENTRIES[id] ? fileURLToPath(new URL(`../../dist/${ENTRIES[id]}.mjs`, import.meta.url)) : null);

export default {
  input: fileURLToPath(new URL('main.mjs', import.meta.url)),
  plugins: [
    { name: 'this-package', resolveId: entry },
    nodeResolve({ browser: true, preferBuiltins: false }),
    terser({ ecma: 2022, format: { comments: false } }),
  ],
  output: { file: fileURLToPath(new URL('dist/app.js', import.meta.url)), format: 'es', sourcemap: true },
};
