#!/usr/bin/env node
// @ts-check
// Builds the package's outputs and the examples' bundles with rollup's API, one target at a time.
//
//   node scripts/build.mjs                        every target (npm run build, npm test, npm pack)
//   node scripts/build.mjs --if-changed           only the targets whose inputs changed since their last build
//   node scripts/build.mjs --for-start --if-changed   what `npm start` serves: the S3 script build, the uploader's Uppy bundle, the SPA and the lean uploader
//
// "Changed" is judged by content: after a build, every file rollup read (its watch list, node_modules
// included) is recorded with its size, modification time and SHA-256, next to the config files and the
// outputs (source maps and emitted assets too). A target is rebuilt when any of those has other content
// or an output is missing, so an up-to-date `npm start` costs some stat calls instead of a minute of
// bundling. An input saved during its target's build counts as changed. The one blind spot, as in make:
// a file rewritten with its size and modification time kept is taken as unchanged.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STAMPS = join(ROOT, 'node_modules/.cache/auth0-aws-delegation/build-stamps.json');
/** Inputs of every target that rollup does not report as read: its configuration. */
const CONFIG_FILES = ['package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'rollup.config.mjs', 'scripts/third-party-notices.mjs', 'examples/spa/rollup.config.mjs', 'examples/lean/rollup.config.mjs', 'examples/s3-uploader/rollup.config.mjs', 'scripts/build.mjs'];
/** Outputs `npm start` serves: the uploader's script build and its Uppy bundle, and the SPA with the ESM build it bundles. */
const FOR_START = ['dist/index.mjs', 'dist/auth0-aws-delegation.s3.umd.min.js', 'examples/s3-uploader/dist/uppy.min.mjs', 'examples/spa/dist/app.js', 'examples/lean/dist/app.js'];

/** @typedef {import('rollup').RollupOptions & { output: import('rollup').OutputOptions | import('rollup').OutputOptions[] }} Target */
/** @typedef {{ size: number, mtimeMs: number, sha256: string }} Fingerprint */
/** @typedef {{ inputs: Record<string, Fingerprint>, outputs: Record<string, Fingerprint> }} Stamp */

/** The entry files a target writes: its `file`s, or each named input's file in its `dir` (shared chunks are not stamped: they change with their entries). */
export const outputsOf = (/** @type {Target} */ target) => [target.output].flat().flatMap((output) => {
  if (output.file !== undefined) return [relative(ROOT, resolve(ROOT, output.file))];
  const pattern = String(output.entryFileNames ?? '[name].js');
  return Object.keys(/** @type {Record<string, string>} */ (target.input)).map((name) => relative(ROOT, resolve(ROOT, output.dir ?? '.', pattern.replace('[name]', name))));
});

/** @param {string} file relative to the root @returns {Fingerprint | undefined} */
function fingerprint(file) {
  const path = join(ROOT, file);
  if (!existsSync(path)) return undefined;
  const { size, mtimeMs } = statSync(path);
  return { size, mtimeMs, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') };
}

/** @param {string[]} files @returns {Record<string, Fingerprint>} */
const fingerprints = (files) => Object.fromEntries(files.flatMap((file) => {
  const print = fingerprint(file);
  return print === undefined ? [] : [[file, print]];
}));

/**
 * True when the file's content is the recorded one. Size and modification time equal to the record's
 * answer without reading it (as make does); otherwise the content's digest decides, so a checkout that
 * only touched a file does not rebuild.
 * @param {string} file @param {Fingerprint} recorded
 */
function unchanged(file, recorded) {
  const path = join(ROOT, file);
  if (!existsSync(path)) return false;
  const { size, mtimeMs } = statSync(path);
  if (size === recorded.size && mtimeMs === recorded.mtimeMs) return true;
  return size === recorded.size && fingerprint(file)?.sha256 === recorded.sha256;
}

/** Every target, in build order: the SPA and the lean uploader bundle dist/, so they come last. */
async function targets() {
  const { default: library } = await import(join(ROOT, 'rollup.config.mjs'));
  const { default: spa } = await import(join(ROOT, 'examples/spa/rollup.config.mjs'));
  const { default: lean } = await import(join(ROOT, 'examples/lean/rollup.config.mjs'));
  const { default: uppy } = await import(join(ROOT, 'examples/s3-uploader/rollup.config.mjs'));
  return /** @type {Target[]} */ ([...library, uppy, spa, lean]);
}

/**
 * Whether a target's last build is still what its inputs would make, and its outputs are there.
 * @param {Stamp | undefined} stamp @param {string[]} outputs
 */
export function isCurrent(stamp, outputs) {
  if (stamp === undefined || outputs.some((file) => stamp.outputs[file] === undefined)) return false;
  return [...Object.entries(stamp.inputs), ...Object.entries(stamp.outputs)].every(([file, recorded]) => unchanged(file, recorded));
}

/**
 * How much earlier than the build's start a file's modification time may read and still count as a save
 * during the build: file systems stamp times from a coarser clock than Date.now() (ext4: a few ms;
 * HFS+: a second).
 */
const MTIME_SLACK_MS = 1_000;
/** What a stamp records for an input saved while its target was being built: matches no file. */
const SAVED_DURING_BUILD = { size: -1, mtimeMs: -1, sha256: 'saved during the build' };

/**
 * Bundles and writes one target; answers its stamp. The inputs are fingerprinted after the build (only
 * then does rollup say what it read), so an input saved during the build (an editor's save while a
 * 30-second bundle runs) would be recorded with content the output may not have: such an input is
 * recorded as matching nothing, and the next `--if-changed` builds the target again.
 * @param {Target} target
 * @param {ReadonlySet<string>} [builtThisRun] outputs of earlier targets of this run (the SPA reads dist/index.mjs): not saves
 * @returns {Promise<Stamp>}
 */
export async function build(target, builtThisRun = new Set()) {
  const startedMs = Date.now();
  const bundle = await rollup(target);
  /** Every file written (source maps, dist/globals.d.ts), so that a deleted one is built again. */
  const written = outputsOf(target);
  try {
    for (const output of [target.output].flat()) {
      const folder = output.dir === undefined ? dirname(resolve(ROOT, output.file ?? '')) : resolve(ROOT, output.dir);
      removeOldChunks(folder, output);
      const { output: files } = await bundle.write(output);
      written.push(...files.map((file) => relative(ROOT, join(folder, file.fileName))));
    }
  } finally {
    await bundle.close();
  }
  const read = bundle.watchFiles.filter((file) => file.startsWith('/') && existsSync(file)).map((file) => relative(ROOT, file));
  const inputs = fingerprints([...new Set([...CONFIG_FILES, ...read])].sort());
  for (const [file, print] of Object.entries(inputs)) {
    if (print.mtimeMs >= startedMs - MTIME_SLACK_MS && !builtThisRun.has(file)) inputs[file] = SAVED_DURING_BUILD;
  }
  return { inputs, outputs: fingerprints([...new Set(written)]) };
}

/**
 * Removes the chunks an output wrote before (their names carry a content hash, so a changed chunk is a
 * new file): without this, dist/chunks/ would keep every past build's chunks and `npm pack` would ship them.
 * @param {string} folder @param {import('rollup').OutputOptions} output
 */
function removeOldChunks(folder, output) {
  const pattern = typeof output.chunkFileNames === 'string' ? output.chunkFileNames : undefined;
  const match = pattern === undefined ? undefined : /^(.*)\/\[name\]-\[hash\](\..+)$/.exec(pattern);
  if (match === null || match === undefined) return;
  const subfolder = String(match[1]);
  const extension = String(match[2]);
  const chunks = join(folder, subfolder);
  if (!existsSync(chunks)) return;
  for (const file of readdirSync(chunks)) {
    if (file.endsWith(extension) || file.endsWith(`${extension}.map`)) rmSync(join(chunks, file));
  }
}

/** @typedef {{ targets?: string[], stamps: Record<string, Stamp> }} Recorded */

/** The stamps of the last builds; none when they are missing or not in this script's format. @returns {Recorded} */
function readStamps() {
  try {
    const recorded = JSON.parse(readFileSync(STAMPS, 'utf8'));
    if (Array.isArray(recorded.targets) && typeof recorded.stamps === 'object' && recorded.stamps !== null) return recorded;
  } catch {
    // No stamps yet (or unreadable ones): everything is built.
  }
  return { stamps: {} };
}

/** @param {Recorded} recorded */
function save(recorded) {
  mkdirSync(dirname(STAMPS), { recursive: true });
  writeFileSync(STAMPS, `${JSON.stringify(recorded)}\n`);
}

/**
 * True when the last build recorded every wanted target and none of their inputs or outputs changed:
 * answered from the stamps alone, without loading rollup's plugins (TypeScript alone takes a second).
 * @param {Recorded} recorded @param {boolean} forStart
 */
function allCurrent({ targets, stamps }, forStart) {
  if (targets === undefined) return false;
  const wanted = targets.filter((name) => !forStart || name.split(', ').some((file) => FOR_START.includes(file)));
  return wanted.length > 0 && wanted.every((name) => isCurrent(stamps[name], name.split(', ')));
}

async function main() {
  const args = new Set(process.argv.slice(2));
  const ifChanged = args.has('--if-changed');
  const forStart = args.has('--for-start');
  const recorded = readStamps();
  if (ifChanged && allCurrent(recorded, forStart)) return console.log('build: up to date');
  const all = await targets();
  const names = all.map((target) => outputsOf(target).join(', '));
  // Stamps of targets that no longer exist are dropped.
  /** @type {Record<string, Stamp>} */
  const stamps = Object.fromEntries(names.flatMap((name) => {
    const stamp = recorded.stamps[name];
    return stamp === undefined ? [] : [[name, stamp]];
  }));
  /** @type {Set<string>} */
  const built = new Set();
  for (const [index, target] of all.entries()) {
    const name = names[index] ?? '';
    if (forStart && !outputsOf(target).some((file) => FOR_START.includes(file))) continue;
    if (ifChanged && isCurrent(stamps[name], outputsOf(target))) {
      console.log(`build: ${name} is up to date`);
      continue;
    }
    const started = Date.now();
    stamps[name] = await build(target, built);
    for (const file of outputsOf(target)) built.add(file);
    console.log(`build: ${name} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // Saved after each target, so that an interrupted build keeps what it finished.
    save({ targets: names, stamps });
  }
}

// Run as a script (npm run build); imported by its test, it only exports.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
