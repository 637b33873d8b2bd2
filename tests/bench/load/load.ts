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
const execArgv = ['--import', 'tsx', '--expose-gc'];

/** The next message of ours from a child (tsx's loader sends its own over the same channel). */
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

/**
 * One server process (arena or bare Colyseus) under `debates` live debates driven by
 * `generators` load-generator processes; every figure is taken from outside the
 * server except its own CPU and heap, which it reports over IPC.
 */
export async function measureLoad(kind: 'arena' | 'bare', debates: number, generators = 1, rounds = 3, thinkMs = 2000): Promise<LoadFigures> {
  const server = fork(here('./serve.ts'), [kind], { execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const { port } = await next<{ port: number }>(server);
    const empty = await sample(server);
    const gens = Array.from({ length: generators }, (_, g) => {
      const task: GeneratorTask = {
        kind,
        port,
        debates: Math.floor(debates / generators) + (g < debates % generators ? 1 : 0),
        rounds,
        thinkMs,
        seed: `load-${kind}-${g}`,
      };
      return fork(here('./generator.ts'), [JSON.stringify(task)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    });
    const setups = await Promise.all(gens.map((g) => next<GeneratorSetup>(g)));
    const loaded = await sample(server);
    const results = gens.map((g) => next<GeneratorResult>(g));
    for (const g of gens) g.send('go');
    const done = await Promise.all(results);
    const after = await sample(server);
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
    server.send('stop');
    await new Promise((resolve) => (server.exitCode !== null ? resolve(null) : server.once('exit', resolve)));
  }
}
