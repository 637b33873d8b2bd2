/**
 * `npm run bench -- flood`: /api/health latency while one address makes 5,000 observer
 * join attempts on one debate (real SDK clients, 50 at a time), beside the same probe on
 * the quiet server. The server runs in its own process with its defaults; this process
 * is the flood and the probe. Run alone with `node tests/bench/flood.ts [attempts]`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { joinRefusalOf } from '@arena/shared';

const { Client } = await import('@colyseus/sdk');

export interface FloodFigures {
  attempts: number;
  accepted: number;
  refused: Record<string, number>;
  floodSeconds: number;
  quiet: { p50: number; p99: number; samples: number };
  flood: { p50: number; p99: number; samples: number };
}

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

async function startServer(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['server/src/main.ts'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ARENA_DATA_DIR: mkdtempSync(join(tmpdir(), 'arena-flood-')), ARENA_CLIENT_DIR: mkdtempSync(join(tmpdir(), 'no-client-')) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const end = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) return child;
    } catch {
      // not up yet
    }
    if (Date.now() > end || child.exitCode !== null) throw new Error('the server did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Probes /api/health one request at a time until `stop` resolves; latencies in ms. */
async function probe(base: string, stop: Promise<unknown>): Promise<number[]> {
  let done = false;
  void stop.then(() => (done = true));
  const times: number[] = [];
  while (!done) {
    const started = performance.now();
    await (await fetch(`${base}/api/health`)).arrayBuffer();
    times.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 20));
  }
  return times;
}

function summary(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), samples: sorted.length };
}

export async function benchFlood(attempts = 5000, parallel = 50): Promise<FloodFigures> {
  const port = 27_000 + (process.pid % 1000);
  const server = await startServer(port);
  const base = `http://127.0.0.1:${port}`;
  const held: { leave(): Promise<unknown> }[] = [];
  try {
    const created = await fetch(`${base}/api/debates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scenarioId: 'the-lantern-room' }) });
    if (created.status !== 201) throw new Error(`creating the debate failed: ${created.status} ${await created.text()}`);
    const { id } = (await created.json()) as { id: string };

    const quiet = summary(await probe(base, new Promise((r) => setTimeout(r, 5000))));

    const refused: Record<string, number> = {};
    let next = 0;
    let accepted = 0;
    const started = performance.now();
    const flood = (async () => {
      await Promise.all(
        Array.from({ length: parallel }, async () => {
          while (next < attempts) {
            next++;
            try {
              held.push(await new Client(`ws://127.0.0.1:${port}`).joinOrCreate('debate', { debateId: id, seat: 'observer' }));
              accepted++;
            } catch (err) {
              const code = joinRefusalOf(err)?.code ?? 'other';
              refused[code] = (refused[code] ?? 0) + 1;
            }
          }
        }),
      );
    })();
    const during = summary(await probe(base, flood));
    const floodSeconds = (performance.now() - started) / 1000;
    return { attempts, accepted, refused, floodSeconds, quiet, flood: during };
  } finally {
    await Promise.all(held.map((r) => r.leave().catch(() => {})));
    server.kill('SIGTERM');
  }
}

if (process.argv[1]?.endsWith('tests/bench/flood.ts')) {
  const r = await benchFlood(Number(process.argv[2] ?? 5000));
  console.log(JSON.stringify(r, null, 2));
  process.exit(0);
}
