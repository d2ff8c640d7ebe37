// The four bundlers, through their Node APIs (this repository's pinned copies), each building a browser
// app in a scratch folder as that bundler's users would: every import of the app resolves from the
// scratch project's node_modules, the packed tarball included. Each writes `dist/` with an index.html.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import commonjs from '@rollup/plugin-commonjs';
import json from '@rollup/plugin-json';
import nodeResolve from '@rollup/plugin-node-resolve';
import * as esbuild from 'esbuild';
import { rollup } from 'rollup';
import { build as viteBuild } from 'vite';
import webpack from 'webpack';

export const BUNDLERS = ['esbuild', 'webpack', 'rollup', 'vite'] as const;
export type Bundler = (typeof BUNDLERS)[number];

/** What a build left: the JavaScript files written and, from esbuild, which module imported what. */
export interface BuildOutput {
  files: string[];
  /** esbuild only: each input (relative to the app) -> the inputs it imports. */
  imports?: Record<string, string[]>;
  /** esbuild only: the bytes of the minified output that come from this package's modules. */
  packageBytes?: number;
}

const page = (script: string) => `<!doctype html><meta charset="utf-8"><title>consumer</title>${script}`;

/** Every .js file under `dir`. */
export function jsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((file) => join(dir, file))
    .filter((file) => file.endsWith('.js') && statSync(file).isFile());
}

/** Total size of the app's JavaScript, raw and gzip (level 9), in bytes. */
export function sizeOf(files: string[]): { raw: number; gzip: number } {
  const bytes = files.map((file) => readFileSync(file));
  return { raw: bytes.reduce((sum, b) => sum + b.length, 0), gzip: bytes.reduce((sum, b) => sum + gzipSync(b, { level: 9 }).length, 0) };
}

async function withEsbuild(app: string): Promise<BuildOutput> {
  const result = await esbuild.build({
    absWorkingDir: app, entryPoints: ['main.js'], bundle: true, format: 'esm', splitting: true, platform: 'browser',
    target: 'es2022', minify: true, outdir: 'dist', metafile: true, logLevel: 'silent',
  });
  writeFileSync(join(app, 'dist/index.html'), page('<script type="module" src="./main.js"></script>'));
  const imports = Object.fromEntries(Object.entries(result.metafile.inputs).map(([input, { imports: list }]) => [input, list.map((entry) => entry.path)]));
  const packageBytes = Object.values(result.metafile.outputs)
    .flatMap((output) => Object.entries(output.inputs))
    .filter(([input]) => input.includes('node_modules/auth0-aws-delegation/'))
    .reduce((sum, [, { bytesInOutput }]) => sum + bytesInOutput, 0);
  return { files: jsFiles(join(app, 'dist')), imports, packageBytes };
}

function withWebpack(app: string): Promise<BuildOutput> {
  const compiler = webpack({
    mode: 'production', context: app, entry: './main.js', target: ['web', 'es2022'], devtool: false,
    output: { path: join(app, 'dist'), filename: 'main.js', publicPath: 'auto', clean: true },
    // Tree-shaken and concatenated as in production, not minified: terser alone took 30 s per app here.
    optimization: { minimize: false }, performance: { hints: false }, infrastructureLogging: { level: 'error' },
  });
  return new Promise((resolve, reject) => {
    compiler.run((error, stats) => {
      compiler.close(() => undefined);
      if (error) return reject(error);
      if (stats?.hasErrors()) return reject(new Error(stats.toString('errors-only')));
      writeFileSync(join(app, 'dist/index.html'), page('<script src="./main.js"></script>'));
      resolve({ files: jsFiles(join(app, 'dist')) });
    });
  });
}

async function withRollup(app: string, peer: boolean): Promise<BuildOutput> {
  const warnings: string[] = [];
  const bundle = await rollup({
    input: join(app, 'main.js'),
    plugins: [nodeResolve({ browser: true, preferBuiltins: false }), commonjs(), json()],
    // @aws-sdk/credential-provider-web-identity maps its Node-only fromTokenFile to `false` for browsers.
    shimMissingExports: peer,
    onwarn: (warning) => {
      if (warning.code === 'CIRCULAR_DEPENDENCY' || warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'SHIMMED_EXPORT') return;
      warnings.push(`${warning.code}: ${warning.message}`);
    },
  });
  try {
    await bundle.write({ dir: join(app, 'dist'), format: 'es', entryFileNames: 'main.js', chunkFileNames: 'chunks/[name]-[hash].js' });
  } finally {
    await bundle.close();
  }
  // An unresolved import is only a warning to rollup (it leaves the bare import in the output).
  if (warnings.some((warning) => warning.startsWith('UNRESOLVED_IMPORT'))) throw new Error(warnings.join('\n'));
  writeFileSync(join(app, 'dist/index.html'), page('<script type="module" src="./main.js"></script>'));
  return { files: jsFiles(join(app, 'dist')) };
}

async function withVite(app: string): Promise<BuildOutput> {
  writeFileSync(join(app, 'index.html'), page('<script type="module" src="./main.js"></script>'));
  await viteBuild({
    root: app, base: './', configFile: false, envFile: false, logLevel: 'silent', clearScreen: false,
    cacheDir: join(app, '.vite'), build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  });
  return { files: jsFiles(join(app, 'dist')) };
}

/** Builds `<app>/main.js` into `<app>/dist/` with the bundler. */
export function build(bundler: Bundler, app: string, peer: boolean): Promise<BuildOutput> {
  if (bundler === 'esbuild') return withEsbuild(app);
  if (bundler === 'webpack') return withWebpack(app);
  if (bundler === 'rollup') return withRollup(app, peer);
  return withVite(app);
}

/** Ends esbuild's service process (it would keep the test worker alive). */
export const stopBundlers = (): Promise<void> => esbuild.stop();
