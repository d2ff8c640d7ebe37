// The uploader's storage on the AWS SDK: S3Client with fromDelegation and the ExpiredToken plugin, and
// lib-storage's Upload (multipart above 5 MB, three parts at a time).

/**
 * @param {object} sdk S3Client, Upload, ListObjectsV2Command, GetObjectCommand, DeleteObjectCommand,
 *   fromDelegation, getExpiredTokenRecoveryPlugin
 * @param {object} client the DelegationClient
 * @param {{ bucket: string, region: string, s3Endpoint?: string }} config
 * @param {{ idToken: () => string, onRefreshError: () => void }} session
 */
export function awsSdkStorage(sdk, client, config, session) {
  var s3 = new sdk.S3Client({
    region: config.region,
    // Checksums only where S3 requires them: with the default, File and Blob bodies fail in browsers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    endpoint: config.s3Endpoint,
    forcePathStyle: Boolean(config.s3Endpoint),
    credentials: sdk.fromDelegation(client, session),
  });
  s3.middlewareStack.use(sdk.getExpiredTokenRecoveryPlugin(s3.config));
  var Bucket = config.bucket;
  return {
    list: function (prefix) {
      return s3.send(new sdk.ListObjectsV2Command({ Bucket: Bucket, Prefix: prefix })).then(function (result) { return result.Contents || []; });
    },
    download: function (key) {
      return s3.send(new sdk.GetObjectCommand({ Bucket: Bucket, Key: key })).then(function (result) {
        return result.Body.transformToByteArray().then(function (bytes) { return new Blob([bytes], { type: result.ContentType }); });
      });
    },
    remove: function (key) {
      return s3.send(new sdk.DeleteObjectCommand({ Bucket: Bucket, Key: key }));
    },
    upload: function (key, file, onProgress) {
      var upload = new sdk.Upload({ client: s3, params: { Bucket: Bucket, Key: key, Body: file, ContentType: file.type || 'application/octet-stream' }, queueSize: 3, partSize: 5 * 1024 * 1024 });
      upload.on('httpUploadProgress', function (progress) { onProgress(progress.loaded, progress.total); });
      return upload.done();
    },
  };
}
