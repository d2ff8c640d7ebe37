import { callSafely } from '../callbacks';
import { abortedError } from '../cache/single-flight';
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

/** The statuses fetch would follow (`redirect: 'follow'`); 304 Not Modified is an answer, not a redirect. */
const REDIRECTS = [301, 302, 303, 307, 308];

/**
 * Sends `request`. Upload progress needs XMLHttpRequest (fetch reports none); where there is none (Node),
 * fetch sends it and the progress is reported once, at the end. Either way the last report is the whole
 * body, once the answer has come. A redirect is never followed by fetch (`redirect: 'manual'`): the
 * session token and the body would go along to wherever it points. XMLHttpRequest has no such setting
 * and follows a redirect before anyone sees it: the redirect is found afterwards (`responseURL`) and
 * refused all the same, so an upload is never reported done, but the browser has already sent the
 * request there (see docs/DESIGN.md).
 * @throws {DelegationError} `network_error` (the fetch error as `cause`), `aborted`, `redirect_refused`.
 */
export async function send(request: Outgoing, { fetch, signal, onUploadProgress }: SendOptions): Promise<Response> {
  const { method, url, headers, body } = request;
  if (onUploadProgress !== undefined && typeof XMLHttpRequest === 'function') return sendWithProgress(request, onUploadProgress, signal);
  let response: Response;
  try {
    response = await (fetch ?? globalThis.fetch)(url, { method, headers, body, signal, redirect: 'manual' });
  } catch (error) {
    throw failure(method, url, signal, error);
  }
  // Browsers hide a redirect's status from the page (an opaque redirect, status 0).
  if (response.type === 'opaqueredirect' || REDIRECTS.includes(response.status)) {
    // Not awaited: behind an interceptor (msw's), undici's cancel() can wait on the request body just sent.
    void response.body?.cancel().catch(() => undefined);
    throw redirected(method, url, response.status);
  }
  const size = bodySize(body);
  if (onUploadProgress !== undefined) callSafely(onUploadProgress, size, size);
  return response;
}

function sendWithProgress({ method, url, headers, body }: Outgoing, onUploadProgress: UploadProgress, signal: AbortSignal | undefined): Promise<Response> {
  return new Promise((resolve, reject) => {
    // An XMLHttpRequest aborted before send() fires no event: it would never settle.
    if (signal?.aborted) return reject(failure(method, url, signal, signal.reason));
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    headers.forEach((value, name) => xhr.setRequestHeader(name, value));
    xhr.responseType = 'blob';
    const size = bodySize(body as BodyInit | null | undefined);
    let reported = -1;
    xhr.upload.onprogress = (event) => callSafely(onUploadProgress, (reported = event.loaded), event.total);
    xhr.onload = () => {
      // The browser followed a redirect on its own (XMLHttpRequest cannot be told not to): refused here.
      if (xhr.responseURL !== '' && xhr.responseURL !== url.replace(/#.*/s, '')) return reject(redirected(method, url, 0));
      let response: Response;
      try {
        response = toResponse(xhr);
      } catch (error) {
        return reject(failure(method, url, signal, error));
      }
      resolve(response);
      // Some pages get no upload events (a service worker between the page and the network, as msw's):
      // the whole body has gone once there is an answer. Reported after settling, so that a callback
      // that aborts or throws cannot keep the request from settling.
      if (reported < size) callSafely(onUploadProgress, size, size);
    };
    xhr.onerror = xhr.onabort = () => reject(failure(method, url, signal, new TypeError('XMLHttpRequest failed')));
    const onAbort = (): void => xhr.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    xhr.onloadend = () => signal?.removeEventListener('abort', onAbort);
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

export function bodySize(body: BodyInit | null | undefined): number {
  if (body === null || body === undefined) return 0;
  if (typeof body === 'string') return new TextEncoder().encode(body).length;
  if (body instanceof Blob) return body.size;
  return (body as { byteLength?: number }).byteLength ?? 0;
}

function redirected(method: string, url: string, status: number): DelegationError {
  const { origin, pathname } = new URL(url);
  return new DelegationError({
    code: 'redirect_refused',
    status,
    message: `${method} ${origin}${pathname} answered a redirect: not followed (the session token would go along). S3 redirects a request for a bucket in another region: check the bucket, region and endpoint.`,
  });
}

function failure(method: string, url: string, signal: AbortSignal | undefined, cause: unknown): DelegationError {
  if (signal?.aborted) return abortedError(signal);
  const { origin, pathname } = new URL(url);
  return new DelegationError({ code: 'network_error', message: `${method} ${origin}${pathname} failed: no response (network, CORS or DNS).`, cause });
}
