// Arrivals: other tabs' answers for the keys a tab waits on. Only the first answer for a wanted key is
// kept; one discarded (its credentials refused since it arrived) leaves the key wanted, so the next
// answer for it is kept instead.
import { describe, expect, it } from 'vitest';
import { Arrivals } from '../../../src/tabs/handover';

describe('Arrivals.discard', () => {
  it.each([
    ['an answer discarded: the key is still wanted, and the next answer for it is kept', true, 'SECOND'],
    ['control, nothing discarded: the first answer is kept, the second is not', false, 'FIRST'],
  ])('%s', (_name, discard, expected) => {
    const arrivals = new Arrivals<string>();
    arrivals.want('k');
    arrivals.offer('k', 'FIRST');
    if (discard) arrivals.discard((value) => value === 'FIRST');
    arrivals.offer('k', 'SECOND');
    expect(arrivals.take('k')).toBe(expected);
  });

  it('forgets only what it picks: another key\'s answer stays', () => {
    const arrivals = new Arrivals<string>();
    arrivals.want('a');
    arrivals.want('b');
    arrivals.offer('a', 'REFUSED');
    arrivals.offer('b', 'KEPT');
    arrivals.discard((value) => value === 'REFUSED');
    expect([arrivals.take('a'), arrivals.take('b')]).toEqual([undefined, 'KEPT']);
  });
});
