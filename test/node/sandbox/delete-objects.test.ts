// DeleteObjects must carry a digest of its body, or S3 refuses it (API Reference, DeleteObjects: "The
// Content-MD5 or x-amz-sdk-checksum-algorithm header is required for all Multi-Object Delete requests";
// 400 InvalidRequest, "Missing required header for this request: Content-MD5", as aws/aws-sdk-js#33 and
// aws/aws-cli#400 saw it). Before, the gate deleted what such a request named.
import { createHash } from 'node:crypto';
import { DeleteObjectsCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { policyGateForFile } from '../../support/policy-gate';
import { BUCKET } from '../../support/s3';
import { s3Code, s3Element, sendSigned } from '../../support/signed-raw';

const gate = policyGateForFile();

const put = (key: string) => gate.alice.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'x' }));
const exists = (key: string) => gate.alice.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })).then(() => true, () => false);
const body = (key: string) => `<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>${key}</Key></Object></Delete>`;
const deleteRaw = (key: string, headers: Record<string, string>) => sendSigned(gate.setup.gate.url, { method: 'POST', path: '/uploads', query: [['delete', '']], headers: { 'content-type': 'application/xml', ...headers }, body: body(key) }, { credentials: gate.alice.credentials });

describe('DeleteObjects', () => {
  it('without Content-MD5 or a checksum is refused (400 InvalidRequest), nothing deleted', async () => {
    await put('auth0|alice/keep.txt');
    const answer = await deleteRaw('auth0|alice/keep.txt', {});
    expect([answer.status, s3Code(answer.body), s3Element(answer.body, 'Message')]).toEqual([400, 'InvalidRequest', 'Missing required header for this request: Content-MD5']);
    expect(await exists('auth0|alice/keep.txt')).toBe(true);
  });

  it('control: with the body\'s Content-MD5 it deletes; the AWS SDK (its default checksum) does too', async () => {
    await put('auth0|alice/md5.txt');
    const md5 = createHash('md5').update(body('auth0|alice/md5.txt')).digest('base64');
    expect((await deleteRaw('auth0|alice/md5.txt', { 'content-md5': md5 })).status).toBe(200);
    expect(await exists('auth0|alice/md5.txt')).toBe(false);
    await put('auth0|alice/sdk.txt');
    const result = await gate.alice.s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'auth0|alice/sdk.txt' }] } }));
    expect(result.Deleted?.map((item) => item.Key)).toEqual(['auth0|alice/sdk.txt']);
    expect(await exists('auth0|alice/sdk.txt')).toBe(false);
  });

  it('with a wrong Content-MD5 is refused (400 BadDigest), nothing deleted', async () => {
    await put('auth0|alice/bad.txt');
    const answer = await deleteRaw('auth0|alice/bad.txt', { 'content-md5': createHash('md5').update('other').digest('base64') });
    expect([answer.status, s3Code(answer.body)]).toEqual([400, 'BadDigest']);
    expect(await exists('auth0|alice/bad.txt')).toBe(true);
  });
});
