/**
 * `npm run bench -- start`: how long `npm start` takes until /api/health answers, cold (the
 * client's build stamp removed, so the client is built) and warm (nothing changed since).
 * Each start gets its own port and data folder and is stopped after it answers.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../scripts/client-build.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Seconds from `npm start` to a 200 from /api/health, and what the start-up said about the client. */
async function timeStart(): Promise<{ seconds: number; client: string }> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-start-'));
  const npm = process.env.npm_execpath;
  const t0 = performance.now();
  const child = spawn(npm ? process.execPath : 'npm', [...(npm ? [npm] : []), 'start', '--silent'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ARENA_DATA_DIR: dataDir },
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  let exited = false;
  child.on('exit', () => (exited = true));
  try {
    for (;;) {
      if (exited) throw new Error(`npm start exited before answering:\n${out}`);
      const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - t0) / 1000;
    return { seconds, client: out.split('\n').find((l) => l.startsWith('client up to date') || l.startsWith('building client')) ?? '?' };
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await new Promise((r) => (exited ? r(null) : child.once('exit', r)));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchStart(): Promise<{ coldSeconds: number; warmSeconds: number }> {
  rmSync(join(ROOT, 'client', 'dist', '.sources-hash'), { force: true });
  const cold = await timeStart();
  const warm = await timeStart();
  if (!cold.client.startsWith('building client') || warm.client !== 'client up to date') throw new Error(`unexpected start-up: cold "${cold.client}", warm "${warm.client}"`);
  return { coldSeconds: cold.seconds, warmSeconds: warm.seconds };
}
