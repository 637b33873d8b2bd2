import { spawn, type ChildProcess } from 'node:child_process';
import { PYTHON } from './requirements.ts';

/** A remote agent running in its own process, and the JSON lines it printed. */
export interface AgentProcess {
  child: ChildProcess;
  events: Record<string, any>[];
  output(): string;
  /** Waits until an event satisfying `test` was printed. */
  until(test: (e: Record<string, any>) => boolean, what: string, ms?: number): Promise<Record<string, any>>;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

function track(child: ChildProcess): AgentProcess {
  const events: Record<string, any>[] = [];
  let out = '';
  let buffer = '';
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    buffer += d.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      try {
        events.push(JSON.parse(line));
      } catch {
        // not an event line
      }
    }
    for (const w of waiters) w();
  });
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    events,
    output: () => out,
    exited,
    async until(test, what, ms = 15_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = events.find(test);
        if (found) return found;
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`agent process: no ${what} (exit ${child.exitCode}):\n${out}`);
        await new Promise<void>((resolve) => {
          const w = () => (waiters.delete(w), resolve());
          waiters.add(w);
          setTimeout(w, 200);
        });
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The TypeScript SDK agent (tests/helpers/remote-agent-main.ts) in its own process. */
export function startTsAgent(url: string, name: string, key: string, behaviour = 'play', framesFile?: string): AgentProcess {
  const args = ['tests/helpers/remote-agent-main.ts', url, name, key, behaviour, ...(framesFile ? [framesFile] : [])];
  return track(spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** The Python example agent (sdk/python/arena_agent.py) in its own process. */
export function startPythonAgent(url: string, name: string, key: string): AgentProcess {
  return track(spawn(PYTHON, ['-u', 'sdk/python/arena_agent.py', '--url', url, '--name', name, '--key', key], { stdio: ['ignore', 'pipe', 'pipe'] }));
}
