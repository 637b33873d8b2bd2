import { spawn, type ChildProcess } from 'node:child_process';
import { RESEARCHER_TOKEN, type CreatedDebate } from './arena.ts';

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  http: string;
  ws: string;
  /** Everything the process printed. */
  output(): string;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** The server's environment: this one's, with `env` on top (a key set to undefined is removed). */
function serverEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete merged[k];
  return merged;
}

/**
 * Starts `npm start`'s server (server/src/main.ts) as a real child process on its own
 * port, and resolves once it says where it listens. Killing it is as real as it gets.
 */
export async function startServerProcess(env: Record<string, string | undefined>, timeoutMs = 60_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['server/src/main.ts'], {
    env: serverEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = () => {
      const m = /on http:\/\/localhost:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    port,
    http: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}`,
    output: () => out,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Starts a server process that is expected to refuse to start: its exit code and what it printed. */
export async function failedServerProcess(env: Record<string, string | undefined>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['server/src/main.ts'], { env: serverEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { code, output };
}

/** Creates a debate on a server process with the test researcher token (the server must have it). */
export async function createDebateOn(server: ServerProcess, body: Record<string, unknown>): Promise<CreatedDebate> {
  const res = await fetch(`${server.http}/api/debates`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${RESEARCHER_TOKEN}` },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`create debate failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as CreatedDebate;
}
