// @ts-check
// S3's error answers: an Error that carries S3's status, code and extra fields, and the XML body S3
// sends for it (with the request id in the body and the x-amz-request-id header). Anything else that
// is thrown is answered as InternalError, with a generic message: an internal error's text stays out.
import { randomUUID } from 'node:crypto';
import { xml } from './s3-xml.mjs';

/**
 * @typedef {Error & { status: number, code: string, fields: Record<string, string> }} S3Error
 */

/**
 * @param {number} status @param {string} code @param {string} message
 * @param {Record<string, string>} [fields] more elements of S3's <Error>, e.g. { Region: 'us-east-1' }
 * @returns {S3Error}
 */
export function s3Error(status, code, message, fields = {}) {
  return Object.assign(new Error(message), { status, code, fields });
}

/** @param {unknown} error @returns {error is S3Error} */
export function isS3Error(error) {
  return error instanceof Error && typeof (/** @type {any} */ (error).code) === 'string' && typeof (/** @type {any} */ (error).status) === 'number';
}

/**
 * Answers `error` as S3 does; an error that is not an S3Error becomes 500 InternalError.
 * @param {import('node:http').ServerResponse} res @param {unknown} error
 * @returns {string} the code answered
 */
export function sendS3Error(res, error) {
  const { status, code, message, fields } = isS3Error(error) ? error : s3Error(500, 'InternalError', 'We encountered an internal error. Please try again.');
  const requestId = randomUUID();
  const extra = Object.entries(fields).map(([name, value]) => `<${name}>${xml(value)}</${name}>`).join('');
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xml(message)}</Message>${extra}<RequestId>${requestId}</RequestId></Error>`;
  if (res.headersSent) {
    res.destroy();
    return code;
  }
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), 'x-amz-request-id': requestId }).end(body);
  return code;
}
