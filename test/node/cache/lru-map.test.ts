// Issue 26, point 3: the cache's recency order without a Map write per hit. LruMap against a model (an
// array in recency order) over random operations, and the writes a hit makes to a Map.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LruMap } from '../../../src/cache/lru-map';

afterEach(() => vi.restoreAllMocks());

type Operation = { kind: 'set' | 'use' | 'delete'; key: string } | { kind: 'sweep'; below: number };

/** The model: keys from least to most recently used, each with its value. */
function applyToModel(model: [string, number][], operation: Operation, maxSize: number, value: number): [string, number][] {
  if (operation.kind === 'sweep') return model.filter(([, held]) => held >= operation.below);
  const index = model.findIndex(([key]) => key === operation.key);
  const found = index < 0 ? undefined : model[index];
  const without = index < 0 ? model : [...model.slice(0, index), ...model.slice(index + 1)];
  if (operation.kind === 'delete') return without;
  if (operation.kind === 'use') return found === undefined ? model : [...without, found];
  const stored: [string, number][] = [...without, [operation.key, value]];
  return stored.length > maxSize ? stored.slice(1) : stored;
}

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constantFrom<'set' | 'use' | 'delete'>('set', 'set', 'use', 'delete'), key: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f') }),
  fc.record({ kind: fc.constant<'sweep'>('sweep'), below: fc.integer({ min: 0, max: 40 }) }),
);

describe('LruMap', () => {
  it('behaves as an exact LRU: 1,000 random sequences of set / use / delete / sweep against a model', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 4 }), fc.array(operation, { maxLength: 60 }), (maxSize, operations) => {
      const map = new LruMap<number>(maxSize);
      let model: [string, number][] = [];
      for (const [step, op] of operations.entries()) {
        if (op.kind === 'sweep') {
          const { below } = op;
          map.deleteWhere((held) => held < below);
        } else if (op.kind === 'set') map.set(op.key, step);
        else if (op.kind === 'use') map.use(op.key);
        else map.delete(op.key);
        model = applyToModel(model, op, maxSize, step);
        expect(map.size).toBe(model.length);
        for (const [key, held] of model) expect(map.get(key)).toBe(held);
      }
      // The eviction order is the model's: filling with new keys drops the held ones oldest first.
      for (const [index, [key]] of model.entries()) {
        map.set(`new${index}`, -1);
        if (model.length === maxSize) expect(map.get(key)).toBeUndefined();
      }
    }), { numRuns: 1_000, seed: 26 });
  });

  it('drops the least recently used key past its bound, a use counting as recent', () => {
    const map = new LruMap<string>(3);
    for (const key of ['a', 'b', 'c']) map.set(key, key.toUpperCase());
    map.use('a');
    map.set('d', 'D');
    expect([map.get('a'), map.get('b'), map.get('c'), map.get('d')]).toEqual(['A', undefined, 'C', 'D']);
    // Control: 'c', never used since it was stored, is now the oldest and goes next.
    map.set('e', 'E');
    expect([map.get('a'), map.get('c'), map.get('d'), map.get('e'), map.size]).toEqual(['A', undefined, 'D', 'E', 3]);
  });

  it('a use writes nothing to any Map (a store does: the control)', () => {
    const map = new LruMap<number>(1_000);
    for (let index = 0; index < 100; index++) map.set(`user${index}`, index);
    const sets = vi.spyOn(Map.prototype, 'set');
    const deletes = vi.spyOn(Map.prototype, 'delete');
    for (let round = 0; round < 3; round++) for (let index = 0; index < 100; index++) map.use(`user${index}`);
    expect([sets.mock.calls.length, deletes.mock.calls.length]).toEqual([0, 0]);
    map.set('user100', 100);
    expect(sets).toHaveBeenCalledTimes(1);
  });
});
