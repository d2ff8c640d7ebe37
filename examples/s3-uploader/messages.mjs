// Errors in words a user understands, and what they can do about them. The codes are this SDK's
// (DelegationError), the exchanges' (STS, Cognito) and S3's; fetch's TypeError is a network failure.

const EXPIRED = ['id_token_expired', 'unauthorized', 'invalid_token', 'not_authorized', 'invalid_identity_token', 'ExpiredToken', 'cache_cleared'];

export function explain(error) {
  const code = (error && (error.code || error.name)) || '';
  const status = error?.$metadata?.httpStatusCode;
  if (EXPIRED.includes(code)) return 'Your sign-in has expired. Please sign in again.';
  if (typeof navigator !== 'undefined' && navigator.onLine === false) return 'You are offline. Check your connection and try again.';
  if (code === 'network_error' || code === 'timeout') return 'Cannot reach the sign-in service. Check your connection (or that the sandbox is running) and try again.';
  if (code === 'rate_limited' || code === 'too_many_requests') return 'Too many sign-in requests just now. Wait a minute and try again.';
  if (code === 'AccessDenied') return 'You do not have permission for that file or folder.';
  if (code === 'NoSuchKey' || code === 'NotFound') return 'That file no longer exists.';
  if (code === 'NoSuchUpload') return 'The unfinished upload is no longer in storage. Retry starts it again.';
  if (code === 'NoSuchBucket') return 'The storage bucket does not exist. Check config.js.';
  if (code === 'SlowDown' || status === 503) return 'The storage service is busy. Try again in a moment.';
  if (status >= 500) return 'The storage service had a problem (' + status + ').';
  if (error instanceof TypeError) return 'Cannot reach the storage service. Check your connection (or that the sandbox is running) and try again.';
  return 'Something went wrong' + (code ? ' (' + code + ')' : '') + '. Please try again.';
}
