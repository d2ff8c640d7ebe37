// @ts-check
// Each S3 request against the IAM policy of the role its key belongs to, evaluated with pbac. The policy
// documents come from the deployable templates (template-policy.mjs reads deploy/*.yaml): this file
// knows which IAM action and resource a request is, not what a user may do.
import PBAC from 'pbac';

/** The subresources s3rver routes on (a request with two is refused by it, and denied here). */
const SUBRESOURCES = ['acl', 'analytics', 'cors', 'delete', 'encryption', 'inventory', 'legal-hold', 'lifecycle', 'location', 'metrics', 'notification', 'object-lock', 'policy', 'policyStatus', 'publicAccessBlock', 'replication', 'requestPayment', 'retention', 'select', 'tagging', 'torrent', 'uploadId', 'uploads', 'versions', 'website'];

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
 * An `authorize` hook for the S3 gate: the documents of the role of the key's exchange (delegation unless
 * the key says otherwise), with the session's policy variable replaced by the key's subject, in Resource
 * and Condition alike (pbac does not substitute inside Condition values). A key whose variable is not its
 * role's leaves a variable unreplaced, and is denied.
 * @param {Record<import('./template-policy.mjs').Exchange, import('./template-policy.mjs').RolePolicy>} policies
 * @returns {(request: import('./s3-gate.mjs').S3Request) => boolean}
 */
export function policyAuthorizer(policies) {
  // A document pbac cannot read fails here, when the sandbox starts, not at a user's first request.
  for (const policy of Object.values(policies)) evaluator(policy, policy.variable, 'sandbox-check');
  /** @type {Map<string, PBAC | undefined>} */
  const bySession = new Map();
  return (request) => {
    const { subject, policyVariable = 'saml:sub', exchange = 'delegation', owner } = request.issued;
    // The bucket owner's key (tests seed and inspect the bucket with it) is not subject to the policy.
    if (owner) return true;
    const target = s3Action(request);
    if (subject === undefined || target === undefined || !Object.hasOwn(policies, exchange)) return false;
    const session = JSON.stringify([exchange, policyVariable, subject]);
    if (!bySession.has(session)) bySession.set(session, evaluator(policies[exchange], policyVariable, subject));
    const pbac = bySession.get(session);
    const context = target.prefix === undefined ? {} : { s3: { prefix: target.prefix } };
    return pbac !== undefined && pbac.evaluate({ action: target.action, resource: target.resource, context });
  };
}

/**
 * pbac over the role's documents with `${variable}` replaced by the subject, JSON-escaped so that it stays
 * one string value; undefined (deny everything) when any variable is left.
 * @param {import('./template-policy.mjs').RolePolicy} policy @param {string} variable @param {string} subject
 */
function evaluator(policy, variable, subject) {
  const text = JSON.stringify(policy.documents.map(listed)).replaceAll(`\${${variable}}`, JSON.stringify(subject).slice(1, -1));
  return text.includes('${') ? undefined : new PBAC(JSON.parse(text));
}

const LISTS = ['Action', 'NotAction', 'Resource', 'NotResource'];
/** @param {unknown} value @returns {unknown[]} */
const list = (value) => (Array.isArray(value) ? value : [value]);

/**
 * A policy document with IAM's single values written as the lists pbac requires: Statement, Action,
 * Resource (and their Not forms) and each condition's values.
 * @param {import('./template-policy.mjs').PolicyDocument} document
 */
function listed(document) {
  const statements = /** @type {Record<string, unknown>[]} */ (list(document.Statement));
  return {
    ...document,
    Statement: statements.map((statement) => {
      const copy = { ...statement };
      for (const name of LISTS) if (copy[name] !== undefined) copy[name] = list(copy[name]);
      if (copy['Condition'] !== undefined) {
        const operators = Object.entries(/** @type {Record<string, Record<string, unknown>>} */ (copy['Condition']));
        copy['Condition'] = Object.fromEntries(operators.map(([operator, keys]) => [operator, Object.fromEntries(Object.entries(keys).map(([key, value]) => [key, list(value)]))]));
      }
      return copy;
    }),
  };
}
