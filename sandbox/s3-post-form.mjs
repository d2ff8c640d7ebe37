// @ts-check
// A browser POST upload's multipart/form-data body, read as S3 reads it, with busboy: the fields before
// the file (names without regard to case, each once, 20 KB in all: S3's
// MaxPostPreDataLengthExceededError), the file (the field named `file`, held in memory or a file of the
// gate's own folder until the policy allows it: s3-body.mjs), and nothing after it (S3 ignores fields
// that follow the file).
import busboy from 'busboy';
import { heldBody } from './s3-body.mjs';
import { s3Error } from './s3-errors.mjs';

/** S3: the fields before the file may take 20 KB. */
const MAX_PRE_DATA_BYTES = 20 * 1024;
/** S3: a POST upload is at most 5 GB. */
const MAX_FILE_BYTES = 5 * 1024 ** 3;

/**
 * @typedef {object} PostForm
 * @property {Map<string, { name: string, value: string }>} fields by lower-case name, as sent
 * @property {import('./s3-body.mjs').HeldBody} file
 * @property {string} filename the file part's name ('' when it was sent as a plain field)
 */

/**
 * Reads the form; resolves once the file has been received (the rest of the body is read and dropped).
 * @param {import('node:http').IncomingMessage} req @param {{ directory: string }} options where large files are held
 * @returns {Promise<PostForm>}
 * @throws {import('./s3-errors.mjs').S3Error} 400 MalformedPOSTRequest, MaxPostPreDataLengthExceededError,
 *   InvalidArgument (a field twice, no file), EntityTooLarge (over 5 GB)
 */
export function readPostForm(req, { directory }) {
  return new Promise((resolve, reject) => {
    /** @type {PostForm['fields']} */
    const fields = new Map();
    const file = heldBody({ directory });
    let preData = 0;
    /** Whether the file part has begun: the parser may close before the file is fully held. */
    let fileSeen = false;
    let received = false;
    /** @param {unknown} error */
    const fail = (error) => {
      if (received) return;
      received = true;
      req.unpipe();
      req.resume();
      void file.discard();
      reject(error);
    };
    let parser;
    try {
      parser = busboy({ headers: req.headers, limits: { fileSize: MAX_FILE_BYTES, fieldSize: MAX_PRE_DATA_BYTES + 1, files: Infinity } });
    } catch {
      return reject(malformed());
    }
    parser.on('field', (name, value, info) => {
      // S3 reads no field after the file.
      if (received || fileSeen) return;
      if (name.toLowerCase() === 'file') return void ((fileSeen = true), file.write(Buffer.from(value)).then(() => finish(''), fail));
      preData += Buffer.byteLength(name) + Buffer.byteLength(value);
      if (preData > MAX_PRE_DATA_BYTES || info.valueTruncated) return fail(s3Error(400, 'MaxPostPreDataLengthExceededError', 'Your POST request fields preceding the upload file were too large.', { MaxPostPreDataLength: String(MAX_PRE_DATA_BYTES) }));
      if (fields.has(name.toLowerCase())) return fail(s3Error(400, 'InvalidArgument', `The form field ${name} appears more than once.`, { ArgumentName: name }));
      fields.set(name.toLowerCase(), { name, value });
    });
    parser.on('file', (name, stream, info) => {
      if (received || fileSeen || name.toLowerCase() !== 'file') return void stream.resume();
      fileSeen = true;
      stream.on('limit', () => fail(s3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', { MaxSizeAllowed: String(MAX_FILE_BYTES) })));
      (async () => {
        for await (const chunk of stream) await file.write(/** @type {Buffer} */ (chunk));
        if (!received) finish(info.filename ?? '');
      })().catch(fail);
    });
    /** @param {string} filename */
    const finish = (filename) => {
      file.close().then(() => {
        if (received) return;
        received = true;
        resolve({ fields, file, filename });
      }, fail);
    };
    parser.on('error', () => fail(malformed()));
    parser.on('close', () => fileSeen || fail(s3Error(400, 'InvalidArgument', 'POST requires exactly one file upload per request.', { ArgumentName: 'file', ArgumentValue: '0' })));
    req.on('error', fail);
    req.pipe(parser);
  });
}

const malformed = () => s3Error(400, 'MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.');
