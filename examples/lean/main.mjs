// The uploader without the AWS SDK: the same page as the SPA, storing files through
// `auth0-aws-delegation/fetch` (a SigV4 fetch on the client's credentials). esbuild bundles it
// (examples/lean/build.mjs, run by `npm run build`); `npm run bench` weighs it against the SPA and Amplify.
import { createAuth0Client } from '@auth0/auth0-spa-js';
import { DelegationClient } from 'auth0-aws-delegation';
import { MAX_POST_BYTES, deleteObject, getObject, listObjects, postObject, s3Folder, signedFetch, uploadMultipart } from 'auth0-aws-delegation/fetch';
import { fetchStorage } from './storage-fetch.mjs';
import { startUploader } from './uploader.mjs';

startUploader({ createAuth0Client, DelegationClient, signedFetch, s3Folder, postObject, MAX_POST_BYTES, uploadMultipart, getObject, listObjects, deleteObject }, window.UPLOADER_CONFIG, document.getElementById('app'), fetchStorage);
