// scripts/build.mjs's content stamps: `--if-changed` (npm start, npm test) must never take a build for
// current when its output may hold other content than its inputs now have.
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plugin } from 'rollup';
import { afterEach, describe, expect, it } from 'vitest';
import { build, isCurrent, outputsOf } from '../../scripts/build.mjs';

let folder: string;
afterEach(() => rmSync(folder, { recursive: true, force: true }));

/** A one-file target in a folder of its own; `plugin` runs while rollup reads it. */
function target(plugin?: Plugin) {
  folder = mkdtempSync(join(tmpdir(), 'build-stamps-'));
  const input = join(folder, 'input.mjs');
  writeFileSync(input, 'export const answer = 1;\n');
  return { input, target: { input, plugins: plugin ? [plugin] : [], output: { file: join(folder, 'out.mjs'), format: 'es' as const, sourcemap: true } } };
}

describe('build stamps', () => {
  it('an input saved while rollup builds (after it was read) leaves the target not current', async () => {
    const { input, target: saving } = target({
      name: 'save-during-build',
      // The editor's save lands after rollup has read the file: the output holds the old content.
      buildEnd: () => writeFileSync(input, 'export const answer = 2;\n'),
    });
    const stamp = await build(saving);
    expect(readFileSync(join(folder, 'out.mjs'), 'utf8')).toContain('answer = 1');
    expect(isCurrent(stamp, outputsOf(saving))).toBe(false);
  });

  it('negative control: an input untouched since before the build leaves it current, until it changes', async () => {
    const { input, target: quiet } = target();
    // Saved well before the build started.
    const past = new Date(Date.now() - 60_000);
    utimesSync(input, past, past);
    const stamp = await build(quiet);
    expect(isCurrent(stamp, outputsOf(quiet))).toBe(true);
    writeFileSync(input, 'export const answer = 3;\n');
    expect(isCurrent(stamp, outputsOf(quiet))).toBe(false);
  });

  it.each(['out.mjs', 'out.mjs.map'])('a deleted output (%s: the bundle or its source map) is not current either', async (file) => {
    const { input, target: quiet } = target();
    const past = new Date(Date.now() - 60_000);
    utimesSync(input, past, past);
    const stamp = await build(quiet);
    expect(isCurrent(stamp, outputsOf(quiet))).toBe(true);
    rmSync(join(folder, file));
    expect(isCurrent(stamp, outputsOf(quiet))).toBe(false);
  });
});
