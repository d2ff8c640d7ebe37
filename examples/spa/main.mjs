// The uploader as a single-page app: the SDK and the AWS SDK from npm, bundled by rollup, which keeps
// only what is imported here (no v7 facade, no S3 commands the app does not use).
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createAuth0Client } from '@auth0/auth0-spa-js';
import { DelegationClient, fromDelegation, getExpiredTokenRecoveryPlugin } from 'auth0-aws-delegation';
import { cognitoIdentityPool } from 'auth0-aws-delegation/cognito';
import { webIdentity } from 'auth0-aws-delegation/web-identity';
import { startUploader } from '../s3-uploader/uploader.mjs';

// An app that uses one exchange imports only that one; this example runs in all three (config.js says which).
const sdk = {
  createAuth0Client, DelegationClient, fromDelegation, getExpiredTokenRecoveryPlugin, webIdentity, cognitoIdentityPool, S3Client, getSignedUrl,
  ListObjectsV2Command, GetObjectCommand, PutObjectCommand, DeleteObjectCommand, DeleteObjectsCommand,
  CreateMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand, AbortMultipartUploadCommand, ListPartsCommand,
};
startUploader(sdk, window.UPLOADER_CONFIG, document.getElementById('app'));
