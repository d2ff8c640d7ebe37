// @ts-check
// auth0-js@7.6.1 as its standalone build put it on `window.Auth0`: npm ships no build, so it is bundled
// here from the package's own standalone.js (sloppy mode kept, `global` = window as browserify did). The
// v7 differential test runs it as an oracle; the bench weighs it (minified) as the size baseline.
import { join } from 'node:path';
import commonjs from '@rollup/plugin-commonjs';
import json from '@rollup/plugin-json';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { rollup } from 'rollup';

const ROOT = join(import.meta.dirname, '../..');

/**
 * auth0-js@7.6.1's standalone.js, bundled for the browser as an IIFE.
 * @param {{ minify?: boolean }} [options] minified by terser, as a page would ship it (default: not)
 * @returns {Promise<string>}
 */
export async function bundleAuth0V7({ minify = false } = {}) {
  const bundle = await rollup({
    input: join(ROOT, 'node_modules/auth0-js/standalone.js'),
    plugins: [nodeResolve({ browser: true, preferBuiltins: false }), commonjs(), json(), ...(minify ? [terser()] : [])],
    // reqwest and json-fallback use eval for old browsers: theirs, not ours.
    onwarn: () => undefined,
  });
  const { output } = await bundle.generate({ format: 'iife', strict: false, intro: 'var global = window;' });
  await bundle.close();
  return output[0].code;
}
