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
     */
    async alive({ endJob }: { endJob: boolean }): Promise<number> {
      if (endJob) await new Promise((resolve) => setImmediate(resolve));
      gc();
      return refs.filter((ref) => ref.deref() !== undefined).length;
    },
  };
}
