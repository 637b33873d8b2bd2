/**
 * `arena study launch|close` and `arena agents` against a real server: the address comes
 * from --server or --url alike, else localhost:$PORT, and a server that does not answer
 * is named in the error.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXAMPLE_SPEC } from '../../server/src/studies/example.ts';
import { parseSpec, type StudySpec } from '../../server/src/studies/spec.ts';
import { RESEARCHER_TOKEN, startArena, type TestArena } from '../helpers/arena.ts';
import { runArena } from '../helpers/cli.ts';

let t: TestArena;
const base = parseSpec(EXAMPLE_SPEC);
const specFile = (id: string) => {
  const spec: StudySpec = { ...base, id, scenarios: { packs: [], ids: ['the-lantern-room', 'log-of-the-petrel', 'the-quiet-relay'] }, itemsPerParticipant: 3, judgementsPerCell: 1 };
  const file = join(mkdtempSync(join(tmpdir(), 'arena-study-cli-')), `${id}.json`);
  writeFileSync(file, JSON.stringify(spec));
  return file;
};

/** A port nothing listens on. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

beforeAll(async () => {
  t = await startArena();
});
afterAll(async () => t?.close());
afterEach(() => vi.unstubAllEnvs());

describe('the study commands find the server', () => {
  it('on localhost:$PORT by default, at --server or --url when given', async () => {
    delete process.env.ARENA_SERVER;
    vi.stubEnv('PORT', String(t.port));
    const launched = await runArena('study', 'launch', specFile('cli-default'), '--token', RESEARCHER_TOKEN);
    expect(launched).toContain(`study link for your panel: http://localhost:${t.port}/s/cli-default`);
    expect(await runArena('study', 'pause', 'cli-default', '--token', RESEARCHER_TOKEN)).toBe('cli-default: paused');

    vi.stubEnv('PORT', String(await freePort()));
    expect(await runArena('study', 'close', 'cli-default', '--url', t.http, '--token', RESEARCHER_TOKEN)).toBe('cli-default: closed');
    const other = await runArena('study', 'launch', specFile('cli-server'), '--server', t.http, '--token', RESEARCHER_TOKEN);
    expect(other).toContain(`study link for your panel: ${t.http}/s/cli-server`);
    // arena agents takes --server as well as --url.
    expect(await runArena('agents', 'keys', 'list', '--server', t.http, '--token', RESEARCHER_TOKEN)).toBe('no keys');
    await expect(runArena('study', 'close', 'cli-server', '--server', t.http, '--url', 'http://elsewhere:1', '--token', RESEARCHER_TOKEN)).rejects.toThrow(/--server .* and --url .* disagree/);
  });

  it('name the address they tried when nothing answers there', async () => {
    const port = await freePort();
    vi.stubEnv('PORT', String(port));
    delete process.env.ARENA_SERVER;
    const tried = `http://localhost:${port}`;
    const hint = /could not reach the server at http:\/\/localhost:\d+ \(ECONNREFUSED\).*--server <url> \(or --url\), or set PORT/;
    await expect(runArena('study', 'launch', specFile('cli-down'), '--token', RESEARCHER_TOKEN)).rejects.toThrow(hint);
    await expect(runArena('study', 'close', 'cli-down', '--token', RESEARCHER_TOKEN)).rejects.toThrow(tried);
    await expect(runArena('agents', 'status', '--token', RESEARCHER_TOKEN)).rejects.toThrow(tried);
    await expect(runArena('study', 'close', 'cli-down', '--server', `http://127.0.0.1:${port}`, '--token', RESEARCHER_TOKEN)).rejects.toThrow(`could not reach the server at http://127.0.0.1:${port}`);
  });
});
