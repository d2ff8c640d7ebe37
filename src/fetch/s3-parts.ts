import { abortedError } from '../cache/single-flight';
import { DelegationError, isDelegationError } from '../errors';
import { readText, s3Refusal } from './s3-folder';
import type { S3Folder } from './s3-folder';
import type { UploadProgress } from './transport';

/** What the parts of one multipart upload are: resolved by `uploadMultipart`, frozen. */
export interface PartsPlan {
  /** The object's URL with `?uploadId=...`. */
  readonly uploadUrl: string;
  readonly body: Blob;
  readonly partSize: number;
  /** Parts in flight at most. */
  readonly queueSize: number;
  /** The waits before each further attempt of a part (ms): its length is the number of retries. */
  readonly retryDelays: readonly number[];
  readonly onProgress: UploadProgress | undefined;
}

/** One attempt's outcome: the part's ETag, or why not and whether another attempt may pass. */
type Attempt = { readonly etag: string } | { readonly error: unknown; readonly transient: boolean };

/**
 * Sends the body's parts, `queueSize` at a time (each of `queueSize` workers takes the next part when its
 * own is done), and answers their ETags in part order. A part is sliced when it is sent (Blob.slice is
 * lazy), so only the parts in flight are ever read. A part that fails with a network error or a 5xx (S3's
 * `InternalError`, `SlowDown`) is sent again on its own after the next of `retryDelays`; any other failure,
 * or one past the last retry, stops the upload: the parts in flight are cancelled, and once every one of
 * them has settled, that first error is thrown (or `aborted` when `signal` ended it).
 * @throws {DelegationError} `aborted`; S3's code with its status; `invalid_response` for a part without
 *   an ETag; what `signedFetch` throws.
 */
export async function sendParts(folder: S3Folder, plan: PartsPlan, signal: AbortSignal | undefined): Promise<string[]> {
  const count = Math.ceil(plan.body.size / plan.partSize);
  const etags = new Array<string>(count);
  const progress = wholeBodyProgress(plan.body.size, count, plan.onProgress);
  // Ends the parts in flight and their waits: the caller's signal, or the first part that fails for good.
  const stop = new AbortController();
  const forward = (): void => stop.abort(signal?.reason);
  signal?.addEventListener('abort', forward, { once: true });
  if (signal?.aborted) forward();
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < count && !stop.signal.aborted) {
      const index = next++;
      try {
        etags[index] = await sendPart(folder, plan, index, progress, stop.signal);
      } catch (error) {
        failure ??= { error };
        stop.abort(error);
      }
    }
  };
  // Workers catch their own failures: this settles only once every part in flight has.
  await Promise.all(Array.from({ length: Math.min(plan.queueSize, count) }, worker));
  signal?.removeEventListener('abort', forward);
  if (signal?.aborted) throw abortedError(signal);
  if (failure !== undefined) throw failure.error;
  return etags;
}

/** Sends part `index` until it passes, a failure is not transient, or the retries are used up. */
async function sendPart(folder: S3Folder, plan: PartsPlan, index: number, progress: PartProgress, signal: AbortSignal): Promise<string> {
  for (let retry = 0; ; retry++) {
    const outcome = await attemptPart(folder, plan, index, progress, signal);
    if ('etag' in outcome) return outcome.etag;
    const delay = plan.retryDelays[retry];
    if (!outcome.transient || delay === undefined || signal.aborted) throw outcome.error;
    await pause(retryDelayMs(delay), signal);
  }
}

async function attemptPart(folder: S3Folder, { uploadUrl, body, partSize }: PartsPlan, index: number, progress: PartProgress, signal: AbortSignal): Promise<Attempt> {
  const url = `${uploadUrl}&partNumber=${index + 1}`;
  const part = body.slice(index * partSize, (index + 1) * partSize);
  try {
    const response = await folder.fetch(url, { method: 'PUT', body: part, signal, onUploadProgress: progress.of(index) });
    if (!response.ok) {
      const error = await s3Refusal('PUT', url, response);
      // S3's RequestTimeout (400: the body came too slowly) is transient too, as the AWS SDK retries it.
      return { error, transient: response.status >= 500 || error.code === 'RequestTimeout' };
    }
    // Read, not cancelled: S3 sends no body here, and undici's cancel() can wait on a request body just sent.
    await readText(response, signal);
    const etag = response.headers.get('etag');
    if (etag !== null) return { etag };
    return { error: new DelegationError({ code: 'invalid_response', message: `S3 multipart upload: part ${index + 1} came back without an ETag: the bucket's CORS must expose ETag.` }), transient: false };
  } catch (error) {
    // No answer (or one cut off): the network, which another attempt may find working.
    return { error, transient: isDelegationError(error) && error.code === 'network_error' };
  }
}

/** Each part's bytes sent, summed over the body; reported when the sum grows. */
interface PartProgress {
  of(index: number): UploadProgress | undefined;
}

/**
 * Progress over the whole body from the parts' own: the sum of each part's most bytes sent in any of its
 * attempts, so it never goes back (a part sent again counts from where its best attempt got), and ends
 * at the body's size once every part is in.
 */
function wholeBodyProgress(total: number, count: number, onProgress: UploadProgress | undefined): PartProgress {
  const sent = new Array<number>(count).fill(0);
  let sum = 0;
  return {
    of: (index) => onProgress && ((loaded) => {
      const before = sent[index] ?? 0;
      if (loaded <= before) return;
      sent[index] = loaded;
      sum += loaded - before;
      onProgress(sum, total);
    }),
  };
}

/**
 * The wait before a retry: between half of `delayMs` and all of it, at random, so that parts refused
 * together (a `SlowDown`) do not all come back at the same moment.
 */
export function retryDelayMs(delayMs: number, random: () => number = Math.random): number {
  return delayMs / 2 + (random() * delayMs) / 2;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortedError(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
