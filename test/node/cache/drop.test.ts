// A drop forgets credentials S3 refused and nothing else: the entry of one key while it holds them
// (`drop`), or every entry holding them (`dropWhere`, another tab's drop). Unlike `clear()`, other entries
// stay and a load in flight still stores. The generation moves only when something was forgotten.
import { describe, expect, it } from 'vitest';
import { MAX_REFUSED, SingleFlightCache } from '../../../src/cache/single-flight';

const NOW = Date.parse('2026-11-30T10:00:00Z');
const loaded = (value: string, freshUntil = NOW + 1_000) => () => Promise.resolve({ value, freshUntil, expiresAt: freshUntil + 600_000 });
const isKey = (refused: string) => (value: string) => value === refused;

async function twoUsers(now: () => number = () => NOW) {
  const cache = new SingleFlightCache<string>(now);
  await cache.get('alice', loaded('KEY-A'));
  await cache.get('bob', loaded('KEY-B'));
  return cache;
}

describe('SingleFlightCache.drop', () => {
  it('forgets the key\'s entry while it holds the refused value, returns it, and keeps the others', async () => {
    const cache = await twoUsers();
    const generation = cache.generation;
    expect(cache.drop('alice', isKey('KEY-A'))).toBe('KEY-A');
    expect([cache.peek('alice'), cache.peek('bob'), cache.size]).toEqual([undefined, 'KEY-B', 1]);
    expect(cache.generation).toBe(generation + 1);
  });

  it.each([
    ['a value that is not the refused one (already replaced)', 'alice', 'KEY-OLD'],
    ['a key with no entry', 'carol', 'KEY-A'],
  ])('control: %s forgets nothing and leaves the generation', async (_name, key, refused) => {
    const cache = await twoUsers();
    const generation = cache.generation;
    expect(cache.drop(key, isKey(refused))).toBeUndefined();
    expect([cache.peek('alice'), cache.peek('bob'), cache.generation]).toEqual(['KEY-A', 'KEY-B', generation]);
  });

  it('forgets an entry past its freshness that no sweep has taken yet', async () => {
    let now = NOW;
    const cache = await twoUsers(() => now);
    now += 2_000;
    expect(cache.drop('alice', isKey('KEY-A'))).toBe('KEY-A');
    expect(cache.size).toBe(1);
  });

  it.each([
    ['a drop: the load in flight stores its answer', true],
    ['control, a clear: it stores nothing', false],
  ])('%s', async (_name, drop) => {
    const cache = await twoUsers();
    let release!: (value: string) => void;
    const flight = cache.get('carol', () => new Promise((resolve) => (release = (value) => resolve({ value, freshUntil: NOW + 1_000, expiresAt: NOW + 600_000 }))));
    if (drop) cache.drop('alice', isKey('KEY-A'));
    else cache.clear();
    release('KEY-C');
    expect(await flight).toBe('KEY-C');
    expect(cache.peek('carol')).toBe(drop ? 'KEY-C' : undefined);
  });
});

describe('SingleFlightCache.dropWhere', () => {
  it('forgets every entry holding the refused value, under any key, and moves the generation once', async () => {
    const cache = await twoUsers();
    await cache.get('alice-again', loaded('KEY-A'));
    const generation = cache.generation;
    cache.dropWhere(isKey('KEY-A'));
    expect([cache.peek('alice'), cache.peek('alice-again'), cache.peek('bob')]).toEqual([undefined, undefined, 'KEY-B']);
    expect(cache.generation).toBe(generation + 1);
  });

  it('control: a value nobody holds forgets nothing and leaves the generation', async () => {
    const cache = await twoUsers();
    const generation = cache.generation;
    cache.dropWhere(isKey('KEY-X'));
    expect([cache.size, cache.generation]).toEqual([2, generation]);
  });
});

describe('SingleFlightCache.refuse', () => {
  it('forgets the key\'s entry holding the refused value, remembers it and moves the generation once', async () => {
    const cache = await twoUsers();
    const generation = cache.generation;
    expect(cache.refuse('KEY-A', isKey('KEY-A'), 'alice')).toBe(true);
    expect([cache.peek('alice'), cache.peek('bob'), cache.refused('KEY-A'), cache.refused('KEY-B')]).toEqual([undefined, 'KEY-B', true, false]);
    expect(cache.generation).toBe(generation + 1);
    // Refused again (another caller of the same turn): nothing new, the generation stays.
    expect(cache.refuse('KEY-A', isKey('KEY-A'), 'alice')).toBe(false);
    expect(cache.generation).toBe(generation + 1);
  });

  it.each<[string, string | undefined]>([
    ['its entry under another key (evicted from its own, or another token\'s): forgotten there', 'carol'],
    ['no key named (another tab\'s drop): every entry holding it is forgotten', undefined],
  ])('a refused value %s', async (_name, key) => {
    const cache = await twoUsers();
    const generation = cache.generation;
    expect(cache.refuse('KEY-A', isKey('KEY-A'), key)).toBe(true);
    expect([cache.peek('alice'), cache.peek('bob'), cache.generation]).toEqual([undefined, 'KEY-B', generation + 1]);
  });

  it('a value nobody holds still moves the generation (a provider may hold it) and is remembered; control: a value never refused is not', async () => {
    const cache = await twoUsers();
    const generation = cache.generation;
    expect(cache.refuse('KEY-X', isKey('KEY-X'), 'alice')).toBe(true);
    expect([cache.size, cache.generation, cache.refused('KEY-X'), cache.refused('KEY-Y')]).toEqual([2, generation + 1, true, false]);
  });

  it('remembers the latest 16 refused values; one refused again counts as the latest', () => {
    const cache = new SingleFlightCache<string>(() => NOW);
    for (let i = 0; i < MAX_REFUSED; i++) cache.refuse(`KEY-${i}`, isKey(`KEY-${i}`));
    cache.refuse('KEY-0', isKey('KEY-0'));
    cache.refuse('KEY-NEW', isKey('KEY-NEW'));
    expect([cache.refused('KEY-0'), cache.refused('KEY-1'), cache.refused('KEY-NEW')]).toEqual([true, false, true]);
  });
});
