import type { AwsCredentialIdentity, HandlerExecutionContext, InitializeHandler, InitializeHandlerArguments, MetadataBearer, Pluggable } from '@smithy/types';
import type { DelegationProviderOptions } from './aws';

/** The part of an AWS SDK client's resolved config the plugin needs: its memoized credential provider. */
export interface RecoveryClientConfig {
  /** The client's credential provider, as the AWS SDK resolved it from `fromDelegation`. */
  credentials: (options?: DelegationProviderOptions) => Promise<AwsCredentialIdentity>;
}

/** S3's answers for credentials it no longer (or never) accepts. */
const TOKEN_ERRORS = ['ExpiredToken', 'InvalidToken', 'TokenRefreshRequired'];
/** Where smithy keeps the identity a request was signed with (`SMITHY_CONTEXT_KEY` of @smithy/types). */
const SMITHY_CONTEXT_KEY = '__smithy_context';

/**
 * A plugin for an AWS SDK v3 client whose credentials come from `fromDelegation`: when the service answers
 * `ExpiredToken` or `InvalidToken` (credentials revoked, or a clock far off), it drops those credentials,
 * has the provider fetch new ones and sends that request once more. The AWS SDK alone never refreshes on
 * that error. The request body must be re-readable (a string, bytes, `Blob` or `File`, not a stream).
 *
 * @example
 * const s3 = new S3Client({ region, credentials: fromDelegation(client, { idToken }) });
 * s3.middlewareStack.use(getExpiredTokenRecoveryPlugin(s3.config));
 */
export function getExpiredTokenRecoveryPlugin(config: RecoveryClientConfig): Pluggable<object, MetadataBearer> {
  return {
    applyToStack(stack) {
      stack.add(
        (next: InitializeHandler<object, MetadataBearer>, context: HandlerExecutionContext) => async (args: InitializeHandlerArguments<object>) => {
          try {
            return await next(args);
          } catch (error) {
            if (!TOKEN_ERRORS.includes((error as { name?: string }).name ?? '')) throw error;
            await config.credentials({ forceRefresh: true, rejectedAccessKeyId: signedWith(context) });
            return next(args);
          }
        },
        { step: 'initialize', name: 'delegationExpiredTokenRecovery', override: true },
      );
    },
  };
}

function signedWith(context: HandlerExecutionContext): string | undefined {
  const smithy = (context as Record<string, unknown>)[SMITHY_CONTEXT_KEY] as { selectedHttpAuthScheme?: { identity?: { accessKeyId?: string } } } | undefined;
  return smithy?.selectedHttpAuthScheme?.identity?.accessKeyId;
}
