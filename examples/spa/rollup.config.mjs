// Bundles the SPA as an app would: the package's ESM build (here resolved to this repository's dist/,
// as node_modules/auth0-aws-delegation would be) and the AWS SDK's browser build, tree-shaken.
import { fileURLToPath } from 'node:url';
import commonjs from '@rollup/plugin-commonjs';
import json from '@rollup/plugin-json';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

const sdkEntry = fileURLToPath(new URL('../../dist/index.mjs', import.meta.url));

export default {
  input: fileURLToPath(new URL('main.mjs', import.meta.url)),
  plugins: [
    { name: 'this-package', resolveId: (id) => (id === 'auth0-aws-delegation' ? sdkEntry : null) },
    nodeResolve({ browser: true, preferBuiltins: false }),
    commonjs(),
    json(),
    terser({ ecma: 2022, format: { comments: false } }),
  ],
  onwarn(warning, warn) {
    if (warning.code === 'CIRCULAR_DEPENDENCY' && warning.ids?.every((id) => id.includes('node_modules'))) return;
    warn(warning);
  },
  output: { file: fileURLToPath(new URL('dist/app.js', import.meta.url)), format: 'es', sourcemap: true, inlineDynamicImports: true },
};
