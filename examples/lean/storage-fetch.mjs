// The uploader's storage without the AWS SDK: `auth0-aws-delegation/fetch`'s signed fetch and s3Folder.
// Files up to 5 MiB (MAX_POST_BYTES) go in one POST with a signed policy (postObject: one round trip, no
// CORS preflight; its progress comes once, at the end), larger ones in 5 MiB parts (uploadMultipart: no
// request carries more, a failed upload is aborted at S3; progress from XMLHttpRequest).

/**
 * @param {object} sdk signedFetch, s3Folder, postObject, MAX_POST_BYTES, uploadMultipart, getObject, listObjects, deleteObject
 * @param {object} client the DelegationClient
 * @param {{ bucket: string, region: string, s3Endpoint?: string }} config
 * @param {{ idToken: () => string, onRefreshError: () => void }} session
 */
/** S3's smallest part: the most requests, the least to send again. */
var PART_SIZE = 5 * 1024 * 1024;

export function fetchStorage(sdk, client, config, session) {
  var s3fetch = sdk.signedFetch(client, Object.assign({ region: config.region }, session));
  // The uploader names objects by whole key (`{folder}{name}`): split at the last slash.
  function folderOf(key) {
    return sdk.s3Folder(s3fetch, { bucket: config.bucket, folder: key.slice(0, key.lastIndexOf('/') + 1), endpoint: config.s3Endpoint });
  }
  function nameOf(key) { return key.slice(key.lastIndexOf('/') + 1); }
  return {
    list: function (prefix) {
      return sdk.listObjects(folderOf(prefix)).then(function (page) {
        return page.objects.map(function (object) { return { Key: object.key, Size: object.size, LastModified: object.lastModified }; });
      });
    },
    download: function (key) { return sdk.getObject(folderOf(key), nameOf(key)).then(function (response) { return response.blob(); }); },
    remove: function (key) { return sdk.deleteObject(folderOf(key), nameOf(key)); },
    // `signal` stops the upload; a multipart upload is then aborted at S3 before the promise settles.
    upload: function (key, file, onProgress, signal) {
      var type = file.type || 'application/octet-stream';
      // A form would store a name with "${filename}" or a line break under another key: postObject refuses it.
      if (file.size <= sdk.MAX_POST_BYTES && !/\$\{filename\}|[\r\n]/.test(key)) return sdk.postObject(folderOf(key), nameOf(key), file, { contentType: type, onProgress: onProgress, signal: signal });
      return sdk.uploadMultipart(folderOf(key), nameOf(key), file, { partSize: PART_SIZE, contentType: type, onProgress: onProgress, signal: signal });
    },
  };
}
