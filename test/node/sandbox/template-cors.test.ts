// The sandbox's bucket CORS is deploy/*.yaml's (sandbox/template-cors.mjs), as its IAM policy is: an
// edit of a template's CorsRules is what the gate applies, and templates whose rules differ are refused
// (the sandbox has one bucket for the three). A gate started without rules applies the templates' too,
// read rather than copied (the copy it had could drift from them unseen).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bucketCors } from '../../../sandbox/template-cors.mjs';
import { DEPLOY_DIR, EXCHANGES } from '../../../sandbox/template-policy.mjs';
import { startS3Gate } from '../../../sandbox/s3-gate.mjs';

const VALUES = { bucket: 'uploads', auth0Domain: 'tenant.auth0.com', clientID: 'sandbox-client', allowedOrigins: ['https://app.example'] };
const text = (exchange: string) => readFileSync(join(DEPLOY_DIR, `${exchange}.yaml`), 'utf8');
/** Every template with `edit` applied to its text. */
const edited = (edit: (text: string) => string) => Object.fromEntries(EXCHANGES.map((exchange) => [exchange, edit(text(exchange))]));
const withoutPost = (source: string) => source.replace('AllowedMethods: [GET, PUT, POST, DELETE, HEAD]', 'AllowedMethods: [GET, PUT, DELETE, HEAD]');

describe('bucketCors', () => {
  it("reads the templates' rule, AllowedOrigins resolved to the sandbox's origins", () => {
    expect(bucketCors(VALUES)).toEqual([{ AllowedOrigins: ['https://app.example'], AllowedMethods: ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'], AllowedHeaders: ['*'], ExposedHeaders: ['ETag', 'Date', 'x-amz-request-id', 'Content-Length', 'Content-Type', 'Content-Disposition', 'Last-Modified', 'x-amz-checksum-crc32', 'x-amz-checksum-crc32c', 'x-amz-checksum-crc64nvme', 'x-amz-checksum-sha1', 'x-amz-checksum-sha256'], MaxAge: 600 }]);
  });

  it('refuses templates whose rules differ; control: the same edit in all three is taken', () => {
    const one = { ...edited((source) => source), delegation: withoutPost(text('delegation')) };
    expect(() => bucketCors({ ...VALUES, texts: one })).toThrow(/CORS rules differ/);
    expect(bucketCors({ ...VALUES, texts: edited(withoutPost) })[0]?.AllowedMethods).toEqual(['GET', 'PUT', 'DELETE', 'HEAD']);
  });

  it('the edited rule is what the gate applies: without POST in the templates, a POST preflight is refused; control: PUT passes', async () => {
    const gate = await startS3Gate({ cors: bucketCors({ ...VALUES, texts: edited(withoutPost) }) });
    try {
      const preflight = (method: string) => fetch(`${gate.url}/uploads/`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': method } });
      expect((await preflight('POST')).status).toBe(403);
      expect((await preflight('PUT')).status).toBe(200);
    } finally {
      await gate.stop();
    }
  });

  /** The CORS headers of a gate's answers, with `origin`: a preflight for `method`, and a GET. */
  async function corsAnswers(url: string, origin: string, method: string) {
    const cors = (response: Response) => [...response.headers].filter(([name]) => name.startsWith('access-control-') || name === 'vary');
    const preflight = await fetch(`${url}/uploads/a.txt`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'x-amz-date' } });
    const actual = await fetch(`${url}/uploads/a.txt`, { headers: { origin } });
    return { preflight: [preflight.status, cors(preflight)], actual: cors(actual) };
  }

  it("a gate started without rules answers as one given the templates' (for any origin); control: the edited rule answers otherwise", async () => {
    const rules = (texts?: Record<string, string>) => bucketCors({ ...VALUES, allowedOrigins: ['*'], ...(texts ? { texts } : {}) });
    const gates = await Promise.all([startS3Gate(), startS3Gate({ cors: rules() }), startS3Gate({ cors: rules(edited(withoutPost)) })]);
    try {
      const [fallback, templates, edit] = await Promise.all(gates.map((gate) => corsAnswers(gate.url, 'https://any.example', 'PUT')));
      expect(templates?.preflight[0]).toBe(200);
      expect(templates?.actual.length).toBeGreaterThan(0);
      expect(fallback).toEqual(templates);
      expect(edit).not.toEqual(templates);
    } finally {
      await Promise.all(gates.map((gate) => gate.stop()));
    }
  });
});
