// DelegationErrorCode and the README's errors table name the same codes: a code the SDK can throw has a
// row saying what to do, and the table promises no code the type does not list.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const read = (file: string) => readFileSync(join(__dirname, '../..', file), 'utf8');

/** The codes of the table under `## Errors`: its rows' first cells, in backticks. */
export function readmeCodes(readme: string): string[] {
  const section = readme.split(/^## /m).find((part) => part.startsWith('Errors\n'));
  if (section === undefined) throw new Error('README.md has no "## Errors" section');
  return [...section.matchAll(/^\| `([a-z_]+)` \|/gm)].map((match) => match[1]!);
}

/** The string literals of `export type DelegationErrorCode = | '...' | ...;`. */
export function unionCodes(source: string): string[] {
  const union = /export type DelegationErrorCode =([^;]*);/.exec(source)?.[1];
  if (union === undefined) throw new Error('src/errors.ts has no DelegationErrorCode union');
  return [...union.matchAll(/\|\s*'([a-z_]+)'/g)].map((match) => match[1]!);
}

describe('DelegationErrorCode and the README errors table', () => {
  const table = readmeCodes(read('README.md'));
  const union = unionCodes(read('src/errors.ts'));

  it('finds both lists, each without repeats', () => {
    expect(table.length).toBeGreaterThan(10);
    expect(union.length).toBeGreaterThan(10);
    expect(new Set(table).size).toBe(table.length);
    expect(new Set(union).size).toBe(union.length);
  });

  it('every code the README names is in the union', () => {
    expect(table.filter((code) => !union.includes(code))).toEqual([]);
  });

  it('every code of the union has a row in the README', () => {
    expect(union.filter((code) => !table.includes(code))).toEqual([]);
  });

  it('negative control: a row the union lacks, or a code without a row, is found', () => {
    const readme = read('README.md').replace('| `cache_cleared` |', '| `cache_gone` |');
    expect(readmeCodes(readme).filter((code) => !union.includes(code))).toEqual(['cache_gone']);
    expect(union.filter((code) => !readmeCodes(readme).includes(code))).toEqual(['cache_cleared']);
  });
});
