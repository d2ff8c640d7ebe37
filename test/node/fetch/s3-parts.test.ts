// uploadMultipart's parts in parallel (src/fetch/s3-parts.ts) against the verifying S3 gate, which holds
// and fails chosen parts (test/support/part-gate.ts): how many parts are in flight (counted at the gate
// and by the client's transport), what is read of the body, a failed part retried on its own (and a
// refused one not), progress over the whole body, and cleanup at S3 after a failure or an abort.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getObject, uploadMultipart } from '../../../src/entries/fetch';
import { retryDelayMs } from '../../../src/fetch/s3-parts';
import { untilOnRealTime } from '../../support/fake-time';
import { unfinishedUploads } from '../../support/part-gate';
import { MIB, bodyOf, codeOf, partCounts, partNumbers, setup as setupAt, useGate } from './multipart-fixture';
import type { Answer } from './multipart-fixture';

const { gate, parts } = useGate();
const setup = (answer?: Answer) => setupAt(gate(), { answer, folder: `auth0|alice/parts-${crypto.randomUUID()}/` });
afterEach(() => vi.restoreAllMocks());

/** The body's bytes back from S3 are the body's. */
async function storedMatches(folder: ReturnType<typeof setup>['folder'], name: string, body: Blob): Promise<boolean> {
  const back = Buffer.from(await (await getObject(folder, name)).arrayBuffer());
  return back.equals(Buffer.from(await body.arrayBuffer()));
}

/** A body whose whole-body reads throw, and the part slices taken of it. */
function watchedBody(size: number) {
  const body = bodyOf(size);
  const slices: Blob[] = [];
  const whole = body.slice();
  for (const read of ['arrayBuffer', 'bytes', 'stream', 'text'] as const) {
    Object.defineProperty(body, read, { value: () => { throw new Error(`the whole body was read (${read})`); } });
  }
  const slice = (...args: Parameters<Blob['slice']>): Blob => {
    const part = whole.slice(...args);
    slices.push(part);
    return part;
  };
  Object.defineProperty(body, 'slice', { value: slice });
  return { body, whole, slices };
}

describe('parts in parallel', () => {
  it.each([
    [4, undefined],
    [2, 2],
    [1, 1],
  ])('keeps %i parts in flight (queueSize %s), never more, and reads only those parts', async (n, queueSize) => {
    const { folder, parts: client } = setup();
    const { body, whole, slices } = watchedBody((n + 2) * 5 * MIB + MIB);
    const watch = parts.watch(folder.folder, { hold: true });
    try {
      const upload = uploadMultipart(folder, 'parallel.bin', body, { partSize: 5 * MIB, queueSize });
      // The gate holds every part: the client can only have sent what it sends at once.
      await untilOnRealTime(() => watch.held === n);
      expect([client.now, slices.length]).toEqual([n, n]);
      watch.release();
      expect(await codeOf(upload)).toBe('ok');
    } finally {
      watch.release();
    }
    expect([watch.maxHeld, client.most]).toEqual([n, n]);
    expect(slices).toHaveLength(n + 3);
    expect(await storedMatches(folder, 'parallel.bin', whole)).toBe(true);
  });

  it('reports progress over the whole body: growing, out of its size, one step per part, ending at the size', async () => {
    const { folder } = setup();
    const sizes = [5 * MIB, 5 * MIB, 5 * MIB, 5 * MIB, 3 * MIB];
    const progress: [number, number][] = [];
    await uploadMultipart(folder, 'progress.bin', bodyOf(23 * MIB), { partSize: 5 * MIB, onProgress: (sent, total) => progress.push([sent, total]) });
    expect(progress.every(([sent, total], index) => total === 23 * MIB && sent > (progress[index - 1]?.[0] ?? 0))).toBe(true);
    // Node has no upload events: each part reports once, at its end, in whatever order the parts end.
    const steps = progress.map(([sent], index) => sent - (progress[index - 1]?.[0] ?? 0));
    expect([...steps].sort((a, b) => a - b)).toEqual([...sizes].sort((a, b) => a - b));
    expect(progress.at(-1)).toEqual([23 * MIB, 23 * MIB]);
  });

  it('progress never goes back when a part is sent again: a part counts from its best attempt', async () => {
    // Part 2's first attempt is sent whole, and reported so, before the gate answers it 500: its second
    // attempt must neither count it twice nor go back.
    const { folder } = setup();
    const watch = parts.watch(folder.folder, { faults: { 2: ['error'] } });
    const progress: number[] = [];
    await uploadMultipart(folder, 'again.bin', bodyOf(11 * MIB), { partSize: 5 * MIB, retryDelays: [0], onProgress: (sent) => progress.push(sent) });
    expect(partCounts(watch.arrivals)).toEqual({ 1: 1, 2: 2, 3: 1 });
    expect(progress.every((sent, index) => sent > (progress[index - 1] ?? 0))).toBe(true);
    expect(progress).toHaveLength(3);
    expect(progress.at(-1)).toBe(11 * MIB);
  });
});

describe('a failed part is retried on its own', () => {
  const slowDownOnce = (): Answer => {
    let answered = false;
    return async ({ url }, response) => {
      if (url.searchParams.get('partNumber') !== '1' || answered) return undefined;
      answered = true;
      await response.arrayBuffer();
      return new Response('<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>', { status: 503 });
    };
  };

  it.each([
    ['a 500 InternalError', { 2: ['error'] }, undefined, 2],
    ['a dropped connection (network_error)', { 3: ['drop'] }, undefined, 3],
    ['a 503 SlowDown', {}, slowDownOnce, 1],
  ] as const)('%s once: only that part is sent again, and the upload completes with the same bytes', async (_name, faults, answer, again) => {
    const { folder, sent } = setup(answer?.());
    const watch = parts.watch(folder.folder, { faults });
    const body = bodyOf(16 * MIB);
    expect(await codeOf(uploadMultipart(folder, 'retried.bin', body, { partSize: 5 * MIB, retryDelays: [0, 0] }))).toBe('ok');
    expect(partCounts(partNumbers(sent))).toEqual({ 1: 1, 2: 1, 3: 1, 4: 1, [again]: 2 });
    expect(watch.arrivals.filter((number) => number === again)).toHaveLength(2);
    expect(sent.some(({ method }) => method === 'DELETE')).toBe(false);
    expect(await storedMatches(folder, 'retried.bin', body)).toBe(true);
  });

  it('a part refused 403 AccessDenied is not retried: the upload is aborted, nothing left at S3, that error thrown', async () => {
    const refuseThird: Answer = async ({ url }, response) => {
      if (url.searchParams.get('partNumber') !== '3') return undefined;
      await response.arrayBuffer();
      return new Response('<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>', { status: 403 });
    };
    const { folder, sent, parts: client } = setup(refuseThird);
    const watch = parts.watch(folder.folder);
    expect(await codeOf(uploadMultipart(folder, 'refused.bin', bodyOf(21 * MIB), { partSize: 5 * MIB, retryDelays: [0, 0] }))).toBe('403 AccessDenied');
    expect(watch.arrivals.filter((number) => number === 3)).toHaveLength(1);
    // The cleanup goes out once every part in flight has settled.
    const deleted = sent.findIndex(({ method }) => method === 'DELETE');
    expect(client.settled.every((index) => index < deleted)).toBe(true);
    expect(client.settled).toHaveLength(partNumbers(sent).length);
    expect(await unfinishedUploads(gate(), folder.folder)).toEqual([]);
    expect(await codeOf(getObject(folder, 'refused.bin'))).toBe('404 NoSuchKey');
  });

  it('retries are bounded: a part that always fails is sent 1 + retryDelays.length times, then the upload is aborted', async () => {
    const { folder, sent } = setup();
    const watch = parts.watch(folder.folder, { faults: { 2: ['error', 'error', 'error', 'error'] } });
    expect(await codeOf(uploadMultipart(folder, 'hopeless.bin', bodyOf(11 * MIB), { partSize: 5 * MIB, retryDelays: [0, 0] }))).toBe('500 InternalError');
    expect(watch.arrivals.filter((number) => number === 2)).toHaveLength(3);
    expect(sent.at(-1)?.method).toBe('DELETE');
    expect(await unfinishedUploads(gate(), folder.folder)).toEqual([]);
  });

  it('negative control: with retryDelays [] the same part is sent once', async () => {
    const { folder } = setup();
    const watch = parts.watch(folder.folder, { faults: { 2: ['error'] } });
    expect(await codeOf(uploadMultipart(folder, 'once.bin', bodyOf(11 * MIB), { partSize: 5 * MIB, retryDelays: [] }))).toBe('500 InternalError');
    expect(watch.arrivals.filter((number) => number === 2)).toHaveLength(1);
  });

  it('waits between attempts as retryDelays say, between half and all of each (fake time)', async () => {
    const { folder } = setup();
    const watch = parts.watch(folder.folder, { faults: { 2: ['error', 'error'] } });
    vi.spyOn(Math, 'random').mockReturnValue(0);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const timers = vi.spyOn(globalThis, 'setTimeout');
    const upload = uploadMultipart(folder, 'waits.bin', bodyOf(11 * MIB), { partSize: 5 * MIB });
    const attempts = () => watch.arrivals.filter((number) => number === 2).length;
    const waitsArmed = () => timers.mock.calls.filter(([, ms]) => ms === 500 || ms === 1_500).length;
    // The default [1000, 3000] with the least jitter: 500 ms, then 1,500 ms.
    for (const [wait, before] of [[500, 1], [1_500, 2]] as const) {
      await untilOnRealTime(() => waitsArmed() === before);
      await vi.advanceTimersByTimeAsync(wait - 1);
      expect(attempts()).toBe(before);
      await vi.advanceTimersByTimeAsync(1);
      await untilOnRealTime(() => attempts() === before + 1);
    }
    vi.useRealTimers();
    expect(await codeOf(upload)).toBe('ok');
  });

  it('the wait before a retry is between half and all of the delay', () => {
    expect([retryDelayMs(1_000, () => 0), retryDelayMs(1_000, () => 0.5), retryDelayMs(1_000, () => 0.999)]).toEqual([500, 750, 999.5]);
  });
});

describe('an abort mid-upload', () => {
  it('cancels the parts in flight, then aborts the upload at S3: nothing left there', async () => {
    const { folder, sent, parts: client } = setup();
    const watch = parts.watch(folder.folder, { hold: true });
    const controller = new AbortController();
    try {
      const upload = uploadMultipart(folder, 'aborted.bin', bodyOf(31 * MIB), { partSize: 5 * MIB, signal: controller.signal });
      await untilOnRealTime(() => watch.held === 4);
      controller.abort();
      expect(await codeOf(upload)).toBe('0 aborted');
    } finally {
      watch.release();
    }
    const deleted = sent.findIndex(({ method }) => method === 'DELETE');
    expect(client.settled).toHaveLength(4);
    expect(client.settled.every((index) => index < deleted)).toBe(true);
    expect(partNumbers(sent).sort()).toEqual([1, 2, 3, 4]);
    expect(await unfinishedUploads(gate(), folder.folder)).toEqual([]);
  });
});
