// @ts-check
// CompleteMultipartUpload as strict as S3 (API Reference: CompleteMultipartUpload, "Special errors"):
// the parts listed in ascending order (InvalidPartOrder), each one uploaded with the ETag given
// (InvalidPart: a part never uploaded, PartNumber 0, a forged ETag), each but the last at least 5 MiB
// (EntityTooSmall), each with its checksum if the upload has one (s3-upload-checksum.mjs). Only then are the parts joined into the object, through s3rver's store. s3rver's own
// completion took any list: a missing part ended the process with an error in a stream nobody listened
// to, a forged ETag or a small part completed.
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import S3Object from 's3rver/lib/models/object.js';
import { s3Error } from './s3-errors.mjs';
import { partsOf, uploadFolder } from './s3rver-uploads.mjs';
import { checkListedChecksums, uploadChecksum } from './s3-upload-checksum.mjs';
import { sendXml, unxml, xml } from './s3-xml.mjs';

/** S3's smallest part but the last. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
const MAX_BODY_BYTES = 1024 * 1024;
const MAX_PARTS = 10_000;

const malformedXml = () => s3Error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
/** @param {string} uploadId @param {{ number: number, etag: string }} part */
const invalidPart = (uploadId, part) =>
  s3Error(400, 'InvalidPart', "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not have matched the part's entity tag.", { UploadId: uploadId, PartNumber: String(part.number), ETag: part.etag });

/**
 * The parts a CompleteMultipartUpload body lists, in its order: number, ETag (quotes removed, as S3
 * compares them) and the algorithms of the checksums given (ChecksumCRC32 -> 'CRC32').
 * @param {string} text @returns {{ number: number, etag: string, checksums: Set<string> }[]}
 * @throws {import('./s3-errors.mjs').S3Error} MalformedXML
 */
export function listedParts(text) {
  if (!/^\s*(<\?xml[^>]*\?>\s*)?<CompleteMultipartUpload[\s>]/.test(text) || !/<\/CompleteMultipartUpload>\s*$/.test(text)) throw malformedXml();
  const parts = [...text.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map(([, inside = '']) => {
    const number = /<PartNumber>\s*(\d{1,9})\s*<\/PartNumber>/.exec(inside)?.[1];
    const etag = unxml(/<ETag>([^<]*)<\/ETag>/.exec(inside)?.[1] ?? '');
    if (number === undefined || etag === undefined || etag === '') throw malformedXml();
    const checksums = new Set([...inside.matchAll(/<Checksum([A-Z0-9]+)>[^<]+<\/Checksum\1>/g)].map(([, algorithm = '']) => algorithm));
    return { number: Number(number), etag: etag.replace(/"/g, ''), checksums };
  });
  if (parts.length === 0 || parts.length > MAX_PARTS) throw malformedXml();
  return parts;
}

/**
 * Checks a completion's list against the parts uploaded; throws S3's error for the first problem.
 * @template {{ number: number, etag: string }} Listed
 * @param {Listed[]} listed @param {Awaited<ReturnType<typeof partsOf>>} uploaded
 * @param {string} uploadId
 * @returns {Listed[]} the list, checked
 */
export function checkParts(listed, uploaded, uploadId) {
  listed.forEach((part, index) => {
    if (index > 0 && part.number <= (listed[index - 1]?.number ?? 0)) throw s3Error(400, 'InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.', { UploadId: uploadId });
  });
  const byNumber = new Map(uploaded.map((part) => [part.number, part]));
  // Every part must be there with its ETag before sizes are looked at.
  const found = listed.map((part) => {
    const match = byNumber.get(part.number);
    if (match === undefined || match.etag.replace(/"/g, '') !== part.etag) throw invalidPart(uploadId, part);
    return match;
  });
  found.slice(0, -1).forEach((part) => {
    if (part.size < MIN_PART_BYTES) throw s3Error(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', { ProposedSize: String(part.size), MinSizeAllowed: String(MIN_PART_BYTES), PartNumber: String(part.number), ETag: part.etag });
  });
  return listed;
}

/**
 * CompleteMultipartUpload over s3rver's folder and store.
 * @param {{ directory: string, store: import('s3rver').S3rverStore }} s3rver
 */
export function multipartCompletion({ directory, store }) {
  /**
   * @param {import('./s3-body.mjs').HeldBody} body @param {import('node:http').ServerResponse} res
   * @param {{ bucket: string, key: string, uploadId: string, location: string }} upload `location`: the object's URL
   */
  return async function complete(body, res, { bucket, key, uploadId, location }) {
    const text = await body.text(MAX_BODY_BYTES);
    if (text === undefined) throw s3Error(400, 'MaxMessageLengthExceeded', 'Your request was too big.');
    const listed = checkParts(listedParts(text), await partsOf(directory, bucket, uploadId), uploadId);
    checkListedChecksums(await uploadChecksum(directory, bucket, uploadId), listed);
    const { md5 } = await joinParts(store, uploadFolder(directory, bucket, uploadId), { bucket, key, uploadId, listed });
    await rm(uploadFolder(directory, bucket, uploadId), { recursive: true, force: true });
    sendXml(res, 200, `<CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Location>${xml(location)}</Location><Bucket>${xml(bucket)}</Bucket><Key>${xml(key)}</Key><ETag>"${md5}"</ETag></CompleteMultipartUploadResult>`);
  };
}

/**
 * The listed parts, opened first (a part gone since it was checked is InvalidPart, not a stream error),
 * then written as one object with the upload's metadata by s3rver's store.
 * @param {import('s3rver').S3rverStore} store @param {string} folder
 * @param {{ bucket: string, key: string, uploadId: string, listed: { number: number, etag: string }[] }} upload
 */
async function joinParts(store, folder, { bucket, key, uploadId, listed }) {
  /** @type {import('node:fs/promises').FileHandle[]} */
  const handles = [];
  try {
    for (const part of listed) handles.push(await open(join(folder, String(part.number))).catch(() => Promise.reject(invalidPart(uploadId, part))));
    const metadata = JSON.parse(await readFile(join(folder, 'metadata'), 'utf8'));
    const content = Readable.from(bytesOf(handles));
    // An error reading a part ends this request, never the process: someone listens to it.
    const failed = new Promise((_, reject) => content.once('error', reject));
    failed.catch(() => undefined);
    return /** @type {{ md5: string, size: number }} */ (await Promise.race([store.putObject(new S3Object(bucket, key, content, metadata)), failed]));
  } finally {
    await Promise.all(handles.map((handle) => handle.close()));
  }
}

/** The bytes of the open part files, one after the other. @param {import('node:fs/promises').FileHandle[]} handles */
async function* bytesOf(handles) {
  for (const handle of handles) yield* handle.createReadStream({ autoClose: false, start: 0 });
}
