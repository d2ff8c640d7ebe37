import type { HandlerExecutionContext } from './sdk-types';
import { abortedError } from '../cache/single-flight';

/** Where smithy keeps a request's context of its own (`SMITHY_CONTEXT_KEY` of @smithy/types). */
const SMITHY_CONTEXT_KEY = '__smithy_context';

/** The parts of smithy's per-request context this SDK reads. */
interface SmithyContext {
  /** `send(command, { abortSignal })`'s signal. */
  abortSignal?: AbortSignal;
  /** Set once the request's credentials have been resolved (again for a retry: a new identity). */
  selectedHttpAuthScheme?: { identity?: { accessKeyId?: string } };
}

/** What one request's recovery says of its credentials: the identity S3 refused, while new ones are fetched. */
export interface CredentialWait {
  /** The identity of the refused attempt: until the retry has another, the request waits for credentials. */
  refused: object | undefined;
}

/** A request's smithy context (empty when there is none). */
export function smithyContextOf(context: HandlerExecutionContext): SmithyContext {
  return (context[SMITHY_CONTEXT_KEY] ?? {}) as SmithyContext;
}

/**
 * `sent`, or a DelegationError `aborted` as soon as the request's `abortSignal` fires while it is still
 * waiting for its credentials: the first ones, or new ones after S3 refused the first (`wait.refused`).
 * The AWS SDK passes that signal to its HTTP handler only, never to a credential provider, so a provider
 * that hangs would hold the request forever. Once the credentials are in, an abort is the AWS SDK's to
 * handle, as usual.
 */
export function untilAborted<T>(sent: Promise<T>, context: HandlerExecutionContext, wait: CredentialWait): Promise<T> {
  const smithy = smithyContextOf(context);
  const signal = smithy.abortSignal;
  if (typeof signal?.addEventListener !== 'function') return sent;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      const identity = smithy.selectedHttpAuthScheme?.identity;
      if (identity === undefined || identity === wait.refused) reject(abortedError(signal));
    };
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    // Also handles `sent` when the abort already answered: never an unhandled rejection.
    sent.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
