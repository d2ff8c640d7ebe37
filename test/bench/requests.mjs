// @ts-check
// Figure 2: delegation requests for N concurrent credential requests spread over 1 and 3 S3Clients,
// with fromDelegation and, measured in the same run, with a plain provider that makes a delegation
// request each time the AWS SDK's own per-client memoization asks it, and with that plain provider
// wrapped once in the AWS SDK's own memoizeIdentityProvider and shared by the clients (which reaches 1
// too: what fromDelegation adds beyond it is not the count, see the README). Target: 1.
import { S3Client } from '@aws-sdk/client-s3';
import { doesIdentityRequireRefresh, isIdentityExpired, memoizeIdentityProvider } from '@smithy/core';
import { DelegationClient, fromDelegation } from '../../dist/index.mjs';
import { fakeDelegation, idTokenFor } from './fixtures.mjs';

const idToken = idTokenFor('auth0|bench');

/** @param {import('@smithy/types').AwsCredentialIdentityProvider} credentials @param {number} count */
const s3Clients = (credentials, count) => Array.from({ length: count }, () => new S3Client({ region: 'us-east-1', credentials }));

/**
 * N concurrent credential resolutions through the S3Clients' own (memoized) providers.
 * @param {S3Client[]} clients @param {number} n
 */
async function resolveConcurrently(clients, n) {
  await Promise.all(Array.from({ length: n }, (_, index) => /** @type {any} */ (clients[index % clients.length]).config.credentials()));
}

/** @param {number} n @param {number} clientCount */
async function scenario(n, clientCount) {
  const ours = fakeDelegation();
  const client = new DelegationClient({ clientID: 'bench', domain: 'tenant.auth0.com', fetch: ours.fetch });
  await resolveConcurrently(s3Clients(fromDelegation(client, { idToken }), clientCount), n);

  const plain = fakeDelegation();
  const plainClient = new DelegationClient({ clientID: 'bench', domain: 'tenant.auth0.com', fetch: plain.fetch });
  // A plain provider: every call asks the endpoint (what a hand-written provider without a shared cache does).
  const provider = async () => {
    plainClient.clearCache();
    return plainClient.getCredentials({ idToken });
  };
  await resolveConcurrently(s3Clients(provider, clientCount), n);

  const memo = fakeDelegation();
  const memoClient = new DelegationClient({ clientID: 'bench', domain: 'tenant.auth0.com', fetch: memo.fetch });
  const memoized = memoizeIdentityProvider(async () => {
    memoClient.clearCache();
    return memoClient.getCredentials({ idToken });
  }, isIdentityExpired, doesIdentityRequireRefresh);
  await resolveConcurrently(s3Clients(/** @type {any} */ (memoized), clientCount), n);
  return { n, s3Clients: clientCount, fromDelegation: ours.counter.requests, plainProvider: plain.counter.requests, 'memoizeIdentityProvider(plain), shared': memo.counter.requests };
}

export async function delegationRequests() {
  const rows = [];
  for (const clientCount of [1, 3]) for (const n of [1, 10, 100, 1000]) rows.push(await scenario(n, clientCount));
  const checks = [{ check: 'delegation requests with fromDelegation, every scenario', value: Math.max(...rows.map((row) => row.fromDelegation)), pass: rows.every((row) => row.fromDelegation === 1) }];
  return { rows, checks };
}
