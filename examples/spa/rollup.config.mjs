// Bundles the SPA as an app would: the package's ESM build (here resolved to this repository's dist/,
// as node_modules/auth0-aws-delegation would be) and the AWS SDK's browser build, tree-shaken.
import { fileURLToPath } from 'node:url';
import commonjs from '@rollup/plugin-commonjs';
import json from '@rollup/plugin-json';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

/** This package's entries, as node_modules/auth0-aws-delegation would resolve them (package.json "exports"). */
const ENTRIES = { 'auth0-aws-delegation': 'index', 'auth0-aws-delegation/web-identity': 'web-identity', 'auth0-aws-delegation/cognito': 'cognito' };
const entry = (id) => (ENTRIES[id] ? fileURLToPath(new URL(`../../dist/${ENTRIES[id]}.mjs`, import.meta.url)) : null);

export default {
  input: fileURLToPath(new URL('main.mjs', import.meta.url)),
  plugins: [
    { name: 'this-package', resolveId: entry },
    nodeResolve({ browser: true, preferBuiltins: false }),
    commonjs(),
    json(),
    terser({ ecma: 2022, format: { comments: false } }),
  ],
  // @aws-sdk/credential-provider-web-identity maps its Node-only fromTokenFile to `false` for browsers.
  shimMissingExports: true,
  onwarn(warning, warn) {
    if (warning.code === 'CIRCULAR_DEPENDENCY' && warning.ids?.every((id) => id.includes('node_modules'))) return;
    // The one export that browser mapping leaves out, shimmed on purpose (above): not news at every build.
    if (warning.code === 'SHIMMED_EXPORT' && warning.binding === 'fromTokenFile') return;
    warn(warning);
  },
  output: { file: fileURLToPath(new URL('dist/app.js', import.meta.url)), format: 'es', sourcemap: true, inlineDynamicImports: true },
};
