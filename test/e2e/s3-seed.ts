// S3 straight from the test process, past any page: a user's credentials from the sandbox's
// /delegation, an S3Client on them (or on the bucket owner's), and seeding many objects at once.
import { GetObjectCommand, ListMultipartUploadsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { startSandbox } from '../../sandbox/server.mjs';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
interface Keys { accessKeyId: string; secretAccessKey: string; sessionToken: string }

/** A user's AWS credentials, as /delegation hands them to the page. */
export async function userCredentials(sandbox: Sandbox, sub: string): Promise<Keys> {
  const idToken = await sandbox.identity.issue(sub);
  const response = await fetch(`${sandbox.authUrl}/delegation`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: sandbox.config.clientID, grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', target: sandbox.config.clientID, api_type: 'aws', id_token: idToken }),
  });
  const { Credentials } = (await response.json()) as { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } };
  return { accessKeyId: Credentials.AccessKeyId, secretAccessKey: Credentials.SecretAccessKey, sessionToken: Credentials.SessionToken };
}

export function s3ClientFor(sandbox: Sandbox, credentials: Keys, options: { maxAttempts?: number } = {}): S3Client {
  return new S3Client({ region: 'us-east-1', endpoint: sandbox.s3Url, forcePathStyle: true, credentials, requestChecksumCalculation: 'WHEN_REQUIRED', ...options });
}

/** Puts `count` small objects named by `name(i)` under `folder`, a few at a time. */
export async function seedObjects(client: S3Client, folder: string, count: number, name: (index: number) => string): Promise<void> {
  const indexes = Array.from({ length: count }, (_, index) => index);
  for (let start = 0; start < count; start += 50) {
    await Promise.all(indexes.slice(start, start + 50).map((index) => client.send(new PutObjectCommand({ Bucket: 'uploads', Key: folder + name(index), Body: `file ${index}\n` }))));
  }
}

/** The object's bytes, read with the bucket owner's credentials. */
export async function storedBytes(sandbox: Sandbox, key: string): Promise<Buffer> {
  const owner = s3ClientFor(sandbox, sandbox.ownerCredentials());
  return Buffer.from(await (await owner.send(new GetObjectCommand({ Bucket: 'uploads', Key: key }))).Body!.transformToByteArray());
}

/** The keys of the multipart uploads S3 still holds under `folder` (ListMultipartUploads, as the owner). */
export async function unfinishedOnS3(sandbox: Sandbox, folder: string): Promise<string[]> {
  const owner = s3ClientFor(sandbox, sandbox.ownerCredentials());
  return ((await owner.send(new ListMultipartUploadsCommand({ Bucket: 'uploads', Prefix: folder }))).Uploads ?? []).map((upload) => upload.Key ?? '');
}
