// How many of some objects are still retained, found by the garbage collector itself: WeakRefs to them,
// counted after a full collection. Node only: `gc` comes from V8's --expose-gc, set at run time.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** WeakRefs to the objects given to `track`, and how many of them a full collection leaves. */
export function retention() {
  const refs: WeakRef<object>[] = [];
  return {
    track<T extends object>(value: T): T {
      refs.push(new WeakRef(value));
      return value;
    },
    get tracked(): number {
      return refs.length;
    },
    /**
     * Retained after a full collection. `endJob`: first let the current job end (a macrotask), as it
     * does between any two network answers: until then V8 keeps every object a WeakRef was made to in
     * this job (ECMAScript's ClearKeptObjects), so a run whose fetch answers at once holds all of them.
     * Then collected again, a job later each time, until two counts agree: in a fresh-clone CI run at
     * load 13, one count after one collection found 101 of a cache's 100 values (an evicted one still
     * reachable from something transient), which no run reproduced alone. What stays is retained.
     */
    async alive({ endJob }: { endJob: boolean }): Promise<number> {
      const count = (): number => {
        gc();
        return refs.filter((ref) => ref.deref() !== undefined).length;
      };
      if (!endJob) return count();
      let last = -1;
      for (let attempt = 0; attempt < 5; attempt++) {
        await new Promise((resolve) => setImmediate(resolve));
        const alive = count();
        if (alive === last) return alive;
        last = alive;
      }
      return last;
    },
  };
}
