/**
 * `npm test`: the type check, the import rules, the client build, Vitest and Playwright, each run and
 * reported even when another failed; exits non-zero if any failed. Ends with the tests
 * that did not run for want of something (Postgres, Redis, Python's socketio, the NYU
 * dataset), how to get each, and one line `tests: N passed, N failed` (CI reads it).
 *
 *   node scripts/test.ts                        everything
 *   node scripts/test.ts --only vitest,e2e      some parts (typecheck, imports, build, vitest, e2e)
 *   node scripts/test.ts --only vitest -- ARGS  Vitest with ARGS (files, --project fast…)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { missingSummary } from '../tests/helpers/requirements.ts';
import { buildClient, staleReason } from './client-build.ts';

const ROOT = join(import.meta.dirname, '..');
const PARTS = ['typecheck', 'imports', 'build', 'vitest', 'e2e'] as const;
type Part = (typeof PARTS)[number];

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const vitestArgs = dash < 0 ? [] : argv.slice(dash + 1);
const own = dash < 0 ? argv : argv.slice(0, dash);
const onlyAt = own.indexOf('--only');
const only = onlyAt < 0 ? [...PARTS] : (own[onlyAt + 1] ?? '').split(',');
for (const p of only) if (!PARTS.includes(p as Part)) throw new Error(`unknown part "${p}" (parts: ${PARTS.join(', ')})`);

const temp = mkdtempSync(join(tmpdir(), 'arena-test-'));
// This Node (24, from node_modules when the system's is older) and the project's bins first, for every part.
const env = {
  ...process.env,
  PATH: [dirname(process.execPath), join(ROOT, 'node_modules', '.bin'), process.env.PATH].join(delimiter),
  ARENA_TEST_MISSING: join(temp, 'missing.jsonl'),
};

/** Runs a command with the output shown; resolves to its exit code. */
function run(cmd: string, args: string[], extraEnv: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: 'inherit', env: { ...env, ...extraEnv } });
    child.on('error', (err) => {
      console.error(`${cmd}: ${err.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
const bin = (path: string) => join(ROOT, 'node_modules', path);

interface Outcome {
  part: Part;
  ok: boolean;
  passed: number;
  failed: number;
  skipped: number;
  seconds: number;
  note?: string;
}

async function part(name: Part, body: () => Promise<Omit<Outcome, 'part' | 'seconds'>>): Promise<Outcome> {
  const t0 = performance.now();
  console.log(`\n── ${name} ──`);
  const out = await body().catch((err: unknown) => ({ ok: false, passed: 0, failed: 1, skipped: 0, note: (err as Error).message }));
  return { part: name, seconds: (performance.now() - t0) / 1000, ...out };
}

/** A step with no test count of its own: one failure when it fails. */
const step = (code: number) => ({ ok: code === 0, passed: 0, failed: code === 0 ? 0 : 1, skipped: 0 });

const outcomes: Outcome[] = [];
if (only.includes('typecheck')) {
  outcomes.push(await part('typecheck', async () => step((await run(process.execPath, [bin('typescript/bin/tsc'), '-p', '.'])) || (await run(process.execPath, [bin('typescript/bin/tsc'), '-p', 'client'])))));
}
if (only.includes('imports')) {
  // The architecture's import rules (.dependency-cruiser.cjs): no loop among files, no import up a layer.
  const depcruise = bin('dependency-cruiser/bin/dependency-cruiser.mjs');
  outcomes.push(await part('imports', async () => step(await run(process.execPath, [depcruise, 'server/src', 'shared/src', 'sdk/src', 'client/src', 'scripts', '--config', '.dependency-cruiser.cjs']))));
}
if (only.includes('build')) {
  outcomes.push(
    await part('build', async () => {
      const reason = staleReason();
      console.log(reason ? `building client: ${reason}` : 'client up to date');
      if (reason) buildClient();
      return step(0);
    }),
  );
}
if (only.includes('vitest')) {
  outcomes.push(
    await part('vitest', async () => {
      const file = join(temp, 'vitest.json');
      const code = await run(process.execPath, [bin('vitest/vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${file}`, ...vitestArgs]);
      const r = readJson<{ numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number; numFailedTestSuites: number }>(file);
      if (!r) return { ...step(code || 1), note: 'no Vitest report' };
      // A file that fails before its tests (an import, a hook) counts as one failure.
      const failed = r.numFailedTests || (code !== 0 ? Math.max(r.numFailedTestSuites, 1) : 0);
      return { ok: code === 0, passed: r.numPassedTests, failed, skipped: r.numPendingTests + r.numTodoTests };
    }),
  );
}
if (only.includes('e2e')) {
  outcomes.push(
    await part('e2e', async () => {
      const file = join(temp, 'playwright.json');
      const code = await run(process.execPath, [bin('@playwright/test/cli.js'), 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: file });
      const r = readJson<{ stats: { expected: number; unexpected: number; flaky: number; skipped: number } }>(file);
      if (!r) return { ...step(code || 1), note: 'no Playwright report' };
      const failed = r.stats.unexpected || (code !== 0 ? 1 : 0);
      return { ok: code === 0, passed: r.stats.expected + r.stats.flaky, failed, skipped: r.stats.skipped };
    }),
  );
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

const missing = missingSummary(env.ARENA_TEST_MISSING);
rmSync(temp, { recursive: true, force: true });
console.log('');
for (const o of outcomes) {
  const counts = o.part === 'vitest' || o.part === 'e2e' ? `: ${o.passed} passed, ${o.failed} failed${o.skipped ? `, ${o.skipped} not run` : ''}` : '';
  console.log(`${o.part} ${o.ok ? 'ok' : 'FAILED'}${counts} (${o.seconds.toFixed(0)} s)${o.note ? ` — ${o.note}` : ''}`);
}
for (const line of missing.length ? missing : ['not run for want of something: nothing']) console.log(line);
const passed = outcomes.reduce((n, o) => n + o.passed, 0);
const failed = outcomes.reduce((n, o) => n + o.failed, 0);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(outcomes.every((o) => o.ok) ? 0 : 1);
