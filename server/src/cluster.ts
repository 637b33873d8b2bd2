/**
 * `npm run start:cluster -- [processes]`: several server processes on one machine,
 * sharing Redis (REDIS_URL: matchmaking, presence, session leases) and Postgres
 * (DATABASE_URL: the store). Process i listens on PORT + i and announces
 * 127.0.0.1:PORT + i (or ARENA_PUBLIC_HOST:PORT + i) as its address; any of them serves
 * the pages and the API, and a debate's room lives in the process that owns it. A
 * process that dies is restarted; its debates are taken over meanwhile by the others.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { researcherToken } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.redisUrl || !config.databaseUrl) {
    throw new ConfigError('start:cluster needs REDIS_URL and DATABASE_URL (processes share Redis and one Postgres)');
  }
  const count = Number(process.argv[2] ?? process.env.ARENA_PROCESSES ?? 2);
  if (!Number.isInteger(count) || count < 1 || count > 64) throw new ConfigError(`the number of processes must be 1–64, not "${process.argv[2]}"`);
  const host = process.env.ARENA_PUBLIC_HOST ?? '127.0.0.1';
  // One researcher token for all processes, made once here rather than raced for by each.
  const token = await researcherToken(config);
  const children = new Map<number, ChildProcess>();
  let stopping = false;
  const start = (i: number) => {
    const port = config.port + i;
    const child = spawn(process.execPath, ['server/src/main.ts'], {
      env: { ...process.env, PORT: String(port), ARENA_PUBLIC_ADDRESS: `${host}:${port}`, ARENA_RESEARCHER_TOKEN: token },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.set(i, child);
    child.once('exit', (code, signal) => {
      children.delete(i);
      if (stopping) return;
      console.error(`process ${i} (port ${port}) exited (${signal ?? code}); starting it again`);
      setTimeout(() => start(i), 1000);
    });
  };
  for (let i = 0; i < count; i++) start(i);
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const child of children.values()) child.kill(signal);
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
