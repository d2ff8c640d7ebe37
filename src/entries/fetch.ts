// `auth0-aws-delegation/fetch`: S3 (or any AWS service) without the AWS SDK. A signed `fetch` on the
// client's cached credentials (SigV4 by aws4fetch, bundled into this entry), and the per-user folder
// operations on it, one function each so that an app carries only those it calls. Its own entry: the
// main entry does not carry it.
export { signedFetch } from '../fetch/signed-fetch';
export type { SignedFetch, SignedFetchInit, SignedRequestInit } from '../fetch/signed-fetch';
export { s3Folder } from '../fetch/s3-folder';
export type { S3Folder, S3FolderOptions, S3OperationOptions } from '../fetch/s3-folder';
export { deleteObject, getObject, putObject } from '../fetch/s3-objects';
export type { S3PutOptions, S3PutResult } from '../fetch/s3-objects';
export { uploadMultipart } from '../fetch/s3-multipart';
export type { S3MultipartOptions } from '../fetch/s3-multipart';
export { listObjects } from '../fetch/s3-xml';
export type { S3ListOptions, S3Listing, S3Object } from '../fetch/s3-xml';
export type { UploadProgress } from '../fetch/transport';
export { MAX_POST_BYTES, postObject } from '../fetch/post-object';
