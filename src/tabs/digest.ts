/**
 * SHA-256 of `text`, base64 (44 characters), or `undefined` where SubtleCrypto is missing (pages that are
 * not a secure context). Cache keys and the tabs' channel and lock names are digests, so that no token
 * is ever part of a name another page can see.
 */
export async function digest(text: string): Promise<string | undefined> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) return undefined;
  const hash = new Uint8Array(await subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return btoa(String.fromCharCode(...hash));
}
