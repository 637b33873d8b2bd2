/**
 * The server and the `arena` command as real processes, started the way people start
 * them: `node server/src/main.ts` (what `npm start` runs), `node --watch` (what `npm run dev`
 * runs) and `server/bin/arena.js`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@arena/shared';
import { SeatClient } from '../helpers/arena.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'server', 'bin', 'arena.js');

/** Every file and folder under `dir` whose mode lets anyone but the owner in. */
function openToOthers(dir: string): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const s = statSync(p);
    if ((s.mode & 0o077) !== 0) out.push(`${p} ${(s.mode & 0o777).toString(8)}`);
    if (s.isDirectory()) for (const name of readdirSync(p)) walk(join(p, name));
  };
  walk(dir);
  return out;
}

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('the server process (node server/src/main.ts)', () => {
  let child: ChildProcess;
  let output = '';
  let base = '';
  const dataDir = join(mkdtempSync(join(tmpdir(), 'arena-proc-')), 'data');
  let researcher = '';
  const seatTokens: string[] = [];

  beforeAll(async () => {
    child = spawn(process.execPath, ['server/src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ARENA_DATA_DIR: dataDir, ARENA_RESEARCHER_TOKEN: '', DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr!.on('data', (d) => (output += d));
    base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server did not start: ${output}`)), 60_000);
      child.stdout!.on('data', (d) => {
        output += d;
        const m = /on http:\/\/localhost:(\d+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(`http://127.0.0.1:${m[1]}`);
        }
      });
    });
    researcher = readFileSync(join(dataDir, 'researcher-token'), 'utf8').trim();
  }, 90_000);

  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  it('answers /api/health promptly while a pixel debater searches 20,000 rollouts a move', async () => {
    const digit = ((await (await fetch(`${base}/api/scenarios`)).json()) as { scenarios: { id: string; pack: string }[] }).scenarios.find((s) => s.pack === 'mnist')!;
    const res = await fetch(`${base}/api/debates`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${researcher}` },
      body: JSON.stringify({
        scenarioId: digit.id,
        preset: 'pixels',
        seats: { A: { kind: 'agent', agent: 'builtin:pixel-debater@20000' }, B: { kind: 'agent', agent: 'builtin:pixel-debater@20000' }, judge: { kind: 'human' } },
      }),
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; seats: Record<string, { token?: string }> };
    seatTokens.push(created.seats.judge!.token!);
    const judge = await SeatClient.join(base.replace('http', 'ws'), { debateId: created.id, seat: 'judge', token: created.seats.judge!.token!, protocol: PROTOCOL_VERSION });
    try {
      await judge.until((c) => c.views.at(-1)?.status === 'running', 'the start');
      const latencies: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t0 = performance.now();
        const health = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(5000) });
        expect(health.status).toBe(200);
        latencies.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 100));
      }
      // The first reveal was still being searched all along: the polls measured a busy server.
      const transcript = (await (await fetch(`${base}/api/debates/${created.id}/transcript?seat=full`, { headers: { authorization: `Bearer ${researcher}` } })).json()) as { events: { action: { type: string } }[] };
      expect(transcript.events.filter((e) => e.action.type === 'speech')).toHaveLength(0);
      console.log(`/api/health during a 20,000-rollout search: max ${Math.round(Math.max(...latencies))} ms over ${latencies.length} requests`);
      // A search on the event loop held every request for the whole search (20 s at 20,000 rollouts); a busy machine still answers well within this.
      expect(Math.max(...latencies)).toBeLessThan(2000);
    } finally {
      await judge.leave();
    }
  }, 60_000);

  it('keeps its data folder private to its user and prints no token', async () => {
    const res = await fetch(`${base}/api/debates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scenarioId: 'the-lantern-room' }) });
    const created = (await res.json()) as { id: string; seats: Record<string, { token?: string }> };
    for (const s of Object.values(created.seats)) if (s.token) seatTokens.push(s.token);
    // Tokens where they do not belong: the query string, a bad header.
    await fetch(`${base}/api/export.jsonl?token=${researcher}`);
    await fetch(`${base}/api/debates/${created.id}/view?seat=A&token=${created.seats.A!.token}`);
    await fetch(`${base}/api/debates/%00?token=${researcher}`);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    expect(openToOthers(dataDir)).toEqual([]);
    expect(output).toContain('Oversight Arena on');
    for (const token of [researcher, ...seatTokens]) expect(output).not.toContain(token);
  }, 30_000);
});

/** Runs `node --watch` on `args` until the first run completes or fails (watch mode then waits for changes), then stops it. */
function runWatched(args: string[], env: Record<string, string> = {}, until = /(Completed|Failed) running/): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--watch', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`node --watch ${args.join(' ')} did not get on: ${out}`));
    }, 100_000);
    const onData = (d: Buffer) => {
      out += d;
      if (!until.test(out)) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stderr.off('data', onData);
      child.once('exit', () => resolve(out));
      child.kill('SIGTERM');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });
}

// `npm run dev` runs `node --watch`, under which Node posts messages of its own on every worker thread's channel.
describe('worker threads under node --watch', () => {
  it('starts the server (its SQLite store runs in a worker thread)', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'arena-watch-')), 'data');
    const out = await runWatched(['server/src/main.ts'], { PORT: '0', HOST: '127.0.0.1', ARENA_DATA_DIR: dataDir, ARENA_RESEARCHER_TOKEN: '', DATABASE_URL: '' }, /on http:\/\/localhost:\d+|could not start|Failed running/);
    expect(out).toMatch(/Oversight Arena on http:\/\/localhost:\d+/);
  }, 120_000);

  it('runs the pixel experiment on two worker threads', async () => {
    const out = await runWatched([BIN, 'pixels', 'eval', '--images', '2', '--rollouts', '5', '--workers', '2', '--k', '4', '--no-progress']);
    expect(out).toMatch(/with 2 worker\(s\)/);
    expect(out).toContain('Completed running');
  }, 120_000);
});

describe('worker threads through the arena bin', () => {
  it('runs the pixel experiment on two worker threads', async () => {
    const { code, out } = await run(process.execPath, [BIN, 'pixels', 'eval', '--images', '2', '--rollouts', '5', '--workers', '2', '--k', '4', '--no-progress']);
    expect(out).toMatch(/with 2 worker\(s\)/);
    expect(code).toBe(0);
  }, 120_000);

  it('plays pixel debates whose searches run in workers, into a private store', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'arena-bin-')), 'db');
    const { code, out } = await run(process.execPath, [BIN, 'selfplay', '--data-dir', dir, '--pack', 'mnist', '--presets', 'pixels', '--debaters', 'builtin:pixel-debater@50', '--judges', 'builtin:pixel-judge', '--seeds', '1', '--limit', '2', '--json', '--no-progress']);
    expect(code, out).toBe(0);
    const summary = JSON.parse(out.slice(out.indexOf('{'))) as { played: number; errors: unknown[] };
    expect(summary.errors).toEqual([]);
    expect(openToOthers(dir)).toEqual([]);
  }, 120_000);
});
