// @ts-check
// The local verifying S3 in its own process, for the throughput benchmark: client and server then do
// not compete for one event loop. Takes the issued keys as JSON in argv[2]; prints its URL; stops on
// SIGTERM.
import { startS3Gate } from '../../sandbox/s3-gate.mjs';

const keys = new Map(Object.entries(JSON.parse(process.argv[2] ?? '{}')));
const gate = await startS3Gate({ keys });
process.stdout.write(`${gate.url}\n`);
process.on('SIGTERM', () => {
  void gate.stop().then(() => process.exit(0));
});
