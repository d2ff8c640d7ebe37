/**
 * Whether this code runs in a browser: a page (a `document` exists) or a web worker (dedicated, shared or
 * service: `WorkerGlobalScope` exists). Tab sharing is on by default only there. Node 24 has Web Locks
 * and BroadcastChannel too (so would Deno), but no tabs to share with: there, a client shares only when
 * `shareAcrossTabs: true` asks for it.
 */
export function inBrowser(): boolean {
  const scope = globalThis as { document?: unknown; WorkerGlobalScope?: unknown };
  return (typeof scope.document === 'object' && scope.document !== null) || typeof scope.WorkerGlobalScope === 'function';
}
