import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../helpers/fake-llm-server.ts';

const run = promisify(execFile);
/** Runs the real `arena` command (bin/arena.js through npx), with the given environment. */
async function arena(args: string[], env: Record<string, string> = {}) {
  const { stdout, stderr } = await run('npx', ['--no-install', 'arena', ...args], {
    cwd: process.cwd(),
    env: { ...process.env, DATABASE_URL: '', ...env },
    timeout: 120_000,
  });
  return { stdout, stderr };
}

describe('arena selfplay and arena report on the command line', () => {
  let dir: string;
  let server: FakeLlmServer;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'arena-selfplay-'));
    server = await startFakeLlmServer();
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints its help', async () => {
    const { stdout } = await arena(['selfplay', '--help']);
    expect(stdout).toMatch(/--presets/);
    expect(stdout).toMatch(/builtin:passage-judge/);
  }, 60_000);

  it('plays built-in and configured LLM judges into the data folder, resumes, and reports', async () => {
    const agentsFile = path.join(dir, 'agents.json');
    writeFileSync(
      agentsFile,
      JSON.stringify({ agents: { 'local-judge': { provider: 'openai', model: 'fake-local', baseURL: server.openaiBaseURL, maxTokens: 200, timeoutMs: 5000 } } }),
    );
    const common = ['--scenario', 'the-lantern-room,the-quiet-relay', '--presets', 'debate,blind', '--seeds', '2', '--data-dir', path.join(dir, 'data')];
    const first = await arena(['selfplay', ...common, '--judges', 'builtin:passage-judge,local-judge', '--json'], { ARENA_AGENTS: agentsFile });
    const summary = JSON.parse(first.stdout) as { planned: number; played: number; failed: number };
    expect(summary).toMatchObject({ planned: 16, played: 16, failed: 0 });
    expect(server.requests.length).toBeGreaterThan(0);
    const again = JSON.parse((await arena(['selfplay', ...common, '--judges', 'builtin:passage-judge,local-judge', '--json'], { ARENA_AGENTS: agentsFile })).stdout) as { skipped: number; played: number };
    expect(again).toMatchObject({ skipped: 16, played: 0 });
    const report = JSON.parse((await arena(['report', '--data-dir', path.join(dir, 'data'), '--source', 'selfplay', '--json'])).stdout) as {
      finished: number;
      byProtocol: { preset: string; n: number }[];
      byAgent: { judge: string }[];
    };
    expect(report.finished).toBe(16);
    expect(report.byProtocol.map((g) => [g.preset, g.n])).toEqual([['debate', 8], ['blind', 8]]);
    expect(new Set(report.byAgent.map((g) => g.judge))).toEqual(new Set(['builtin:passage-judge', 'local-judge']));
    const text = (await arena(['report', '--data-dir', path.join(dir, 'data')])).stdout;
    expect(text).toMatch(/debate − blind/);
    // Four runs of the command, each starting Node and opening the store.
  }, 240_000);

  it('names the unknown agent and exits non-zero', async () => {
    await expect(arena(['selfplay', '--judges', 'no-such-judge', '--data-dir', path.join(dir, 'data2')])).rejects.toMatchObject({
      stderr: expect.stringMatching(/unknown agent "no-such-judge"/),
    });
    // A remote agent is refused with where it can play instead.
    await expect(arena(['selfplay', '--judges', 'remote:lab-model', '--data-dir', path.join(dir, 'data3')])).rejects.toMatchObject({
      stderr: expect.stringMatching(/remote:lab-model: remote agents play in a running server's live debates \(create them with POST \/api\/debates\)/),
    });
  }, 60_000);
});
