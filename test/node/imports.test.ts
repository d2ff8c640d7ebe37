// The layers of src/ import one way: no file reaches itself through its imports (type imports
// included), no folder imports a folder above it, and the main entry reaches no optional package and no
// other exchange.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(__dirname, '../../src');

function sourceFiles(folder = SRC): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? sourceFiles(join(folder, entry.name)) : entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [join(folder, entry.name)] : []));
}

/** The src/ files one file imports (static, type-only and dynamic imports of relative paths). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((match) => `${resolve(dirname(file), match[1]!)}.ts`);
}

/** Every cycle found by depth-first search, as the files along it. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (file: string, path: string[]): void => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') return void found.push([...path.slice(path.indexOf(file)), file]);
    state.set(file, 'open');
    for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of graph.keys()) visit(file, []);
  return found;
}

/** Everything `file` reaches through its imports. */
function reach(graph: Map<string, string[]>, file: string, seen = new Set<string>()): Set<string> {
  for (const next of graph.get(file) ?? []) if (!seen.has(next)) reach(graph, next, seen.add(next));
  return seen;
}

/**
 * The layers of src/, top to bottom: a file may import its own layer or any below, never above.
 * entries/ (what a script tag or an import path gets) > index.ts > fetch/ > aws/ > v7/ > tabs/ >
 * client.ts, options.ts > exchanges/ > cache/ > the ground floor (the other files at the root).
 */
const LAYERS: [number, (file: string) => boolean][] = [
  [9, (file) => file.startsWith('entries/')],
  [8, (file) => file === 'index.ts'],
  [7, (file) => file.startsWith('fetch/')],
  [6, (file) => file.startsWith('aws/')],
  [5, (file) => file.startsWith('v7/')],
  [4, (file) => file.startsWith('tabs/')],
  [3, (file) => file === 'client.ts' || file === 'options.ts'],
  [2, (file) => file.startsWith('exchanges/')],
  [1, (file) => file.startsWith('cache/')],
  [0, (file) => !file.includes('/')],
];
const layerOf = (file: string): number => LAYERS.find(([, holds]) => holds(file))?.[0] ?? Number.NaN;

/** Each import that runs from a lower layer to a higher one, as `from -> to`. */
function upwardImports(edges: Map<string, string[]>, nameOf: (file: string) => string): string[] {
  return [...edges.entries()].flatMap(([file, imports]) => imports.filter((target) => !(layerOf(nameOf(target)) <= layerOf(nameOf(file)))).map((target) => `${nameOf(file)} -> ${nameOf(target)}`));
}

const graph = new Map(sourceFiles().map((file) => [file, importsOf(file)]));
const name = (file: string) => relative(SRC, file);

describe('imports among the files of src/', () => {
  it('resolve to files that exist', () => {
    const missing = [...graph.entries()].flatMap(([file, imports]) => imports.filter((target) => !graph.has(target)).map((target) => `${name(file)} -> ${name(target)}`));
    expect(missing).toEqual([]);
  });

  it('have no circle', () => {
    expect(cycles(graph).map((cycle) => cycle.map(name).join(' -> '))).toEqual([]);
  });

  it('negative control: the search finds a circle where there is one', () => {
    expect(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]]))).toEqual([['a', 'b', 'c', 'a']]);
  });

  it('every file belongs to a layer', () => {
    expect([...graph.keys()].map(name).filter((file) => Number.isNaN(layerOf(file)))).toEqual([]);
  });

  it('never run from a lower folder to a higher one', () => {
    expect(upwardImports(graph, name)).toEqual([]);
  });

  it('negative control: an upward import is found', () => {
    const edges = new Map([['cache/single-flight.ts', ['tabs/tab-cache.ts']], ['tabs/tab-cache.ts', ['cache/single-flight.ts', 'errors.ts']], ['errors.ts', []]]);
    expect(upwardImports(edges, (file) => file)).toEqual(['cache/single-flight.ts -> tabs/tab-cache.ts']);
  });

  it('the main entry and the core script entry reach no other exchange, no tab sharing from the core', () => {
    const main = [...reach(graph, join(SRC, 'index.ts'))].map(name);
    const core = [...reach(graph, join(SRC, 'entries/umd.ts'))].map(name);
    for (const file of ['exchanges/web-identity.ts', 'exchanges/cognito.ts', 'exchanges/aws-provider.ts']) {
      expect(main).not.toContain(file);
      expect(core).not.toContain(file);
    }
    expect(core).not.toContain('tabs/tab-cache.ts');
    expect(main).toContain('tabs/tab-cache.ts');
    // The signed fetch lives behind its own entry.
    expect([...main, ...core].filter((file) => file.startsWith('fetch/'))).toEqual([]);
    expect([...reach(graph, join(SRC, 'entries/fetch.ts'))].map(name)).toContain('fetch/sign.ts');
  });
});
