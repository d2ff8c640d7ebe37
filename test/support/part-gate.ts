// What the multipart tests need from the verifying S3 gate (sandbox/s3-gate.mjs, its `hold` and `fault`
// hooks): the part uploads (UploadPart) of one folder recorded as they arrive, held there until released
// (so a test sees how many parts a client has in flight, however fast the machine), chosen attempts of
// chosen parts failed (500 InternalError or a dropped connection); and the uploads S3 still holds, listed
// with the bucket owner's key (ListMultipartUploads). `servePartGate` offers the same to a page over HTTP.
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import type { IssuedKey } from '../../sandbox/s3-gate.mjs';

/** What happens to one attempt of a part at the gate: S3's answer, a 500 InternalError, or no answer. */
export type PartFault = 'error' | 'drop' | undefined;

/** What to do with the parts of the uploads whose path holds `marker`. */
export interface PartRule {
  /** Hold every part at the gate until `release()`. */
  hold?: boolean;
  /** For a part number, the fault of each of its attempts in order (`['error']`: the first fails, the rest pass). */
  faults?: Record<number, readonly PartFault[]>;
}

/** What the gate saw of the parts under a marker. */
export interface PartWatch {
  /** The part numbers in the order they arrived (a part sent again appears again). */
  readonly arrivals: number[];
  /** Parts held right now, and the most held at once. */
  held: number;
  maxHeld: number;
  /** Lets every held part through, and holds no more. */
  release(): void;
}

const partOf = (request: IncomingMessage) => {
  const url = new URL(request.url ?? '/', 'http://s3');
  const part = url.searchParams.get('partNumber');
  return request.method === 'PUT' && part !== null ? { path: decodeURIComponent(url.pathname), part: Number(part) } : undefined;
};

/** The gate's `hold` and `fault` hooks, and `watch(marker, rule)` for a test. */
export function partGate() {
  const watched = new Map<string, PartWatch & { rule: PartRule; released: Promise<void> }>();
  const find = (request: IncomingMessage) => {
    const part = partOf(request);
    const entry = part && [...watched.entries()].find(([marker]) => part.path.includes(marker))?.[1];
    return part && entry ? { part: part.part, entry } : undefined;
  };
  return {
    async hold(request: IncomingMessage): Promise<void> {
      const found = find(request);
      if (found === undefined) return;
      const { part, entry } = found;
      entry.arrivals.push(part);
      if (!entry.rule.hold) return;
      entry.maxHeld = Math.max(entry.maxHeld, ++entry.held);
      await entry.released;
      entry.held--;
    },
    fault(request: IncomingMessage): PartFault {
      const found = find(request);
      if (found === undefined) return undefined;
      const attempt = found.entry.arrivals.filter((number) => number === found.part).length - 1;
      return found.entry.rule.faults?.[found.part]?.[attempt];
    },
    /** Starts recording (and holding, failing) the parts of paths that hold `marker`. */
    watch(marker: string, rule: PartRule = {}): PartWatch {
      let release = (): void => undefined;
      const released = new Promise<void>((resolve) => (release = resolve));
      const entry = { rule, released, arrivals: [] as number[], held: 0, maxHeld: 0, release: () => ((entry.rule = { ...entry.rule, hold: false }), release()) };
      watched.set(marker, entry);
      return entry;
    },
  };
}

/** The keys of the multipart uploads S3 still holds under `prefix`, listed with a bucket owner's key made for it. */
export async function unfinishedUploads(gate: { url: string; keys: Map<string, IssuedKey> }, prefix: string): Promise<string[]> {
  const owner = { accessKeyId: `ASIAOWNER${crypto.randomUUID().slice(0, 8).toUpperCase()}`, secretAccessKey: `secret-${crypto.randomUUID()}`, sessionToken: `session-${crypto.randomUUID()}` };
  gate.keys.set(owner.accessKeyId, { secretAccessKey: owner.secretAccessKey, sessionToken: owner.sessionToken, expiresAt: Date.now() + 3_600_000, subject: 'bucket-owner', owner: true });
  const s3 = new S3Client({ region: 'us-east-1', endpoint: gate.url, forcePathStyle: true, credentials: owner, requestChecksumCalculation: 'WHEN_REQUIRED' });
  const { Uploads = [] } = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'uploads', Prefix: prefix }));
  return Uploads.map((upload) => upload.Key ?? '');
}

/**
 * The same over HTTP for a page (CORS open): `POST /watch?marker=M` with a `PartRule` as JSON,
 * `GET /state?marker=M` (arrivals, held, maxHeld), `POST /release?marker=M`, `GET /uploads?prefix=P`.
 */
export async function servePartGate(parts: ReturnType<typeof partGate>, gate: { url: string; keys: Map<string, IssuedKey> }): Promise<{ url: string; stop(): Promise<void> }> {
  const watches = new Map<string, PartWatch>();
  const answer = async (path: string, query: URLSearchParams, body: string): Promise<unknown> => {
    const marker = query.get('marker') ?? '';
    if (path === '/watch') return void watches.set(marker, parts.watch(marker, JSON.parse(body || '{}') as PartRule));
    if (path === '/release') return void watches.get(marker)?.release();
    if (path === '/state') return watches.get(marker);
    if (path === '/uploads') return unfinishedUploads(gate, query.get('prefix') ?? '');
    throw new Error(`no ${path}`);
  };
  const server = createServer((req, res) => {
    const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'cache-control': 'no-store' };
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
      const url = new URL(req.url ?? '/', 'http://control');
      answer(url.pathname, url.searchParams, Buffer.concat(chunks).toString()).then(
        (value) => res.writeHead(200, { ...cors, 'content-type': 'application/json' }).end(JSON.stringify(value ?? null)),
        (error: unknown) => res.writeHead(500, cors).end(String(error)),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
