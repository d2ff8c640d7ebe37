// A token's own claims and header signed again with a key the tenant never had: what "signed by another
// key" means in the tests of what verifies ID tokens (/delegation, STS, Cognito). Only the key differs.
import { SignJWT, decodeJwt, decodeProtectedHeader, generateKeyPair } from 'jose';

/** `token` (a JWT of the sandbox's tenant) signed with a fresh RS256 key under the same header (kid). */
export async function signedByAnotherKey(token: string): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  const header = decodeProtectedHeader(token);
  return new SignJWT(decodeJwt(token)).setProtectedHeader({ ...header, alg: 'RS256' }).sign(privateKey);
}
