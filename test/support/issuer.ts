// An Auth0 /delegation stand-in (for msw) that issues real keys of the local verifying S3: each answer
// registers a new access key, secret and session token in the gate's key map, for the token's `sub`.
import type { IssuedKey } from '../../sandbox/s3-gate.mjs';
import { HttpResponse, http } from 'msw';
import { delegationEndpoint, jsonResponse } from './delegation-endpoint';

export interface IssuerOptions {
  /** How long issued credentials last. @default one hour */
  lifetimeMs?: number;
  /** The gate's key map to register issued keys in. */
  keys: Map<string, IssuedKey>;
  /** Register the keys as already expired at the gate (revoked, or a server clock far ahead). */
  expiredAtGate?: boolean;
}

/** A key for `subject`, registered with the gate (already expired there when asked to be). */
function mint(accessKeyId: string, subject: string, { lifetimeMs = 3_600_000, keys, expiredAtGate = false }: IssuerOptions) {
  const now = Date.now();
  const key = { secretAccessKey: `secret-${crypto.randomUUID()}`, sessionToken: `session-${crypto.randomUUID()}`, expiresAt: now + lifetimeMs, subject };
  keys.set(accessKeyId, expiredAtGate ? { ...key, expiresAt: now - 1 } : key);
  return { accessKeyId, key, now };
}

function subOf(idToken: unknown): string {
  const payload = String(idToken).split('.')[1] ?? '';
  return (JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { sub: string }).sub;
}

/** The msw handler plus the issued keys in order (`issued.length` = delegation requests answered). */
export function issuingEndpoint(options: IssuerOptions) {
  const issued: { accessKeyId: string; subject: string }[] = [];
  const endpoint = delegationEndpoint((request) => {
    const subject = subOf(request.body['id_token']);
    const { accessKeyId, key } = mint(`ASIATEST${String(issued.length + 1).padStart(12, '0')}`, subject, options);
    issued.push({ accessKeyId, subject });
    return jsonResponse({
      Credentials: { AccessKeyId: accessKeyId, SecretAccessKey: key.secretAccessKey, SessionToken: key.sessionToken, Expiration: new Date(key.expiresAt).toISOString() },
      AssumedRoleUser: { Arn: `arn:aws:sts::123456789012:assumed-role/s3-per-user/${subject}` },
      Subject: subject,
    });
  });
  return { ...endpoint, issued };
}

export const STS_URL = 'https://sts.us-east-1.amazonaws.com/';

/** The same issuer as STS AssumeRoleWithWebIdentity answers it (form POST in, XML out), for msw. */
export function issuingSts(options: IssuerOptions) {
  const issued: { accessKeyId: string; subject: string }[] = [];
  const requests: URLSearchParams[] = [];
  const handler = http.post(STS_URL, async ({ request }) => {
    const params = new URLSearchParams(await request.text());
    requests.push(params);
    const subject = subOf(params.get('WebIdentityToken'));
    const { accessKeyId, key, now } = mint(`ASIASTS${String(issued.length + 1).padStart(13, '0')}`, subject, options);
    issued.push({ accessKeyId, subject });
    const session = params.get('RoleSessionName') ?? '';
    return new HttpResponse(
      `<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><SubjectFromWebIdentityToken>${subject}</SubjectFromWebIdentityToken>` +
        `<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/s3-per-user/${session}</Arn><AssumedRoleId>AROA:${session}</AssumedRoleId></AssumedRoleUser>` +
        `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${key.secretAccessKey}</SecretAccessKey><SessionToken>${key.sessionToken}</SessionToken><Expiration>${new Date(key.expiresAt).toISOString()}</Expiration></Credentials>` +
        `</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`,
      { headers: { 'content-type': 'text/xml', date: new Date(now).toUTCString() } },
    );
  });
  return { handler, requests, issued };
}

export const COGNITO_URL = 'https://cognito-identity.us-east-1.amazonaws.com/';
export const IDENTITY_POOL_ID = 'us-east-1:0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0';

/** A stable identity ID per `sub`, as a Cognito identity pool gives one. */
export const identityIdOf = (sub: string) => `us-east-1:${[...sub].reduce((hash, char) => (hash * 31 + char.charCodeAt(0)) >>> 0, 7).toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;

/**
 * The same issuer as a Cognito identity pool answers it (AWS JSON 1.1: `GetId`, then
 * `GetCredentialsForIdentity`, each with the `Logins` map), for msw. `calls` holds every call's target
 * and body; `requests` the credential requests (one per exchange, as with the other issuers), each of
 * which issues a key.
 */
export function issuingCognito(options: IssuerOptions) {
  const issued: { accessKeyId: string; subject: string }[] = [];
  const calls: { target: string; body: Record<string, unknown> }[] = [];
  const requests: Record<string, unknown>[] = [];
  const handler = http.post(COGNITO_URL, async ({ request }) => {
    const target = request.headers.get('x-amz-target') ?? '';
    const body = (await request.json()) as { IdentityPoolId?: string; IdentityId?: string; Logins?: Record<string, string> };
    calls.push({ target, body });
    const token = Object.values(body.Logins ?? {})[0];
    const identityId = identityIdOf(subOf(token));
    const json = (value: unknown) => new HttpResponse(JSON.stringify(value), { headers: { 'content-type': 'application/x-amz-json-1.1' } });
    if (target.endsWith('.GetId')) return json({ IdentityId: identityId });
    requests.push(body);
    const { accessKeyId, key } = mint(`ASIACOG${String(issued.length + 1).padStart(13, '0')}`, identityId, options);
    issued.push({ accessKeyId, subject: identityId });
    return json({ IdentityId: identityId, Credentials: { AccessKeyId: accessKeyId, SecretKey: key.secretAccessKey, SessionToken: key.sessionToken, Expiration: key.expiresAt / 1000 } });
  });
  return { handler, calls, requests, issued };
}
