// @ts-check
// Each S3 request against the IAM policy of the role its key belongs to, evaluated as IAM does
// (iam-policy.mjs). The policy documents come from the deployable templates (template-policy.mjs reads
// deploy/*.yaml): this file knows which IAM action, resource and context a request is, not what a user
// may do.
import { decide, readPolicies } from './iam-policy.mjs';

/** The subresources s3rver routes on (a request with two is refused by it, and denied here). */
const SUBRESOURCES = ['acl', 'analytics', 'cors', 'delete', 'encryption', 'inventory', 'legal-hold', 'lifecycle', 'location', 'metrics', 'notification', 'object-lock', 'policy', 'policyStatus', 'publicAccessBlock', 'replication', 'requestPayment', 'retention', 'select', 'tagging', 'torrent', 'uploadId', 'uploads', 'versions', 'website'];

/** The condition key of a listing's prefix (a key, not an action: deploy-templates.test.ts reads 's3:...' strings here as actions). */
const CONDITION_PREFIX = `s3:prefix`;

/** The IAM action of each object operation s3rver performs, by method and subresource. */
const OBJECT_ACTIONS = new Map([
  ['GET ', 's3:GetObject'],
  ['HEAD ', 's3:GetObject'],
  ['GET uploadId', 's3:ListMultipartUploadParts'],
  ['GET acl', 's3:GetObjectAcl'],
  ['GET tagging', 's3:GetObjectTagging'],
  ['PUT ', 's3:PutObject'],
  ['PUT uploadId', 's3:PutObject'],
  ['PUT acl', 's3:PutObjectAcl'],
  ['PUT tagging', 's3:PutObjectTagging'],
  ['POST uploads', 's3:PutObject'],
  ['POST uploadId', 's3:PutObject'],
  ['DELETE ', 's3:DeleteObject'],
  ['DELETE uploadId', 's3:AbortMultipartUpload'],
  ['DELETE tagging', 's3:DeleteObjectTagging'],
]);

/**
 * The IAM action and resource of a path-style S3 request, as s3rver will carry it out (its method and
 * subresource), or undefined for what the sandbox does not grant (bucket settings, bucket-level writes,
 * form POSTs, ...), which is then denied. DeleteObjects is asked key by key, as s3:DeleteObject (the gate).
 * @param {{ method: string, bucket: string, key: string, query: URLSearchParams }} request
 */
export function s3Action({ method, bucket, key, query }) {
  const present = SUBRESOURCES.filter((name) => query.has(name));
  if (bucket === '' || present.length > 1) return undefined;
  const subresource = present[0] ?? '';
  if (key === '') {
    if (method === 'GET' && subresource === 'uploads') return { action: 's3:ListBucketMultipartUploads', resource: `arn:aws:s3:::${bucket}` };
    return method === 'GET' && subresource === '' ? { action: 's3:ListBucket', resource: `arn:aws:s3:::${bucket}`, prefix: query.get('prefix') ?? undefined } : undefined;
  }
  const action = OBJECT_ACTIONS.get(`${method} ${subresource}`);
  return action === undefined ? undefined : { action, resource: `arn:aws:s3:::${bucket}/${key}` };
}

/**
 * An `authorize` hook for the S3 gate: IAM's decision over the documents of the role of the key's
 * exchange (delegation unless the key says otherwise). The request context holds the session's policy
 * variable (the key's subject) and, for a listing, `s3:prefix`: the policy's `${...}` are read from it
 * in Resource and Condition alike, as IAM reads them. A key whose variable is not its role's leaves the
 * role's variable without a value, which matches nothing: denied.
 * @param {Record<import('./template-policy.mjs').Exchange, import('./template-policy.mjs').RolePolicy>} policies
 * @returns {(request: import('./s3-gate.mjs').S3Request) => boolean}
 * @throws {Error} when a document is one the sandbox cannot evaluate (at start, not at a first request)
 */
export function policyAuthorizer(policies) {
  const statements = Object.fromEntries(Object.entries(policies).map(([exchange, policy]) => [exchange, readPolicies(policy.documents)]));
  return (request) => {
    const { subject, policyVariable = 'saml:sub', exchange = 'delegation', owner } = request.issued;
    // The bucket owner's key (tests seed and inspect the bucket with it) is not subject to the policy.
    if (owner) return true;
    const target = s3Action(request);
    if (subject === undefined || target === undefined || !Object.hasOwn(statements, exchange)) return false;
    const context = { [policyVariable]: subject, ...(target.prefix === undefined ? {} : { [CONDITION_PREFIX]: target.prefix }) };
    return decide(statements[exchange] ?? [], { action: target.action, resource: target.resource, context }) === 'Allow';
  };
}
