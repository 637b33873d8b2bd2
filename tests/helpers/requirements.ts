/**
 * What some tests need beyond the repository: Postgres, Redis, Python's socketio, the real
 * NYU dataset. A test asks with `need(…)`: when the thing is there it runs; when it is not,
 * it is left out, with a warning and a line in the file named by ARENA_TEST_MISSING, from
 * which the closing summary names each missing thing and how to get it (never a silent
 * skip); and when the requirement's ARENA_REQUIRE_* variable is 1 (CI), its absence fails.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export interface Requirement {
  /** What is needed, as the summary names it. */
  name: string;
  /** The variable that makes its absence a failure. */
  requireEnv: string;
  /** How to get it. */
  how: string;
}

export const POSTGRES: Requirement = {
  name: 'Postgres',
  requireEnv: 'ARENA_REQUIRE_POSTGRES',
  how: 'run PostgreSQL with a database reachable at ARENA_TEST_DATABASE_URL (default postgres://root@127.0.0.1:5432/test); .ci/run shows how',
};
export const REDIS: Requirement = {
  name: 'Redis',
  requireEnv: 'ARENA_REQUIRE_REDIS',
  how: 'run redis-server on 127.0.0.1:6379 (or set ARENA_TEST_REDIS_URL)',
};
export const PYTHON_SOCKETIO: Requirement = {
  name: "Python's socketio",
  requireEnv: 'ARENA_REQUIRE_PYTHON_SOCKETIO',
  how: 'apt-get install python3-socketio python3-websocket (or set ARENA_PYTHON to a Python with python-socketio and websocket-client)',
};
export const NYU_DATA: Requirement = {
  name: 'the NYU debate dataset',
  requireEnv: 'ARENA_REQUIRE_NYU_DATA',
  how: 'get the nyu-debate-2023 data folder (debates-metadata.json, debates/official/) of github.com/julianmichael/debate and set ARENA_NYU_DATA to it, or put it at ../shared/data/nyu-debate-2023 beside the checkout',
};

/** Whether `what` is there: true; or, when it is not (`missing` says why), a failure when required, else a record and false. */
export function need(what: Requirement, test: string, missing: string | null): boolean {
  if (!missing) return true;
  if (process.env[what.requireEnv] === '1') throw new Error(`${test} needs ${what.name} (${what.requireEnv}=1): ${missing}`);
  console.warn(`${test} not run: ${missing}`);
  const file = process.env.ARENA_TEST_MISSING;
  if (file) appendFileSync(file, JSON.stringify({ name: what.name, how: what.how, test }) + '\n');
  return false;
}

/** The summary lines for the records in `file`: one per missing thing, with the tests left out and how to get it. */
export function missingSummary(file: string): string[] {
  if (!existsSync(file)) return [];
  const byName = new Map<string, { how: string; tests: Set<string> }>();
  for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const r = JSON.parse(line) as { name: string; how: string; test: string };
    const entry = byName.get(r.name) ?? { how: r.how, tests: new Set<string>() };
    entry.tests.add(r.test);
    byName.set(r.name, entry);
  }
  return [...byName].map(([name, { how, tests }]) => `not run without ${name}: ${[...tests].join('; ')}. To run them: ${how}.`);
}

/** The real NYU dataset: ARENA_NYU_DATA, or ../shared/data/nyu-debate-2023 beside the checkout. */
export const NYU_DIR = process.env.ARENA_NYU_DATA || fileURLToPath(new URL('../../../shared/data/nyu-debate-2023/', import.meta.url));

/** The real NYU dataset's folder for `test`, or null when it is not there (see `need`). */
export function nyuData(test: string): string | null {
  const ok = existsSync(join(NYU_DIR, 'debates-metadata.json')) && existsSync(join(NYU_DIR, 'debates', 'official'));
  return need(NYU_DATA, test, ok ? null : `no NYU dataset at ${NYU_DIR}`) ? NYU_DIR : null;
}

/** The Python the example agent runs with: Debian's, which has python3-socketio (a pyenv shim may lack it). */
export const PYTHON = process.env.ARENA_PYTHON ?? '/usr/bin/python3';

/** Whether PYTHON can import socketio and websocket, for `test` (see `need`). */
export async function pythonSocketio(test: string): Promise<boolean> {
  const missing = await promisify(execFile)(PYTHON, ['-c', 'import socketio, websocket']).then(
    () => null,
    (err: Error) => `${PYTHON} cannot import socketio and websocket (${err.message.split('\n').find((l) => l.includes('Error')) ?? err.message})`,
  );
  return need(PYTHON_SOCKETIO, test, missing);
}
