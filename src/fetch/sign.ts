import { AwsV4Signer } from 'aws4fetch';
import type { AwsCredentialIdentity } from '../aws/sdk-types';

/** A request ready to go out: what is signed and what is sent. */
export interface Outgoing {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  readonly body: BodyInit | null | undefined;
}

/** Where the signature is valid: the AWS region and service of the endpoint. */
export interface SigningScope {
  readonly region: string;
  readonly service: string;
}

/**
 * The request with SigV4 headers (aws4fetch's `AwsV4Signer`): `Authorization`, `X-Amz-Date`, the session
 * token, and for S3 `X-Amz-Content-Sha256: UNSIGNED-PAYLOAD` (the body is not read, so a `Blob` signs as
 * cheaply as a string). Signed at `nowMs`, the local clock corrected by what S3 said of it.
 */
export async function signRequest(request: Outgoing, credentials: AwsCredentialIdentity, scope: SigningScope, nowMs: number): Promise<Outgoing> {
  const signer = new AwsV4Signer({
    method: request.method,
    url: request.url,
    headers: new Headers(request.headers),
    body: request.body as BodyInit,
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
    region: scope.region,
    service: scope.service,
    datetime: amzDate(nowMs),
  });
  const signed = await signer.sign();
  return { method: signed.method, url: signed.url.toString(), headers: signed.headers, body: request.body };
}

/** SigV4's time format, `20261206T225153Z`. */
export const amzDate = (nowMs: number): string => new Date(nowMs).toISOString().replace(/[:-]|\.\d{3}/g, '');

/** aws4fetch's signer with the string to sign replaced: its key derivation (and cache) signs a POST policy. */
class PolicySigner extends AwsV4Signer {
  readonly policy: string;
  constructor(init: ConstructorParameters<typeof AwsV4Signer>[0], policy: string) {
    super(init);
    this.policy = policy;
  }
  override stringToSign(): Promise<string> {
    return Promise.resolve(this.policy);
  }
}

/**
 * SigV4 for a browser POST upload (S3's POST policy): the hex HMAC-SHA256 of the base64 policy with the
 * signing key of the secret for `datetime`'s day, the region and the service. aws4fetch keeps its key
 * derivation inside `signature()`, whose string to sign is here the policy itself.
 */
export function signPolicy(policy: string, credentials: AwsCredentialIdentity, scope: SigningScope, datetime: string, url: string): Promise<string> {
  return new PolicySigner({ url, accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, region: scope.region, service: scope.service, datetime }, policy).signature();
}
