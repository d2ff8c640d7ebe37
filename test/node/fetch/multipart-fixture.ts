// What the multipart test files share: the verifying S3 gate (SigV4, session tokens, the per-user IAM
// policy, payloads, CompleteMultipartUpload as strict as S3) with its part hooks (test/support/
// part-gate.ts), and a folder on a signed fetch whose requests are recorded, and may be answered
// differently or before they reach S3.
import { afterAll, beforeAll } from 'vitest';
import { startS3Gate } from '../../../sandbox/s3-gate.mjs';
import { policyAuthorizer } from '../../../sandbox/policy.mjs';
import { templatePolicies } from '../../support/policy-gate';
import { partGate } from '../../support/part-gate';
import { s3Folder, signedFetch } from '../../../src/entries/fetch';
import { DelegationClient } from '../../../src/index';
import { CLIENT_ID, DOMAIN } from '../../support/delegation-endpoint';
import { issuingEndpoint } from '../../support/issuer';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';

export const MIB = 1_048_576;
const FAR_EXP = Date.parse('2100-01-01T00:00:00Z') / 1000;
export const alice = makeIdToken({ sub: 'auth0|alice', exp: FAR_EXP });
export const bob = makeIdToken({ sub: 'auth0|bob', exp: FAR_EXP });

export type Gate = Awaited<ReturnType<typeof startS3Gate>>;

/** Starts the gate for the file (with the part hooks) and stops it after. */
export function useGate(): { gate: () => Gate; parts: ReturnType<typeof partGate> } {
  const parts = partGate();
  let gate: Gate | undefined;
  beforeAll(async () => {
    gate = await startS3Gate({ authorize: policyAuthorizer(templatePolicies()), hold: (request) => parts.hold(request), fault: (request) => parts.fault(request) });
  });
  afterAll(() => gate?.stop());
  return { gate: () => gate!, parts };
}

export type Sent = { method: string; url: URL; body?: unknown };
/** Answers S3's response instead, or (`intercept`) answers before the request reaches S3. */
export type Answer = (sent: Sent, response: Response) => Response | undefined | Promise<Response | undefined>;
export type Intercept = (sent: Sent, init: RequestInit | undefined) => Promise<Response> | undefined;

/** Part uploads the client has sent and not yet had answered, and the most at once. */
export interface InFlight {
  now: number;
  most: number;
  /** Each part upload's end (answer or failure), as `sent` indexes; and the index of each request. */
  readonly settled: number[];
}

/** A folder whose requests are recorded; `answer` may replace S3's response to one of them. */
export function setup(gate: Gate, { idToken = alice, folder = 'auth0|alice/', answer, intercept }: { idToken?: string; folder?: string; answer?: Answer; intercept?: Intercept } = {}) {
  const endpoint = issuingEndpoint({ keys: gate.keys });
  server.use(endpoint.handler);
  const sent: Sent[] = [];
  const parts: InFlight = { now: 0, most: 0, settled: [] };
  const recording: typeof fetch = async (input, init) => {
    const request = { method: init?.method ?? 'GET', url: new URL(String(input)), body: init?.body };
    const index = sent.push(request) - 1;
    const isPart = request.url.searchParams.has('partNumber');
    if (isPart) parts.most = Math.max(parts.most, ++parts.now);
    try {
      const early = intercept?.(request, init);
      if (early !== undefined) return await early;
      const response = await fetch(input, init);
      return (await answer?.(request, response)) ?? response;
    } finally {
      if (isPart) {
        parts.now--;
        parts.settled.push(index);
      }
    }
  };
  const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN });
  const s3fetch = signedFetch(client, { idToken: () => idToken, region: 'us-east-1', fetch: recording });
  return { endpoint, sent, parts, s3fetch, folder: s3Folder(s3fetch, { bucket: 'uploads', folder, endpoint: gate.url }) };
}

/** A body of `size` bytes that differs at every position mod 251, so a part out of order shows. */
export function bodyOf(size: number): Blob {
  const bytes = new Uint8Array(size);
  for (let index = 0; index < size; index++) bytes[index] = index % 251;
  return new Blob([bytes], { type: 'application/x-test' });
}

export const codeOf = (promise: Promise<unknown>) => promise.then(() => 'ok', (error: { code?: string; status?: number }) => `${error.status} ${error.code}`);
export const uploadIdOf = (sent: Sent[]) => sent.find(({ url }) => url.searchParams.has('partNumber'))?.url.searchParams.get('uploadId') ?? '';
/** How many times each part number was sent, by part number. */
export const partCounts = (numbers: number[]) => numbers.reduce<Record<number, number>>((counts, number) => ({ ...counts, [number]: (counts[number] ?? 0) + 1 }), {});
export const partNumbers = (sent: Sent[]) => sent.filter(({ method, url }) => method === 'PUT' && url.searchParams.has('partNumber')).map(({ url }) => Number(url.searchParams.get('partNumber')));

/** What S3 says of an upload: 200 while it has parts to list, 404 NoSuchUpload once aborted or completed. */
export async function partsStatus(gate: Gate, s3fetch: ReturnType<typeof signedFetch>, key: string, uploadId: string): Promise<number> {
  const response = await s3fetch(`${gate.url}/uploads/${key}?uploadId=${encodeURIComponent(uploadId)}`);
  await response.arrayBuffer();
  return response.status;
}
