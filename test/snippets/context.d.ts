// What the documentation's snippets assume the reader's page already has: the signed-in user's ID token
// and `sub`, the file being uploaded, and a sign-in library. test/e2e/snippets.test.ts defines the same
// names (from the sandbox) when it runs them. Kept out of tsconfig.json: these globals are the docs' only.
/// <reference path="../../dist/globals-v7.d.ts" />

/** The signed-in user's ID token, from the sign-in result. */
declare const idToken: string;
/** auth0.js v7 guide's name for the same token. */
declare const LOGGED_IN_USER_ID_TOKEN: string;
/** The signed-in user's `sub` (their S3 folder). */
declare const sub: string;
/** A file the user picked. */
declare const file: File;
/** A large file the user picked, for uploadMultipart. */
declare const bigFile: File;
/** Whatever signs the user in and renews the ID token. */
declare const auth: { currentIdToken(): string | Promise<string> };
/** The same, as a function. */
declare function currentIdToken(): string | Promise<string>;
/** An Auth0 rule (examples/README.md): what Auth0 calls for each sign-in and delegation request. */
type Auth0Rule = (
  user: { user_id: string; [key: string]: unknown },
  context: { clientID: string; protocol: string; addonConfiguration?: { aws?: { principal?: string; role?: string } } },
  callback: (error: Error | null, user?: unknown, context?: unknown) => void,
) => void;
/** The uploader's configuration in examples/s3-uploader/config.js. */
interface Window {
  UPLOADER_CONFIG: { domain: string; clientID: string; bucket: string; region: string; s3Endpoint?: string };
}
