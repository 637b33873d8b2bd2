/**
 * The server's layers, read from its import statements (type-only ones included): a
 * lower layer never imports a higher one, the access policy imports no transport, and
 * no files import each other in a loop.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SERVER = join(ROOT, 'server/src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

const files = sources(SERVER);
const IMPORT = /(?:^|[^\w.])(?:import|export)\s+(?:type\s+)?(?:[\s\S]*?\sfrom\s+)?['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
/** Each server file's imports of other server files, as paths relative to server/src. */
const imports = new Map(
  files.map((f) => {
    const text = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    const targets = [...text.matchAll(IMPORT)].map((m) => relative(SERVER, resolve(dirname(f), m[1] ?? m[2]!)));
    return [relative(SERVER, f), targets.filter((t) => !t.startsWith('..'))];
  }),
);

const under = (file: string, folders: readonly string[]) => folders.some((d) => (d.endsWith('.ts') ? file === d : file.startsWith(`${d}/`)));
const offending = (from: readonly string[], to: readonly string[]) =>
  [...imports].flatMap(([file, targets]) => (under(file, from) ? targets.filter((t) => under(t, to)).map((t) => `${file} -> ${t}`) : []));

/** What serves requests or commands, and the wiring: nothing below may reach up to these. */
const HIGH = ['http', 'cli', 'studies', 'rooms', 'debates', 'rejudge', 'selfplay', 'app.ts', 'main.ts', 'cluster.ts', 'agent-catalog.ts'];

describe('the server’s layers', () => {
  it('the store and the sessions import nothing above them', () => {
    expect(offending(['store'], [...HIGH, 'access', 'agents', 'pixels', 'sessions'])).toEqual([]);
    // A session drives its agent seats through the Agent interface and the driver, and knows no concrete agent.
    expect(offending(['sessions'], [...HIGH, 'access', 'pixels'])).toEqual([]);
  });

  it('the access policy imports no transport and no service', () => {
    expect(offending(['access'], HIGH)).toEqual([]);
  });

  it('agents know no concrete agent kind above them, and no service', () => {
    expect(offending(['agents'], [...HIGH, 'access', 'pixels', 'sessions'])).toEqual([]);
  });

  it('no shared context object is handed around', () => {
    expect([...imports.keys()]).not.toContain('context.ts');
  });

  it('no server files import each other in a loop (the studies folder aside, whose loop is its own)', () => {
    // Tarjan's strongly connected components over the file graph.
    let index = 0;
    const idx = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const loops: string[][] = [];
    const visit = (v: string) => {
      idx.set(v, index);
      low.set(v, index++);
      stack.push(v);
      onStack.add(v);
      for (const w of imports.get(v) ?? []) {
        if (!imports.has(w)) continue;
        if (!idx.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
      if (low.get(v) === idx.get(v)) {
        const loop: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          loop.push(w);
        } while (w !== v);
        if (loop.length > 1) loops.push(loop.sort());
      }
    };
    for (const f of imports.keys()) if (!idx.has(f)) visit(f);
    expect(loops.filter((loop) => !loop.every((f) => f.startsWith('studies/')))).toEqual([]);
  });
});
