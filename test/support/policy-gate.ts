// The verifying S3 with the sandbox's per-user policy, its data folder inside a folder of the test's
// own (so a test can see whether anything was written beside it), and keys issued to named users.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueKey } from '../../sandbox/issue.mjs';
import { policyAuthorizer } from '../../sandbox/policy.mjs';
import { sandboxPolicies } from '../../sandbox/template-policy.mjs';
import type { Exchange } from '../../sandbox/template-policy.mjs';
import type { CorsRule } from '../../sandbox/s3-cors.mjs';
import { startS3Gate } from '../../sandbox/s3-gate.mjs';
import { afterAll, beforeAll } from 'vitest';
import { BUCKET, s3Client } from './s3';
import type { Credentials } from './signed-raw';

/** The role policies of deploy/*.yaml as the sandbox resolves them, for the bucket the tests use. */
export const templatePolicies = (texts?: Parameters<typeof sandboxPolicies>[0]['texts']) => sandboxPolicies({ bucket: BUCKET, auth0Domain: 'tenant.auth0.com', clientID: 'sandbox-client', ...(texts ? { texts } : {}) });

/** @param options.texts templates' texts instead of deploy/'s (an edited policy) @param options.cors the bucket's CORS rules */
export async function startPolicyGate({ texts, ...options }: { now?: () => number; texts?: Parameters<typeof templatePolicies>[0]; cors?: CorsRule[] } = {}) {
  const base = await mkdtemp(join(tmpdir(), 'policy-gate-'));
  const directory = join(base, 'data');
  await mkdir(directory);
  const gate = await startS3Gate({ directory, buckets: [BUCKET], authorize: policyAuthorizer(templatePolicies(texts)), ...options });
  const now = options.now ?? Date.now;
  return {
    gate,
    base,
    directory,
    /**
     * Fresh credentials for `subject`, valid for a day on the gate's clock, and an S3Client using them; a
     * session of the delegation role unless `session` names another exchange's role and variable.
     */
    user(subject: string, session: { exchange?: Exchange; policyVariable?: string } = {}): { credentials: Credentials; s3: ReturnType<typeof s3Client> } {
      const { accessKeyId, secretAccessKey, sessionToken } = issueKey(gate.keys, { subject, expiresAt: now() + 86_400_000, ...session });
      const credentials = { accessKeyId, secretAccessKey, sessionToken };
      return { credentials, s3: s3Client(gate.url, credentials) };
    },
    async stop() {
      await gate.stop();
      await rm(base, { recursive: true, force: true });
    },
  };
}

/**
 * A policy gate for one test file: started before its tests (with Alice's user, `auth0|alice`) and
 * stopped after them. Read `setup` and `alice` inside the tests (they are set by then).
 */
export function policyGateForFile(options: Parameters<typeof startPolicyGate>[0] = {}) {
  const state = {} as { setup: Awaited<ReturnType<typeof startPolicyGate>>; alice: ReturnType<Awaited<ReturnType<typeof startPolicyGate>>['user']> };
  beforeAll(async () => {
    state.setup = await startPolicyGate(options);
    state.alice = state.setup.user('auth0|alice');
  });
  afterAll(() => state.setup?.stop());
  return state;
}
