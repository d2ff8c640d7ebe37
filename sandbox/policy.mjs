// @ts-check
// The per-user IAM policy of the integration guide, corrected, evaluated with pbac for each S3 request.
// The guide's "s3:DelObject" is not an IAM action (deletes would be denied): it is s3:DeleteObject. The
// guide also grants no listing; s3:ListBucket with an s3:prefix condition lets a user list their folder
// and nothing else.
import PBAC from 'pbac';

/** Where each kind of user's folder lives: Cognito identities under `private/` (Amplify's layout). */
const FOLDER_PREFIX = /** @type {Record<string, string>} */ ({ 'cognito-identity.amazonaws.com:sub': 'private/' });

/**
 * @param {string} bucket
 * @param {string} [variable] the policy variable of the user: `saml:sub` for delegation (SAML), the IAM
 *   OIDC provider's `<issuer host>/:sub` for web identity, `cognito-identity.amazonaws.com:sub` for a
 *   Cognito identity pool (whose folders are `private/{identityId}/`)
 */
export function perUserPolicy(bucket, variable = 'saml:sub') {
  const folder = `${FOLDER_PREFIX[variable] ?? ''}\${${variable}}`;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'OwnFolderObjects',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:PutObjectAcl', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        Resource: [`arn:aws:s3:::${bucket}/${folder}/*`],
      },
      {
        Sid: 'ListOwnFolder',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: [`arn:aws:s3:::${bucket}`],
        Condition: { StringLike: { 's3:prefix': [`${folder}/*`] } },
      },
    ],
  };
}

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
 * An `authorize` hook for the S3 gate: the policy of the key's variable (`${saml:sub}` unless the key
 * says otherwise) with that variable replaced by the key's subject (in Resource and Condition alike:
 * pbac does not substitute inside Condition values).
 * @param {string} bucket
 * @returns {(request: import('./s3-gate.mjs').S3Request) => boolean}
 */
export function policyAuthorizer(bucket) {
  /** @type {Map<string, PBAC>} */
  const byUser = new Map();
  return (request) => {
    const { subject, policyVariable = 'saml:sub', owner } = request.issued;
    // The bucket owner's key (tests seed and inspect the bucket with it) is not subject to the policy.
    if (owner) return true;
    const target = s3Action(request);
    if (subject === undefined || target === undefined) return false;
    let pbac = byUser.get(`${policyVariable} ${subject}`);
    if (!pbac) {
      const template = JSON.stringify(perUserPolicy(bucket, policyVariable));
      // JSON-escape the subject so that it stays one string value.
      pbac = new PBAC([JSON.parse(template.replaceAll(`\${${policyVariable}}`, JSON.stringify(subject).slice(1, -1)))]);
      byUser.set(`${policyVariable} ${subject}`, pbac);
    }
    const context = target.prefix === undefined ? {} : { s3: { prefix: target.prefix } };
    return pbac.evaluate({ action: target.action, resource: target.resource, context });
  };
}
