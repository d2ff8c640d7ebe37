// S3Clients as the tests use them against the local verifying S3: path-style, us-east-1, and checksums
// only when required (as the S3 script bundle configures them, for File/Blob bodies in browsers).
import { S3Client } from '@aws-sdk/client-s3';
import type { S3ClientConfig } from '@aws-sdk/client-s3';

export const BUCKET = 'uploads';

export function s3Client(endpoint: string, credentials: S3ClientConfig['credentials'], extra: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
    ...extra,
  });
}
