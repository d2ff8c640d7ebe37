// A stand-in for Auth0's /delegation endpoint, shared by the node (msw/node) and browser (msw worker)
// projects. Every request is recorded so tests can count attempts and read the exact body sent.
import { HttpResponse, http } from 'msw';

export const DOMAIN = 'tenant.auth0.com';
export const ENDPOINT = `https://${DOMAIN}/delegation`;
export const CLIENT_ID = 'client-abc';

/** Secrets the fake endpoint hands out, recognisable in any text where they must never appear. */
export const SECRET_ACCESS_KEY = 'SECRETsecretSECRETsecretSECRET0123456789';
export const SESSION_TOKEN = 'SESSIONtokenSESSIONtokenSESSIONtokenSESSION0123456789';

export interface RecordedRequest {
  readonly bodyText: string;
  readonly body: Record<string, unknown>;
  readonly contentType: string | null;
}

/** The body of a valid AWS delegation answer, expiring `lifetimeMs` after `nowMs` (server clock). */
export function awsResult(nowMs: number, lifetimeMs = 3_600_000, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ResponseMetadata: { RequestId: 'ec4cb90f-8a17-11e5-84bf-a9c4083f50c5' },
    Credentials: {
      AccessKeyId: 'ASIAEXAMPLEKEY000001',
      SecretAccessKey: SECRET_ACCESS_KEY,
      SessionToken: SESSION_TOKEN,
      Expiration: new Date(nowMs + lifetimeMs).toISOString(),
    },
    AssumedRoleUser: { AssumedRoleId: 'AROAEXAMPLE:alice', Arn: 'arn:aws:sts::123456789012:assumed-role/s3-per-user/alice' },
    Subject: 'auth0|alice',
    SubjectType: 'persistent',
    Issuer: 'urn:tenant.auth0.com',
    Audience: 'https://signin.aws.amazon.com/saml',
    ...overrides,
  };
}

/** A JSON response with a `Date` header, as Auth0 sends. */
export function jsonResponse(body: unknown, init: { status?: number; headers?: Record<string, string>; date?: number } = {}): Response {
  return HttpResponse.json(body as Record<string, unknown>, {
    status: init.status ?? 200,
    headers: { date: new Date(init.date ?? Date.now()).toUTCString(), ...init.headers },
  });
}

type Responder = (request: RecordedRequest, attempt: number) => Response | Promise<Response>;

/** Registers a handler for POST /delegation; `requests` grows with each call. */
export function delegationEndpoint(respond: Responder = () => jsonResponse(awsResult(Date.now()))) {
  const requests: RecordedRequest[] = [];
  const handler = http.post(ENDPOINT, async ({ request }) => {
    const bodyText = await request.text();
    // The form body auth0.js v7 sent (and this SDK sends), read as Auth0 reads it: flat fields.
    const recorded = { bodyText, body: Object.fromEntries(new URLSearchParams(bodyText)) as Record<string, unknown>, contentType: request.headers.get('content-type') };
    requests.push(recorded);
    return respond(recorded, requests.length);
  });
  return { handler, requests };
}

/**
 * The answer to a numbered request: a new access key each time (ASIAKEY0001, ASIAKEY0002, ...), valid
 * one hour from `nowMs`, so a test can tell which request's credentials a caller got.
 */
export function numberedAnswer(attempt: number, nowMs = Date.now()): Response {
  const hour = 3_600_000;
  return jsonResponse(awsResult(nowMs, hour, { Credentials: { AccessKeyId: `ASIAKEY${String(attempt).padStart(4, '0')}`, SecretAccessKey: 'secret-0123456789', SessionToken: 'session-0123456789', Expiration: new Date(nowMs + hour).toISOString() } }));
}

/** The response per user: Subject and key id follow the `sub` of the ID token sent. */
export function perUserResult(request: RecordedRequest, nowMs = Date.now()): Response {
  const token = String(request.body['id_token'] ?? '');
  const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { sub: string };
  return jsonResponse(awsResult(nowMs, 3_600_000, {
    Subject: payload.sub,
    Credentials: { AccessKeyId: `ASIA${payload.sub.replace(/\W/g, '').toUpperCase()}`, SecretAccessKey: SECRET_ACCESS_KEY, SessionToken: SESSION_TOKEN, Expiration: new Date(nowMs + 3_600_000).toISOString() },
  }));
}
