// A small file's upload costs one round trip with postObject and two with a signed PUT, counted by the
// S3 server (CORS preflights included, which a page cannot see), in Chromium, Firefox ESR and WebKitGTK:
// a multipart/form-data POST with no header of its own is a CORS simple request, and asking for
// progress does not change that (postObject reports it at the end, without an XMLHttpRequest upload
// listener, which would make the request preflighted).
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, Tab } from '../engines/engine';
import { enginesToRun, launchEngine } from '../engines/launch';
import { roundTripBundle, roundTripHtml, uploadInPage } from '../support/round-trip-page.mjs';
import type { UploadArgs } from '../support/round-trip-page.mjs';
import { s3Client } from '../support/s3';
import { startPageSite } from './site';

const USER = 'auth0|roundtrip';
let site: Awaited<ReturnType<typeof startPageSite>>;
let bundle: string;

beforeAll(async () => {
  bundle = await roundTripBundle();
  site = await startPageSite((req, res) => {
    if (req.url === '/bundle.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' }).end(roundTripHtml());
  }, USER);
});
afterAll(() => site?.stop());

/** The S3 server's requests by method while `run` runs (OPTIONS are the preflights). */
async function counted(run: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = { ...site.sandbox.stats.s3.methods };
  const result = await run();
  expect(result).toBe('done');
  return Object.fromEntries(Object.entries(site.sandbox.stats.s3.methods).map(([method, count]) => [method, count - (before[method] ?? 0)]).filter(([, count]) => count !== 0));
}

describe.each(enginesToRun())('%s', (engineName) => {
  let engine: Engine;
  let tab: Tab;
  beforeAll(async () => {
    engine = await launchEngine(engineName);
    tab = await (await engine.newSession()).newTab(`${site.origin}/`);
  });
  afterAll(() => engine?.close());

  const upload = (how: UploadArgs['how'], name: string) => {
    const args: UploadArgs = { how, name, idToken: site.idToken, clientID: site.sandbox.config.clientID, authUrl: site.sandbox.authUrl, s3Url: site.sandbox.s3Url, folder: `${USER}/` };
    return () => tab.evaluate(uploadInPage, args);
  };

  it('postObject: 1 request at S3 (the POST, no preflight), with progress asked for, its ETag read over CORS; putObject: 2 (preflight + PUT)', async () => {
    await counted(upload('warm', ''));
    const stamp = `${engineName}-${Date.now()}`;
    expect(await counted(upload('post', `post-${stamp}.txt`))).toEqual({ POST: 1 });
    expect(await counted(upload('put', `put-${stamp}.txt`))).toEqual({ OPTIONS: 1, PUT: 1 });
    // Both stored: read back with the bucket owner's key.
    const s3 = s3Client(site.sandbox.s3Url, site.sandbox.ownerCredentials());
    for (const name of [`post-${stamp}.txt`, `put-${stamp}.txt`]) {
      const object = await s3.send(new GetObjectCommand({ Bucket: 'uploads', Key: `${USER}/${name}` }));
      expect(await object.Body!.transformToString()).toBe(`small file ${name}\n`);
    }
  });
});
