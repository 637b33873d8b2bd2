/**
 * `npm run bench -- export`: the streamed exports over a store of N debates (default
 * 100,000; ARENA_EXPORT_DEBATES=N for another size). The store is an embedded SQLite
 * database (on /dev/shm when there is one, so filling it is not the disk's fsync rate):
 * 96 built-in self-play debates, copied under new ids up to N. Each export then runs as
 * `arena export …` in its own process, timed, with its peak resident memory read from
 * /proc (VmHWM) while it runs.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TranscriptRecord } from '@arena/shared';
import { agentCatalog } from '../../server/src/agent-catalog.ts';
import { commandStores } from '../../server/src/cli/store.ts';
import { loadScenarioPacks } from '../../server/src/scenarios/load.ts';
import { runBatch } from '../../server/src/selfplay/batch.ts';

export interface ExportFigure {
  export: string;
  seconds: number;
  rows: number;
  rowsPerSecond: number;
  debatesPerSecond: number;
  peakMB: number;
}

export interface ExportBench {
  debates: number;
  seedSeconds: number;
  exports: ExportFigure[];
}

/** Fills `dataDir` with `n` debates: self-play ones, then copies of them under new ids. */
export async function fill(dataDir: string, n: number): Promise<void> {
  const stores = await commandStores(dataDir);
  try {
    const scenarios = (await loadScenarioPacks('scenarios')).scenarios.filter((s) => s.pack === 'originals');
    await runBatch(
      { scenarios, presets: ['debate', 'consultancy'], assignments: [{ debaters: ['builtin:passage-debater'], judge: 'builtin:passage-judge' }], seeds: ['b1', 'b2', 'b3', 'b4'] },
      { store: stores.debates, agents: agentCatalog(), concurrency: 2, startAt: 0 },
    );
    const templates: TranscriptRecord[] = [];
    for await (const r of stores.debates.transcripts()) templates.push(r);
    let made = templates.length;
    const base = Date.now();
    while (made < n) {
      const batch: Promise<boolean>[] = [];
      for (let i = 0; i < 500 && made < n; i++, made++) {
        const t = templates[made % templates.length]!;
        batch.push(stores.debates.saveTranscript({ ...t, header: { ...t.header, id: `${t.header.id}-copy-${made}`, createdAt: base + made } }, 'private'));
      }
      await Promise.all(batch);
    }
  } finally {
    await stores.close();
  }
}

/** Runs one export in its own process; its time, its JSON summary and its peak resident memory. */
function runExport(args: string[]): Promise<{ seconds: number; summary: Record<string, number>; peakKB: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['server/src/cli/run.ts', 'export', ...args, '--no-progress', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let peakKB = 0;
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const poll = setInterval(() => {
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peakKB = Math.max(peakKB, Number(hwm[1]));
      } catch {
        // the process has just ended
      }
    }, 50);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      if (code !== 0) return reject(new Error(`arena export ${args[0]} exited with ${code}`));
      resolve({ seconds: (performance.now() - started) / 1000, summary: JSON.parse(out) as Record<string, number>, peakKB });
    });
  });
}

export async function benchExport(n = Number(process.env.ARENA_EXPORT_DEBATES ?? 100_000)): Promise<ExportBench> {
  const root = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'arena-export-bench-'));
  try {
    const data = join(root, 'data');
    const seedStart = performance.now();
    await fill(data, n);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const runs: [string, string[], (s: Record<string, number>) => number][] = [
      ['sft', ['sft', '--out', join(root, 'sft.jsonl')], (s) => s['rows']!],
      ['preferences', ['preferences', '--out', join(root, 'prefs.jsonl')], (s) => s['rows']!],
      ['dataset', ['dataset', '--out', join(root, 'dataset')], (s) => s['debates']! + s['turns']! + s['judgements']!],
      ['inspect', ['inspect', '--out', join(root, 'logs')], (s) => s['samples']!],
    ];
    const exports: ExportFigure[] = [];
    for (const [name, args, rows] of runs) {
      const r = await runExport([...args, '--data-dir', data]);
      const count = rows(r.summary);
      exports.push({ export: name, seconds: r.seconds, rows: count, rowsPerSecond: count / r.seconds, debatesPerSecond: n / r.seconds, peakMB: r.peakKB / 1024 });
    }
    return { debates: n, seedSeconds, exports };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
