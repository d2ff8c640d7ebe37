// Files a test's user picks, written to a folder of the test's own: a file input is given their paths.
// Given as buffers, Playwright sends each file's bytes (as base64) through its protocol to the browser:
// 12 MiB took over 30 s on a CI machine at load 24 (`setInputFiles` timed out in the lean uploader's
// sign-out test), where a path costs the same at any size.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A folder for picked files: `path(name, bytes)` writes one and answers its path; `remove()` deletes them all. */
export function pickedFiles(prefix: string): { path(name: string, bytes: Uint8Array): string; remove(): void } {
  const folder = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return {
    path(name, bytes) {
      const file = join(folder, name);
      writeFileSync(file, bytes);
      return file;
    },
    remove: () => rmSync(folder, { recursive: true, force: true }),
  };
}
