// @ts-check
// A request body held until it is verified: in memory up to a bound, then in a file of the gate's own
// temporary folder, so that s3rver is handed a body only once its digests and signatures have been
// checked, and a refused body leaves nothing behind.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { once } from 'node:events';

/** Bodies up to this many bytes stay in memory (the uploader's 5 MiB parts do). */
export const MEMORY_BYTES = 8 * 1024 * 1024;

/**
 * A body being received: `write` its bytes, `close` it, then `replay` it (as many times as needed),
 * read it as text, and `discard` it.
 * @param {{ directory: string, memoryBytes?: number }} options the folder for bodies over `memoryBytes`
 */
export function heldBody({ directory, memoryBytes = MEMORY_BYTES }) {
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  /** @type {string | undefined} */
  let file;
  /** @type {import('node:fs').WriteStream | undefined} */
  let out;
  /** @type {unknown} a failed write to the file, thrown at the next write or close (never an unhandled 'error') */
  let failure;

  return {
    get size() {
      return size;
    },
    /** @param {Buffer} chunk */
    async write(chunk) {
      size += chunk.length;
      if (out === undefined && size <= memoryBytes) return void chunks.push(chunk);
      if (out === undefined) {
        file = join(directory, randomUUID());
        out = createWriteStream(file).on('error', (error) => void (failure = error));
        for (const held of chunks.splice(0)) out.write(held);
      }
      if (failure !== undefined) throw failure;
      if (!out.write(chunk)) await once(out, 'drain');
    },
    async close() {
      if (out === undefined) return;
      if (failure !== undefined) throw failure;
      out.end();
      await once(out, 'finish');
    },
    /** The body's bytes again, as a stream (from memory or from its file). */
    replay() {
      return file === undefined ? Readable.from(chunks, { objectMode: false }) : createReadStream(file);
    },
    /**
     * The body as UTF-8 text, at most `limit` bytes of it.
     * @param {number} limit @returns {Promise<string | undefined>} undefined when the body is larger
     */
    async text(limit) {
      if (size > limit) return undefined;
      const parts = [];
      for await (const part of this.replay()) parts.push(/** @type {Buffer} */ (part));
      return Buffer.concat(parts).toString('utf8');
    },
    async discard() {
      out?.destroy();
      if (file !== undefined) await rm(file, { force: true });
    },
  };
}

/** @typedef {ReturnType<typeof heldBody>} HeldBody */
