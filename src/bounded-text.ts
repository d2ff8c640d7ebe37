/**
 * A response's body as UTF-8 text, read until its end or until it passes `maxBytes`: then the rest is
 * cancelled and the answer is `undefined`, so that an endless or huge answer costs at most `maxBytes`
 * of memory. A body that fails while it is read rejects with that error; `signal` cancels the read.
 * Used for every answer the SDK reads: Auth0's (exchanges/http.ts) and S3's (fetch/).
 */
export async function boundedText(response: Response, maxBytes: number, signal?: AbortSignal): Promise<string | undefined> {
  const reader = response.body?.getReader();
  if (reader === undefined) return '';
  signal?.addEventListener('abort', () => void reader.cancel().catch(() => undefined), { once: true });
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    size += next.value.byteLength;
    if (size > maxBytes) {
      // Not awaited: a clone's cancel() settles only once the other branch is cancelled too.
      void reader.cancel().catch(() => undefined);
      return undefined;
    }
    text += decoder.decode(next.value, { stream: true });
  }
  return text + decoder.decode();
}
