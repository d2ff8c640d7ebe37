// Script-tag entry with S3 (global Auth0AwsDelegation): the SDK with all three exchanges (delegation, STS
// web identity, Cognito identity pools), S3Client, the object, listing and multipart commands, Upload from
// @aws-sdk/lib-storage and getSignedUrl from @aws-sdk/s3-request-presigner, for pages without a bundler
// (the AWS SDK v3 ships no browser bundle of its own).
import { S3Client as AwsS3Client } from '@aws-sdk/client-s3';
import type { S3ClientConfig } from '@aws-sdk/client-s3';

export * from '../index';
export * from './web-identity';
export * from './cognito';
export {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
export { Upload } from '@aws-sdk/lib-storage';
export { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/**
 * `S3Client` with checksums only where S3 requires them, so `File` and `Blob` bodies work in browsers
 * (with the AWS SDK's default, a Blob body fails with `readableStream.getReader is not a function`).
 * Pass `requestChecksumCalculation` / `responseChecksumValidation` to choose otherwise.
 *
 * @example
 * const s3 = new Auth0AwsDelegation.S3Client({ region: 'us-east-1', credentials: Auth0AwsDelegation.fromDelegation(client, { idToken }) });
 */
export class S3Client extends AwsS3Client {
  constructor(config: S3ClientConfig = {}) {
    super({ requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED', ...config });
  }
}
