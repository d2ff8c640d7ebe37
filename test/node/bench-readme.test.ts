// Issue 16: the benchmark figures come from the bench output, not from a hand. `npm run bench` records
// docs/bench-results.json and renders it into docs/BENCHMARKS.md; this fails when the two disagree, and
// when a size the README quotes is not the recorded one (issue 23: one source for every figure).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UMD_CORE_BUDGET } from '../bench/budgets.mjs';
import { BEGIN, END, renderResults, withResults } from '../bench/readme.mjs';

const ROOT = join(import.meta.dirname, '../..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const page = readFileSync(join(ROOT, 'docs/BENCHMARKS.md'), 'utf8');
const results = JSON.parse(readFileSync(join(ROOT, 'docs/bench-results.json'), 'utf8')) as Record<string, unknown>;
const blockOf = (text: string) => text.slice(text.indexOf(BEGIN), text.indexOf(END) + END.length);

describe('the bench tables of docs/BENCHMARKS.md', () => {
  it('are exactly what docs/bench-results.json renders to', () => {
    expect(blockOf(page)).toBe(renderResults(results));
  });

  it('negative control: a figure edited by hand (5,641 B written as 5,000 B) no longer matches', () => {
    const edited = JSON.parse(JSON.stringify(results)) as Record<string, { gzip?: number }[]>;
    const core = edited['1. Bundle weight (bytes)']!.find((row) => (row as { bundle?: string }).bundle === 'auth0-aws-delegation.umd.min.js')!;
    core.gzip = 5_000;
    expect(blockOf(withResults(page, renderResults(edited)))).not.toBe(blockOf(page));
  });

  it('come from a whole run: every figure run.mjs lists, by its title, the checks and the run\'s date', () => {
    const figures = Object.keys(results).filter((key) => /^\d+\. /.test(key));
    // The titles as run.mjs lists them: a figure added or renamed since the recorded run fails here.
    const listed = [...readFileSync(join(ROOT, 'test/bench/run.mjs'), 'utf8').matchAll(/^\s*\[(['"])(\d+\. .*?)\1, \w+\],$/gm)].map((match) => match[2]!.replace(/\\'/g, "'"));
    expect(listed.length).toBeGreaterThanOrEqual(10);
    expect(figures).toEqual(listed);
    expect((results['checks'] as unknown[]).length).toBeGreaterThan(10);
    expect(Date.parse(String(results['date']))).not.toBeNaN();
  });

  it('and the sizes the README\'s prose quotes are the recorded ones', () => {
    const bytes = (figure: string, column: string, label: string, size = 'gzip') => {
      const row = (results[figure] as Record<string, unknown>[]).find((entry) => entry[column] === label);
      return Number(row?.[size]);
    };
    const weight = (label: string) => bytes('1. Bundle weight (bytes)', 'bundle', label);
    const app = (label: string) => bytes('7. What a page ships to sign in, get credentials and upload into its folder (esbuild --bundle --minify, gzip -9 bytes)', 'app', label, 'esbuild gzip');
    const kb = (value: number, digits = 1) => (value / 1000).toFixed(digits);
    const grouped = (value: number) => value.toLocaleString('en-US');
    const fetchApp = app('this SDK + auth0-aws-delegation/fetch (signedFetch + uploadMultipart): credentials, upload in parts');
    const amplify = app('Amplify v6 fetchAuthSession + uploadData (baseline)');
    const prose = readme.replace(/\s+/g, ' ');
    expect(readme).not.toContain(BEGIN); // the tables live in docs/BENCHMARKS.md, the README quotes
    const quoted = [
      `(ES2022 browsers, ${kb(weight('auth0-aws-delegation.umd.min.js'))} KB gzip)`,
      `also defines window.Auth0 (${kb(weight('auth0-aws-delegation.v7.min.js'))} KB gzip)`,
      `STS on the same global (${kb(weight('auth0-aws-delegation.s3.umd.min.js'), 0)} KB gzip`,
      `(about ${kb(app('this SDK + S3Client + PutObject'), 0)} KB gzip for \`S3Client\` + \`PutObject\`)`,
      `weighs about ${kb(fetchApp)} KB gzip with esbuild, ${(fetchApp / amplify).toFixed(2)}x Amplify`,
    ];
    const table = [
      `| ${grouped(weight('auth0-aws-delegation.umd.min.js'))} B (budget ${grouped(UMD_CORE_BUDGET)}: 0.6x auth0.js v7; tested; figure 1) |`,
      `when the page has none | ${grouped(weight('auth0-aws-delegation.v7.min.js'))} B |`,
      `| ${grouped(weight('auth0-aws-delegation.s3.umd.min.js'))} B (bench figure 1;`,
    ];
    for (const text of quoted) expect(prose).toContain(text);
    for (const text of table) expect(readme).toContain(text);
  });
});
