// @ts-check
// SHA-256 for @smithy/signature-v4 over node:crypto: its hash interface (update, async digest, reset),
// an HMAC when constructed with a secret.
import { createHash, createHmac } from 'node:crypto';

/** `@smithy/signature-v4`'s hash interface over node:crypto (HMAC when given a secret). */
export class Sha256 {
  /** @param {import('@smithy/types').SourceData} [secret] */
  constructor(secret) {
    this.secret = secret === undefined ? undefined : toBytes(secret);
    this.hash = this.create();
  }
  create() {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
  reset() {
    this.hash = this.create();
  }
  /** @param {import('@smithy/types').SourceData} data */
  update(data) {
    this.hash.update(toBytes(data));
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

/** @param {import('@smithy/types').SourceData} data */
function toBytes(data) {
  if (typeof data === 'string') return Buffer.from(data);
  return ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);
}
