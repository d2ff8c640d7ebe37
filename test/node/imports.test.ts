// The layers of src/ import one way: no file reaches itself through its imports (type imports
// included), and the main entry reaches no optional package and no other exchange.
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

  it('the main entry and the core script entry reach no other exchange, no tab sharing from the core', () => {
    const main = [...reach(graph, join(SRC, 'index.ts'))].map(name);
    const core = [...reach(graph, join(SRC, 'umd.ts'))].map(name);
    for (const file of ['exchanges/web-identity.ts', 'exchanges/cognito.ts', 'exchanges/aws-provider.ts']) {
      expect(main).not.toContain(file);
      expect(core).not.toContain(file);
    }
    expect(core).not.toContain('tabs.ts');
    expect(main).toContain('tabs.ts');
    // The signed fetch lives behind its own entry.
    expect([...main, ...core].filter((file) => file.startsWith('fetch/'))).toEqual([]);
    expect([...reach(graph, join(SRC, 'entries/fetch.ts'))].map(name)).toContain('fetch/sign.ts');
  });
});
