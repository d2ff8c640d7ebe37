// What the exchanges built on the AWS SDK's credential providers (fromWebToken, fromCognitoIdentityPool)
// share: their client settings, the client's retries, an abort that ends the wait, their errors in this
// SDK's codes, and the answer in `/delegation`'s shape.
import { abortedError } from '../cache/single-flight';
import type { DelegationResult } from '../credentials';
import { DelegationError } from '../errors';
import { redact } from '../redact';
import type { ExchangeContext, ExchangeResponse } from './exchange';

/** What the AWS SDK's providers answer (`AwsCredentialIdentity`, plus Cognito's identity). */
export interface ProvidedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
  identityId?: string;
}

/** A service's error names (without `Exception`) -> this SDK's codes; unnamed answers go by status. */
export type ErrorCodes = Readonly<Record<string, string>>;

/** An AWS region name, e.g. `us-east-1`. */
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const BASE_DELAY_MS = 500;
const MAX_DESCRIPTION_CHARS = 500;

/**
 * The AWS SDK client settings of an exchange: one attempt (the client's retries are ours), the
 * client's timeout per attempt, and, in browsers, no redirect followed with the token.
 */
export function clientConfig(region: string, endpoint: string | undefined, context: ExchangeContext) {
  return {
    region,
    maxAttempts: 1,
    requestHandler: { requestTimeout: context.timeoutMs, requestInit: () => ({ redirect: 'error' as const }) },
    ...(endpoint === undefined ? {} : { endpoint }),
  };
}

/**
 * Calls `provide` until it answers or fails for good: network errors, throttling (`rate_limited`),
 * 429/5xx and the `retryable` codes are retried `context.retries` times with backoff; an abort ends the
 * wait at once (the provider's own request is then left to finish, unread).
 * @throws {DelegationError} `aborted`, or `toError`'s mapping of the last failure.
 */
export async function withRetries(provide: () => Promise<ProvidedCredentials>, context: ExchangeContext, signal: AbortSignal, toError: (error: unknown) => DelegationError, retryable: readonly string[] = []): Promise<ProvidedCredentials> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await untilAborted(provide(), signal);
    } catch (error) {
      const mapped = signal.aborted ? abortedError(signal) : toError(error);
      const passing = retryable.includes(mapped.code) || mapped.code === 'network_error' || mapped.code === 'rate_limited' || mapped.status === 429 || mapped.status >= 500;
      if (signal.aborted || !passing || attempt >= context.retries) throw mapped;
      await pause(BASE_DELAY_MS * 2 ** attempt * (0.5 + Math.random() * 0.5), signal);
    }
  }
}

/**
 * An AWS SDK failure as a `DelegationError`: the service's error by name, else by status (as the
 * delegation exchange classifies an answer it does not know), the tokens redacted from its message.
 */
export function serviceError(service: string, error: unknown, codes: ErrorCodes, secrets: readonly string[]): DelegationError {
  const { name = '', message = '', $metadata } = Object(error) as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = $metadata?.httpStatusCode ?? 0;
  const short = name.replace(/Exception$/, '');
  if (name === 'TimeoutError') return new DelegationError({ code: 'timeout', message: `${service} did not answer in time.`, cause: error });
  if (name === 'CredentialsProviderError') return new DelegationError({ code: 'invalid_response', status: 200, message: `${service} answered without usable credentials.` });
  const code = codes[short] ?? (status === 0 ? 'network_error' : status >= 500 ? 'server_error' : status === 429 ? 'rate_limited' : short || 'http_error');
  if (code === 'network_error') return new DelegationError({ code, message: `${service} failed: no response (offline, DNS, refused or CORS).` });
  const description = redact(String(message), secrets).slice(0, MAX_DESCRIPTION_CHARS);
  return new DelegationError({ code, status, description, message: `${service} answered ${status} ${short || code}: ${description}` });
}

/** Credentials from a provider, as `/delegation` would have answered: the cache works the same. */
export function delegationShaped(credentials: ProvidedCredentials, extra: Omit<DelegationResult, 'Credentials'>, context: ExchangeContext): ExchangeResponse {
  const json: DelegationResult = {
    Credentials: {
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      SessionToken: credentials.sessionToken ?? '',
      Expiration: credentials.expiration instanceof Date ? credentials.expiration.toISOString() : '',
    },
    ...extra,
  };
  return { text: JSON.stringify(json), json, status: 200, date: null, receivedAt: context.now() };
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortedError(signal));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(abortedError(signal));
    }, { once: true });
  });
}
