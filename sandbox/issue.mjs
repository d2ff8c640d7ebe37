// @ts-check
// What both credential issuers of the sandbox (/delegation and STS) hand out: a new temporary key,
// registered with the S3 gate, and the assumed-role user it belongs to.
import { randomBytes } from 'node:crypto';

/**
 * Mints an access key, secret and session token and registers them in the gate's key map.
 * @param {Map<string, import('./s3-gate.mjs').IssuedKey>} keys
 * @param {{ subject: string, expiresAt: number, policyVariable?: string, exchange?: 'delegation' | 'web-identity' | 'cognito' }} owner
 */
export function issueKey(keys, { subject, expiresAt, policyVariable, exchange }) {
  const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
  const secretAccessKey = randomBytes(30).toString('base64');
  const sessionToken = randomBytes(96).toString('base64');
  keys.set(accessKeyId, { secretAccessKey, sessionToken, expiresAt, subject, ...(policyVariable ? { policyVariable } : {}), ...(exchange ? { exchange } : {}) });
  return { accessKeyId, secretAccessKey, sessionToken, expiresAt };
}

/**
 * STS's `AssumedRoleUser` for a session of `roleArn`.
 * @param {string} roleArn @param {string} session
 */
export function assumedRoleUser(roleArn, session) {
  const [, account = '000000000000', roleName = ''] = /arn:aws:iam::(\d+):role\/(.+)$/.exec(roleArn) ?? [];
  return { Arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${session}`, AssumedRoleId: `AROA${randomBytes(8).toString('hex').toUpperCase()}:${session}` };
}
