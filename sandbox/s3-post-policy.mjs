// @ts-check
// A browser POST upload's policy, judged as S3 judges it (S3 API Reference, "Creating a POST policy"):
// the base64 JSON document with an `expiration` and `conditions`; the policy expired at the server's
// time; every condition met: `{ "field": "value" }` and `["eq", "$field", "value"]` exact,
// `["starts-with", "$field", "prefix"]` (for Content-Type, each of a comma-separated list) on the fields
// that allow it (exactOnly below),
// `["content-length-range", min, max]` on the file's size, `bucket` the bucket the form was posted to;
// and no form field that no condition names ("Extra input fields"), except the policy, the signature,
// the file and `x-ignore-*` fields. Field names match without regard to case; values exactly.
import { s3Error } from './s3-errors.mjs';

/** Fields the policy need not name. */
const UNNAMED = ['policy', 'x-amz-signature', 'file'];

/**
 * @typedef {object} PostRequest what the policy is judged against
 * @property {string} bucket the bucket the form was posted to
 * @property {Map<string, { name: string, value: string }>} fields the form's fields by lower-case name
 * @property {number} size the file's size in bytes
 * @property {number} now the server's clock (ms)
 */

/**
 * Throws S3's refusal unless the policy allows the request.
 * @param {string} encoded the `policy` field (base64) @param {PostRequest} request
 * @throws {import('./s3-errors.mjs').S3Error} 400 InvalidPolicyDocument, 403 AccessDenied ("Invalid
 *   according to Policy: ..."), 400 EntityTooLarge / EntityTooSmall
 */
export function checkPostPolicy(encoded, request) {
  const { expiration, conditions } = readPolicy(encoded);
  if (request.now > expiration) throw refused('Policy expired.');
  /** @type {Set<string>} */
  const named = new Set(['bucket']);
  for (const condition of conditions) {
    const field = checkCondition(condition, request);
    if (field !== undefined) named.add(field);
  }
  const extra = [...request.fields.entries()].filter(([name]) => !UNNAMED.includes(name) && !name.startsWith('x-ignore-') && !named.has(name)).map(([, field]) => field.name);
  if (extra.length > 0) throw refused(`Extra input fields: ${extra.join(', ')}`);
}

/**
 * The document, its shape checked.
 * @param {string} encoded @returns {{ expiration: number, conditions: unknown[] }}
 */
function readPolicy(encoded) {
  let document;
  try {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) throw new Error('not base64');
    document = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    throw invalidPolicy('Invalid JSON.');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw invalidPolicy('Invalid JSON.');
  if (document.expiration === undefined) throw invalidPolicy('Policy missing expiration.');
  const expiration = typeof document.expiration === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(document.expiration) ? Date.parse(document.expiration) : Number.NaN;
  if (Number.isNaN(expiration)) throw invalidPolicy(`Invalid 'expiration' value: '${String(document.expiration)}'`);
  if (!Array.isArray(document.conditions)) throw invalidPolicy('Policy missing conditions.');
  return { expiration, conditions: document.conditions };
}

/**
 * Checks one condition; answers the (lower-case) field it names, if any.
 * @param {unknown} condition @param {PostRequest} request @returns {string | undefined}
 */
function checkCondition(condition, request) {
  const text = JSON.stringify(condition);
  if (Array.isArray(condition) && condition[0] === 'content-length-range') return void checkLength(condition, request.size, text);
  const [operator, field, expected] = conditionParts(condition, text);
  const name = field.toLowerCase();
  const actual = name === 'bucket' ? request.bucket : request.fields.get(name)?.value;
  const holds = operator === 'eq' ? actual === expected : !exactOnly(name) && actual !== undefined && startsWith(name, actual, expected);
  // S3 names the condition in array form, whichever form the policy used: ["eq", "$bucket", "x"].
  if (!holds) throw refused(`Policy Condition failed: [${[operator, `$${field}`, expected].map((part) => JSON.stringify(part)).join(', ')}]`);
  return name;
}

/**
 * An equality or prefix condition as [operator, field name, value].
 * @param {unknown} condition @param {string} text @returns {['eq' | 'starts-with', string, string]}
 */
function conditionParts(condition, text) {
  if (typeof condition === 'object' && condition !== null && !Array.isArray(condition)) {
    const entries = Object.entries(condition);
    const [name, value] = entries[0] ?? [];
    if (entries.length === 1 && typeof name === 'string' && typeof value === 'string') return ['eq', name, value];
  }
  if (Array.isArray(condition) && condition.length === 3) {
    const [operator, field, value] = condition;
    if ((operator === 'eq' || operator === 'starts-with') && typeof field === 'string' && field.startsWith('$') && typeof value === 'string') return [operator, field.slice(1), value];
  }
  throw invalidPolicy(`Invalid Condition: ${text}`);
}

/**
 * Whether S3 matches a field exactly only, so that `starts-with` on it fails however the value begins.
 * "Creating a POST policy", Conditions: `bucket`, `x-amz-algorithm`, `-credential`, `-date` and the
 * other `x-amz-*` fields support exact matching; `x-amz-meta-*`, `key`, `acl`, the REST headers and
 * the redirect starts-with as well. `success_action_status`, documented exact, is not refused: S3 takes
 * starts-with on it (minio/minio#12567). Nor are fields the table does not list (a page's own fields).
 * @param {string} name lower-case
 */
function exactOnly(name) {
  return name === 'bucket' || (name.startsWith('x-amz-') && !name.startsWith('x-amz-meta-'));
}

/** Content-Type may list several types: each must start with the prefix. @param {string} name @param {string} actual @param {string} prefix */
function startsWith(name, actual, prefix) {
  return name === 'content-type' ? actual.split(',').every((type) => type.trim().startsWith(prefix)) : actual.startsWith(prefix);
}

/** @param {unknown[]} condition @param {number} size @param {string} text */
function checkLength(condition, size, text) {
  const [, min, max] = condition;
  if (condition.length !== 3 || !Number.isSafeInteger(min) || !Number.isSafeInteger(max) || Number(min) < 0 || Number(max) < Number(min)) throw invalidPolicy(`Invalid Condition: ${text}`);
  if (size > Number(max)) throw s3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', { ProposedSize: String(size), MaxSizeAllowed: String(max) });
  if (size < Number(min)) throw s3Error(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', { ProposedSize: String(size), MinSizeAllowed: String(min) });
}

const refused = (/** @type {string} */ reason) => s3Error(403, 'AccessDenied', `Invalid according to Policy: ${reason}`);
const invalidPolicy = (/** @type {string} */ reason) => s3Error(400, 'InvalidPolicyDocument', `Invalid Policy: ${reason}`);
