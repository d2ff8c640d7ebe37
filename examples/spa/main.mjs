// The uploader as a single-page app: the SDK and the AWS SDK from npm, bundled by rollup, which keeps
// only what is imported here (no v7 facade, no S3 commands the app does not use).
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { DelegationClient, fromDelegation, getExpiredTokenRecoveryPlugin } from 'auth0-aws-delegation';
import { cognitoIdentityPool } from 'auth0-aws-delegation/cognito';
import { webIdentity } from 'auth0-aws-delegation/web-identity';
import { awsSdkStorage } from '../s3-uploader/storage-aws-sdk.mjs';
import { startUploader } from '../s3-uploader/uploader.mjs';

// An app that uses one exchange imports only that one; this example runs in all three (config.js says which).
const sdk = { DelegationClient, fromDelegation, getExpiredTokenRecoveryPlugin, webIdentity, cognitoIdentityPool, S3Client, Upload, ListObjectsV2Command, GetObjectCommand, DeleteObjectCommand };
startUploader(sdk, window.UPLOADER_CONFIG, document.getElementById('app'), awsSdkStorage);
