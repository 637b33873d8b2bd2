import { startServerProcess, type ServerProcess } from './server-process.ts';
import { freshSchema, TEST_REDIS_URL } from './services.ts';

/** Two server processes sharing Redis and a Postgres schema of their own, as a deployment of several processes runs. */
export interface TwoProcesses {
  one: ServerProcess;
  two: ServerProcess;
  /** Starts the first process again with the same settings (after it was stopped); the new one. */
  restartOne(): Promise<ServerProcess>;
  /** Stops every process started (those still running) and drops the schema. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts two server processes on `basePort` and the next port (offset by this test
 * process's pid, so parallel runs do not collide), with the researcher token `token`
 * and any further settings in `env`.
 */
/** `name` names the Postgres schema (letters, digits, underscores) and the data folders. */
export async function startTwoProcesses(name: string, basePort: number, token: string, env: Record<string, string> = {}): Promise<TwoProcesses> {
  const schema = await freshSchema(`${name}_${process.pid}_${Date.now()}`);
  const port = basePort + (process.pid % 2000) * 2;
  const settings = (p: number) => ({
    PORT: String(p),
    DATABASE_URL: schema.url,
    REDIS_URL: TEST_REDIS_URL,
    ARENA_PUBLIC_ADDRESS: `127.0.0.1:${p}`,
    ARENA_RESEARCHER_TOKEN: token,
    ARENA_DATA_DIR: `/tmp/arena-${name}-${process.pid}-${p}`,
    ...env,
  });
  // One after the other: the first one migrates the fresh schema.
  const one = await startServerProcess(settings(port));
  const two = await startServerProcess(settings(port + 1));
  const started = [one, two];
  return {
    one,
    two,
    async restartOne() {
      const again = await startServerProcess(settings(port));
      started.push(again);
      return again;
    },
    async stop(signal = 'SIGKILL') {
      for (const s of started) await s.kill(signal);
      await schema.drop();
    },
  };
}
