// @ts-check
// The benchmark tables (docs/BENCHMARKS.md) come from the bench output, never from a hand: `npm run bench` writes
// docs/bench-results.json and renders it into docs/BENCHMARKS.md between the two markers below;
// test/node/bench-readme.test.ts fails when that block differs from what the recorded results render to.
import { readFileSync, writeFileSync } from 'node:fs';

export const BEGIN = '<!-- bench-results: written by `npm run bench` from docs/bench-results.json; do not edit -->';
export const END = '<!-- /bench-results -->';
/** What run.mjs records besides the figures. */
const META = new Set(['date', 'node', 'machine', 'checks', 'notes', 'seconds']);

/** A table cell: numbers as they were measured, `|` escaped. @param {unknown} value */
const cell = (value) => String(value ?? '').replace(/\|/g, '\\|');

/** A Markdown table of `rows` with the columns of all of them, in first-seen order. @param {Record<string, unknown>[]} rows */
export function table(rows) {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return [
    `| ${columns.map(cell).join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${columns.map((column) => cell(row[column])).join(' | ')} |`),
  ].join('\n');
}

/**
 * The README block for one run's results: every figure's table in the bench's order, the checks, the notes.
 * @param {Record<string, unknown>} results what run.mjs wrote
 */
export function renderResults(results) {
  const figures = Object.entries(results).filter(([key]) => !META.has(key));
  const checks = /** @type {{ check: string, value: unknown, pass: boolean }[]} */ (results['checks'] ?? []);
  const notes = /** @type {string[]} */ (results['notes'] ?? []);
  return [
    BEGIN,
    `From one run of \`npm run bench\` (${String(results['date'])}, Node ${String(results['node'])}, ${String(results['machine'] ?? 'machine not recorded')}; ${String(results['seconds'])} s):`,
    ...figures.map(([title, rows]) => `**${title}**\n\n${table(/** @type {Record<string, unknown>[]} */ (rows))}`),
    `**Checks**\n\n${table(checks.map(({ check, value, pass }) => ({ check, value, result: pass ? 'pass' : 'FAIL' })))}`,
    ...(notes.length > 0 ? [`**Notes**\n\n${notes.map((note) => `- ${note}`).join('\n')}`] : []),
    END,
  ].join('\n\n');
}

/**
 * `readme` with its block between the markers replaced by `block`.
 * @param {string} readme @param {string} block
 * @throws {Error} when the README lacks the markers
 */
export function withResults(readme, block) {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) throw new Error('README.md has no bench-results markers');
  return `${readme.slice(0, begin)}${block}${readme.slice(end + END.length)}`;
}

/** Writes `results` to `resultsPath` and renders them into `readmePath`. @param {Record<string, unknown>} results @param {string} resultsPath @param {string} readmePath */
export function record(results, resultsPath, readmePath) {
  writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(readmePath, withResults(readFileSync(readmePath, 'utf8'), renderResults(results)));
}
