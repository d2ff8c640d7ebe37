// The uploader as a single-page app: the SDK, the AWS SDK and Uppy from npm, bundled by rollup, which
// keeps only what is imported here (no v7 facade, no S3 commands the app does not use). The uploads go
// through Uppy (signing with uppyCredentials); the AWS SDK lists, downloads, deletes and shares.
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createAuth0Client } from '@auth0/auth0-spa-js';
import AwsS3 from '@uppy/aws-s3';
import Uppy from '@uppy/core';
import Dashboard from '@uppy/dashboard';
import GoldenRetriever from '@uppy/golden-retriever';
import { DelegationClient, fromDelegation, getExpiredTokenRecoveryPlugin, uppyCredentials } from 'auth0-aws-delegation';
import { cognitoIdentityPool } from 'auth0-aws-delegation/cognito';
import { webIdentity } from 'auth0-aws-delegation/web-identity';
import { startUploader } from '../s3-uploader/uploader.mjs';

// An app that uses one exchange imports only that one; this example runs in all three (config.js says which).
const sdk = {
  createAuth0Client, DelegationClient, fromDelegation, getExpiredTokenRecoveryPlugin, uppyCredentials, webIdentity, cognitoIdentityPool, S3Client, getSignedUrl,
  ListObjectsV2Command, GetObjectCommand, HeadObjectCommand, DeleteObjectCommand, DeleteObjectsCommand, AbortMultipartUploadCommand,
  Uppy, Dashboard, AwsS3, GoldenRetriever,
};
startUploader(sdk, window.UPLOADER_CONFIG, document.getElementById('app'));
