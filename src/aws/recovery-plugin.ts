import type { AwsCredentialIdentity, HandlerExecutionContext, InitializeHandler, InitializeHandlerArguments, Pluggable } from './sdk-types';
import { smithyContextOf, untilAborted } from './abort';
import type { CredentialWait } from './abort';
import type { DelegationProviderOptions } from './from-delegation';
import { REFUSED_CREDENTIAL_CODES } from '../credentials';

/** The part of an AWS SDK client's resolved config the plugin needs: its credential provider. */
export interface RecoveryClientConfig {
  /** The client's credential provider, as the AWS SDK resolved it from `fromDelegation`. */
  credentials: (options?: DelegationProviderOptions) => Promise<AwsCredentialIdentity>;
}

/**
 * A plugin for an AWS SDK v3 client whose credentials come from `fromDelegation`: when the service answers
 * `ExpiredToken`, `InvalidToken` or `InvalidAccessKeyId` (credentials revoked, a clock far off, a key
 * the service no longer knows), it drops those credentials, has the provider fetch new ones and sends
 * that request once more. The AWS SDK alone never refreshes on
 * that error. A request whose body cannot be sent again (a stream) gets the original error instead, as
 * with the AWS SDK's own retries; the refused credentials are dropped all the same. The plugin also lets
 * a request's `abortSignal` end its wait for credentials (the AWS SDK does not pass it to a provider),
 * the new ones after a refusal included (`aborted`).
 *
 * @example
 * const s3 = new S3Client({ region, credentials: fromDelegation(client, { idToken }) });
 * s3.middlewareStack.use(getExpiredTokenRecoveryPlugin(s3.config));
 */
export function getExpiredTokenRecoveryPlugin(config: RecoveryClientConfig): Pluggable {
  return {
    applyToStack(stack) {
      stack.add(
        (next: InitializeHandler, context: HandlerExecutionContext) => (args: InitializeHandlerArguments) => {
          const wait: CredentialWait = { refused: undefined };
          return untilAborted(sendRecovering(config, next, args, context, wait), context, wait);
        },
        { step: 'initialize', name: 'delegationExpiredTokenRecovery', override: true },
      );
    },
  };
}

async function sendRecovering(config: RecoveryClientConfig, next: InitializeHandler, args: InitializeHandlerArguments, context: HandlerExecutionContext, wait: CredentialWait) {
  try {
    return await next(args);
  } catch (error) {
    if (!REFUSED_CREDENTIAL_CODES.includes((error as { name?: string }).name ?? '')) throw error;
    const refused = smithyContextOf(context).selectedHttpAuthScheme?.identity;
    // From here until the retry has new credentials, the request waits for them: an abort ends that wait.
    wait.refused = refused;
    const rejectedAccessKeyId = refused?.accessKeyId;
    const refreshed = config.credentials({ forceRefresh: true, rejectedAccessKeyId });
    if (!isReplayable((args.input as { Body?: unknown }).Body)) {
      // The first attempt read the stream: a second would send nothing. The caller gets S3's answer.
      await refreshed.catch(() => undefined);
      throw error;
    }
    await refreshed;
    return next(args);
  }
}

/** No body, or one that can be read again: a string, bytes or a Blob (not a stream or an iterable). */
function isReplayable(body: unknown): boolean {
  return body == null || typeof body === 'string' || body instanceof ArrayBuffer || ArrayBuffer.isView(body) || (typeof Blob === 'function' && body instanceof Blob);
}
