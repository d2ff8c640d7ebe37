// The consumer matrix as the tests found it: one row per build or check, printed when a file's tests end
// (`afterAll(flushReports)`) and written to test-results/consumer/<table>.json (sizes in bytes).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const rows = new Map<string, Record<string, unknown>[]>();

/** Records a row of the `table` matrix. */
export function report(table: string, row: Record<string, unknown>): void {
  rows.set(table, [...(rows.get(table) ?? []), row]);
}

/** Prints and writes every table recorded in this file. */
export function flushReports(): void {
  const dir = join(__dirname, '../../test-results/consumer');
  mkdirSync(dir, { recursive: true });
  for (const [table, list] of rows) {
    writeFileSync(join(dir, `${table}.json`), JSON.stringify(list, null, 2));
    console.table(list);
  }
}
