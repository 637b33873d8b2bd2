import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { GeneratorResult, GeneratorSetup, GeneratorTask, ServeSample } from './protocol.ts';

export interface LoadFigures {
  kind: 'arena' | 'bare';
  debates: number;
  samples: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  /** Server CPU (all its threads) per action while playing, ms. */
  cpuMsPerAction: number;
  /** Server heap after GC with every debate set up, per debate, kB. */
  heapKbPerDebate: number;
  debatesSetUpPerSecond: number;
}

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const execArgv = ['--expose-gc'];

/** The next message of ours from a child (ours come wrapped as { load: … }). */
function next<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`a benchmark process exited (${code}) early`));
    const onMessage = (m: unknown) => {
      if (!m || typeof m !== 'object' || !('load' in m)) return;
      child.off('exit', onExit);
      child.off('message', onMessage);
      resolve((m as { load: T }).load);
    };
    child.once('exit', onExit);
    child.on('message', onMessage);
  });
}

async function sample(server: ChildProcess): Promise<ServeSample> {
  const reply = next<ServeSample>(server);
  server.send('sample');
  return reply;
}

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

/** CPU and heap summed over every server process. */
async function sampleAll(servers: ChildProcess[]): Promise<ServeSample> {
  const all = await Promise.all(servers.map(sample));
  return { cpuMicros: all.reduce((n, s) => n + s.cpuMicros, 0), heapUsed: all.reduce((n, s) => n + s.heapUsed, 0) };
}

/**
 * `processes` server processes (arena or bare Colyseus; with more than one they share
 * Redis, REDIS_URL, and the arena shares Postgres, DATABASE_URL) under `debates` live
 * debates driven by `generators` load-generator processes, each talking to one server
 * process in turn; every figure is taken from outside the servers except their CPU and
 * heap, which they report over IPC.
 */
export async function measureLoad(kind: 'arena' | 'bare', debates: number, generators = 1, rounds = 3, thinkMs = 2000, processes = 1): Promise<LoadFigures> {
  const basePort = 26_000 + (process.pid % 1000) * 8;
  const servers = Array.from({ length: processes }, (_, i) =>
    fork(here('./serve.ts'), [kind], {
      execArgv,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: { ...process.env, ...(processes > 1 ? { LOAD_PORT: String(basePort + i) } : {}) },
    }),
  );
  try {
    const ports = (await Promise.all(servers.map((s) => next<{ port: number }>(s)))).map((r) => r.port);
    const empty = await sampleAll(servers);
    const gens = Array.from({ length: generators }, (_, g) => {
      const task: GeneratorTask = {
        kind,
        port: ports[g % ports.length]!,
        debates: Math.floor(debates / generators) + (g < debates % generators ? 1 : 0),
        rounds,
        thinkMs,
        seed: `load-${kind}-${g}`,
      };
      return fork(here('./generator.ts'), [JSON.stringify(task)], { execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    });
    const setups = await Promise.all(gens.map((g) => next<GeneratorSetup>(g)));
    const loaded = await sampleAll(servers);
    const results = gens.map((g) => next<GeneratorResult>(g));
    for (const g of gens) g.send('go');
    const done = await Promise.all(results);
    const after = await sampleAll(servers);
    const latencies = done.flatMap((r) => r.latencies).sort((a, b) => a - b);
    const actions = done.reduce((n, r) => n + r.actions, 0);
    return {
      kind,
      debates,
      samples: latencies.length,
      errors: done.reduce((n, r) => n + r.errors, 0),
      p50: percentile(latencies, 0.5),
      p95: percentile(latencies, 0.95),
      p99: percentile(latencies, 0.99),
      cpuMsPerAction: (after.cpuMicros - loaded.cpuMicros) / 1000 / actions,
      heapKbPerDebate: (loaded.heapUsed - empty.heapUsed) / 1024 / debates,
      debatesSetUpPerSecond: debates / Math.max(...setups.map((s) => s.setupSeconds)),
    };
  } finally {
    for (const server of servers) server.send('stop');
    await Promise.all(servers.map((server) => new Promise((resolve) => (server.exitCode !== null ? resolve(null) : server.once('exit', resolve)))));
  }
}
