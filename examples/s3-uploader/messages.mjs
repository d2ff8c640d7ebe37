// Errors in words a user understands, and what they can do about them: never a developer's words (no
// sandbox, config file, bucket or key names). The codes are this SDK's (DelegationError), the exchanges'
// (STS, Cognito), S3's (the AWS SDK's error names, Uppy's S3 client's `code`); fetch's TypeError and
// Uppy's S3NetworkError are network failures.

const EXPIRED = ['id_token_expired', 'unauthorized', 'invalid_token', 'not_authorized', 'invalid_identity_token', 'ExpiredToken', 'cache_cleared'];

export function explain(error) {
  const code = (error && (error.code || error.name)) || '';
  const status = error?.$metadata?.httpStatusCode ?? error?.status;
  if (EXPIRED.includes(code)) return 'Your sign-in has expired. Please sign in again.';
  if (typeof navigator !== 'undefined' && navigator.onLine === false) return 'You are offline. Check your connection and try again.';
  if (code === 'network_error' || code === 'timeout') return 'Cannot reach the sign-in service. Check your connection and try again.';
  if (code === 'rate_limited' || code === 'too_many_requests') return 'Too many sign-in requests just now. Wait a minute and try again.';
  if (code === 'AccessDenied') return 'You do not have permission for that file or folder.';
  if (code === 'NoSuchKey' || code === 'NotFound') return 'That file no longer exists.';
  if (code === 'NoSuchUpload') return 'The unfinished upload is no longer in storage. Remove it and choose the file again.';
  if (code === 'NoSuchBucket') return 'The storage for this site is not set up. Please tell the site\'s owner.';
  if (code === 'SlowDown' || status === 503) return 'The storage service is busy. Try again in a moment.';
  if (status >= 500) return 'The storage service had a problem (' + status + ').';
  if (error instanceof TypeError || code === 'NETWORK' || error?.name === 'S3NetworkError') return 'Cannot reach the storage service. Check your connection and try again.';
  return 'Something went wrong' + (code ? ' (' + code + ')' : '') + '. Please try again.';
}
