// Share links: a presigned GET URL (@aws-sdk/s3-request-presigner's getSignedUrl) for one file. A link
// is signed with the user's temporary storage access and stops working when that access ends, whatever
// lifetime it asks for: so the page never offers a lifetime longer than the access has left, and says so.

export const LIFETIMES = [
  { seconds: 15 * 60, label: '15 minutes' },
  { seconds: 60 * 60, label: '1 hour' },
  { seconds: 24 * 60 * 60, label: '1 day' },
  { seconds: 7 * 24 * 60 * 60, label: '7 days' },
];

/** Seconds the signing credentials have left (0 when unknown or past). */
export function secondsLeft(credentials, now = Date.now()) {
  return credentials ? Math.max(0, Math.floor((credentials.expiration.getTime() - now) / 1000)) : 0;
}

/** A link to `key` for `seconds`, cut to what the credentials allow; resolves to { url, expiresAt }. */
export async function shareLink({ sdk, s3, bucket, key, seconds, credentials }) {
  const expiresIn = Math.min(seconds, secondsLeft(credentials));
  if (expiresIn < 60) throw Object.assign(new Error('Your storage access is about to end: sign in again to share.'), { code: 'ExpiredToken' });
  const url = await sdk.getSignedUrl(s3, new sdk.GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn });
  return { url, expiresAt: new Date(Date.now() + expiresIn * 1000) };
}
