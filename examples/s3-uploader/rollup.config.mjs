// Bundles Uppy for the script-tag page: @uppy/core, @uppy/dashboard, @uppy/aws-s3 and
// @uppy/golden-retriever (pinned in package.json) into dist/uppy.min.mjs, one ES module. The page's own
// modules are not bundled: they are served as they are.
import { fileURLToPath } from 'node:url';
import commonjs from '@rollup/plugin-commonjs';
import json from '@rollup/plugin-json';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

export default {
  input: fileURLToPath(new URL('uppy-bundle.mjs', import.meta.url)),
  plugins: [
    nodeResolve({ browser: true, preferBuiltins: false }),
    commonjs(),
    // @uppy/aws-s3 reads its version from its package.json.
    json(),
    terser({ ecma: 2022, format: { comments: false } }),
  ],
  output: { file: fileURLToPath(new URL('dist/uppy.min.mjs', import.meta.url)), format: 'es', sourcemap: true },
};
