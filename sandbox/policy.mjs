// @ts-check
// The per-user IAM policy of the integration guide, corrected, evaluated with pbac for each S3 request.
// The guide's "s3:DelObject" is not an IAM action (deletes would be denied): it is s3:DeleteObject. The
// guide also grants no listing; s3:ListBucket with an s3:prefix condition lets a user list their folder
// and nothing else.
import PBAC from 'pbac';

/**
 * @param {string} bucket
 * @param {string} [variable] the policy variable of the user: `saml:sub` for delegation (SAML), or the
 *   IAM OIDC provider's `<issuer host>/:sub` for web identity
 */
export function perUserPolicy(bucket, variable = 'saml:sub') {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'OwnFolderObjects',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:PutObjectAcl', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        Resource: [`arn:aws:s3:::${bucket}/\${${variable}}/*`],
      },
      {
        Sid: 'ListOwnFolder',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: [`arn:aws:s3:::${bucket}`],
        Condition: { StringLike: { 's3:prefix': [`\${${variable}}/*`] } },
      },
    ],
  };
}

/**
 * The IAM action and resource of a path-style S3 request, or undefined for what the sandbox does not
 * support (bucket-level writes, DeleteObjects, ...), which is then denied.
 * @param {{ method: string, bucket: string, key: string, query: URLSearchParams }} request
 */
export function s3Action({ method, bucket, key, query }) {
  const object = `arn:aws:s3:::${bucket}/${key}`;
  if (key === '') {
    return method === 'GET' && !query.has('uploads') ? { action: 's3:ListBucket', resource: `arn:aws:s3:::${bucket}`, prefix: query.get('prefix') ?? undefined } : undefined;
  }
  if (method === 'GET' && query.has('uploadId')) return { action: 's3:ListMultipartUploadParts', resource: object };
  if (method === 'GET' || method === 'HEAD') return { action: 's3:GetObject', resource: object };
  if (method === 'PUT' && query.has('acl')) return { action: 's3:PutObjectAcl', resource: object };
  if (method === 'PUT' || method === 'POST') return { action: 's3:PutObject', resource: object };
  if (method === 'DELETE') return { action: query.has('uploadId') ? 's3:AbortMultipartUpload' : 's3:DeleteObject', resource: object };
  return undefined;
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
    const { subject, policyVariable = 'saml:sub' } = request.issued;
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
