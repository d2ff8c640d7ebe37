import { abortedError } from '../cache';
import { DelegationError } from '../errors';
import type { Outgoing } from './sign';

/** Reports bytes of the body sent so far, and how many there are. */
export type UploadProgress = (loaded: number, total: number) => void;

/** How a signed request goes out: `fetch`, or XMLHttpRequest when the caller wants upload progress. */
export interface SendOptions {
  readonly fetch: typeof globalThis.fetch | undefined;
  readonly signal: AbortSignal | undefined;
  readonly onUploadProgress: UploadProgress | undefined;
}

/**
 * Sends `request`. Upload progress needs XMLHttpRequest (fetch reports none); where there is none (Node),
 * fetch sends it and the progress is reported once, at the end.
 * @throws {DelegationError} `network_error` (the fetch error as `cause`), `aborted`.
 */
export async function send(request: Outgoing, { fetch, signal, onUploadProgress }: SendOptions): Promise<Response> {
  const { method, url, headers, body } = request;
  if (onUploadProgress !== undefined && typeof XMLHttpRequest === 'function') return sendWithProgress(request, onUploadProgress, signal);
  try {
    const response = await (fetch ?? globalThis.fetch)(url, { method, headers, body, signal });
    const size = bodySize(body);
    onUploadProgress?.(size, size);
    return response;
  } catch (error) {
    throw failure(method, url, signal, error);
  }
}

function sendWithProgress({ method, url, headers, body }: Outgoing, onUploadProgress: UploadProgress, signal: AbortSignal | undefined): Promise<Response> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    headers.forEach((value, name) => xhr.setRequestHeader(name, value));
    xhr.responseType = 'blob';
    xhr.upload.onprogress = (event) => onUploadProgress(event.loaded, event.total);
    xhr.onload = () => resolve(toResponse(xhr));
    xhr.onerror = xhr.onabort = () => reject(failure(method, url, signal, new TypeError('XMLHttpRequest failed')));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    if (signal?.aborted) return xhr.abort();
    xhr.send(body as XMLHttpRequestBodyInit | null | undefined);
  });
}

function toResponse(xhr: XMLHttpRequest): Response {
  const headers = new Headers();
  for (const line of xhr.getAllResponseHeaders().trim().split(/[\r\n]+/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  // A Response cannot have a body with these statuses.
  const empty = [101, 204, 205, 304].includes(xhr.status);
  return new Response(empty ? null : (xhr.response as Blob), { status: xhr.status, headers });
}

function bodySize(body: BodyInit | null | undefined): number {
  if (body === null || body === undefined) return 0;
  if (typeof body === 'string') return new TextEncoder().encode(body).length;
  if (body instanceof Blob) return body.size;
  return (body as { byteLength?: number }).byteLength ?? 0;
}

function failure(method: string, url: string, signal: AbortSignal | undefined, cause: unknown): DelegationError {
  if (signal?.aborted) return abortedError(signal);
  const { origin, pathname } = new URL(url);
  return new DelegationError({ code: 'network_error', message: `${method} ${origin}${pathname} failed: no response (network, CORS or DNS).`, cause });
}
