// Share links: a presigned GET URL (@aws-sdk/s3-request-presigner's getSignedUrl) for one file. A link
// is signed with the user's temporary storage access and stops working when that access ends, whatever
// lifetime it asks for: so the page offers only the lifetimes the access can honour, and says why the
// longer ones are not there. The link downloads the file (Content-Disposition: attachment, with its
// name in UTF-8) and names the text's character set, so a .txt does not open in the browser garbled.

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

/** `attachment` with the name as ASCII (quotes and backslashes dropped) and as UTF-8 (RFC 6266). */
export function attachment(name) {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return 'attachment; filename="' + ascii + '"; filename*=UTF-8\'\'' + encodeURIComponent(name).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** The stored type with `charset=utf-8` added to text (text/*, JSON, XML, JavaScript) that names none. */
export function withCharset(type) {
  const base = type || 'application/octet-stream';
  const textual = /^text\/|^application\/(json|xml|javascript)\b|\+(json|xml)\b/i.test(base);
  return textual && !/;\s*charset=/i.test(base) ? base + '; charset=utf-8' : base;
}

/** A link to `key` for `seconds`, cut to what the credentials allow; resolves to { url, expiresAt }. */
export async function shareLink({ sdk, s3, bucket, key, name, seconds, credentials }) {
  const expiresIn = Math.min(seconds, secondsLeft(credentials));
  if (expiresIn < 60) throw Object.assign(new Error('Your storage access is about to end: sign in again to share.'), { code: 'ExpiredToken' });
  const head = await s3.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: key }));
  const command = new sdk.GetObjectCommand({ Bucket: bucket, Key: key, ResponseContentDisposition: attachment(name), ResponseContentType: withCharset(head.ContentType) });
  const url = await sdk.getSignedUrl(s3, command, { expiresIn });
  return { url, expiresAt: new Date(Date.now() + expiresIn * 1000) };
}
