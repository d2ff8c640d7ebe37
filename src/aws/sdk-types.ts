// The AWS SDK v3's shapes this SDK meets, written out structurally. The declarations of the main entry
// then name no `@smithy/types` (whose own declarations import `node:stream`, `node:http` and `Buffer`,
// which a browser-only app without @types/node cannot check), yet each is assignable where the AWS SDK
// expects its own: `credentials: fromDelegation(...)`, `middlewareStack.use(plugin)` (a type test holds
// this against @aws-sdk/client-s3).

/** Temporary AWS credentials as the AWS SDK v3 takes them (smithy's `AwsCredentialIdentity`). */
export interface AwsCredentialIdentity {
  /** The access key ID. */
  readonly accessKeyId: string;
  /** The secret access key. */
  readonly secretAccessKey: string;
  /** The session token of temporary credentials. */
  readonly sessionToken?: string;
  /** The credential scope, when the credentials have one. */
  readonly credentialScope?: string;
  /** The AWS account ID, when known. */
  readonly accountId?: string;
  /** When they expire: the AWS SDK asks its provider again 5 minutes before. */
  readonly expiration?: Date;
}

/**
 * A credential provider as the AWS SDK v3 calls it (smithy's `AwsCredentialIdentityProvider`): give it
 * as a client's `credentials`.
 */
export type AwsCredentialIdentityProvider<Options extends object = Record<string, unknown>> = (options?: Options) => Promise<AwsCredentialIdentity>;

/** A request's context in the AWS SDK's middleware stack: read by key (smithy's `HandlerExecutionContext`). */
export type HandlerExecutionContext = Record<string, unknown>;

/** What an initialize-step handler gets: the command's input (smithy's `InitializeHandlerArguments`). */
export interface InitializeHandlerArguments {
  /** The command's input, e.g. `{ Bucket, Key, Body }`. */
  input: object;
}

/** What a handler answers: the command's output and the raw response (smithy's `InitializeHandlerOutput`). */
export interface InitializeHandlerOutput {
  /** The command's output, e.g. `{ ETag }`. */
  output: object;
  /** The raw HTTP response. */
  response: unknown;
}

/** The next handler of the stack (smithy's `InitializeHandler`). */
export type InitializeHandler = (args: InitializeHandlerArguments) => Promise<InitializeHandlerOutput>;

/** The one method of an AWS SDK client's `middlewareStack` a plugin uses here (smithy's `MiddlewareStack.add`). */
export interface InitializeStack {
  /** Adds `middleware` at the initialize step. */
  add(middleware: (next: InitializeHandler, context: HandlerExecutionContext) => InitializeHandler, options: { step: 'initialize'; name: string; override: boolean }): void;
}

/** A plugin for `client.middlewareStack.use(plugin)` (smithy's `Pluggable`). */
export interface Pluggable {
  /** Adds the plugin's middleware to the client's stack. */
  applyToStack(stack: InitializeStack): void;
}
