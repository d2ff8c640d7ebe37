// @ts-check
// The verifying S3 in its own process behind slow links (slow-link.mjs), for the multipart benchmark:
// the clients measured (Node's event loop, Chromium) then share nothing with the servers but the machine.
// argv[2]: the issued keys as JSON; argv[3]: the links as JSON, [{ latencyMs, upMbps? }, ...]. Prints
// one line of JSON, { gate, links: [url, ...] }; stops on SIGTERM, or when its parent goes (stdin ends:
// a bench stopped by a signal leaves no server behind).
import { startS3Gate } from '../../sandbox/s3-gate.mjs';
import { startSlowLink } from './slow-link.mjs';

const keys = new Map(Object.entries(JSON.parse(process.argv[2] ?? '{}')));
const settings = /** @type {{ latencyMs: number, upMbps?: number }[]} */ (JSON.parse(process.argv[3] ?? '[]'));
const gate = await startS3Gate({ keys });
const links = await Promise.all(settings.map((setting) => startSlowLink({ target: gate.url, ...setting })));
process.stdout.write(`${JSON.stringify({ gate: gate.url, links: links.map((link) => link.url) })}\n`);
const stop = () => {
  for (const link of links) link.close();
  void gate.stop().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.stdin.once('end', stop).resume();
