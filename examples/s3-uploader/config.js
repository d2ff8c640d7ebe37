// Settings for a real deployment. Served as is, this points at the local sandbox's default ports;
// `npm start` serves its own generated copy instead.
window.UPLOADER_CONFIG = {
  domain: 'http://127.0.0.1:4001', // your Auth0 domain, e.g. 'your-tenant.auth0.com'
  clientID: 'sandbox-client', // your Auth0 application's client ID
  bucket: 'uploads', // your bucket
  region: 'us-east-1', // its region
  s3Endpoint: 'http://127.0.0.1:4002', // leave out for real S3
};
