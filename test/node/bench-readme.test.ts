// Issue 16: the README's benchmark figures come from the bench output, not from a hand. `npm run bench`
// records docs/bench-results.json and renders it into the README; this fails when the two disagree.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BEGIN, END, renderResults, withResults } from '../bench/readme.mjs';

const ROOT = join(import.meta.dirname, '../..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const results = JSON.parse(readFileSync(join(ROOT, 'docs/bench-results.json'), 'utf8')) as Record<string, unknown>;
const blockOf = (text: string) => text.slice(text.indexOf(BEGIN), text.indexOf(END) + END.length);

describe('the README\'s bench tables', () => {
  it('are exactly what docs/bench-results.json renders to', () => {
    expect(blockOf(readme)).toBe(renderResults(results));
  });

  it('negative control: a figure edited by hand (5,641 B written as 5,000 B) no longer matches', () => {
    const edited = JSON.parse(JSON.stringify(results)) as Record<string, { gzip?: number }[]>;
    const core = edited['1. Bundle weight (bytes)']!.find((row) => (row as { bundle?: string }).bundle === 'auth0-aws-delegation.umd.min.js')!;
    core.gzip = 5_000;
    expect(blockOf(withResults(readme, renderResults(edited)))).not.toBe(blockOf(readme));
  });

  it('come from a whole run: all eight figures, the checks and the run\'s date', () => {
    const figures = Object.keys(results).filter((key) => /^\d\. /.test(key)).map((key) => key.split('.')[0]);
    expect(figures).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    expect((results['checks'] as unknown[]).length).toBeGreaterThan(10);
    expect(Date.parse(String(results['date']))).not.toBeNaN();
  });
});
