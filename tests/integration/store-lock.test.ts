import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { runArena } from '../helpers/cli.ts';
import { RESEARCHER_TOKEN } from '../helpers/arena.ts';
import { createDebateOn, failedServerProcess, startServerProcess } from '../helpers/server-process.ts';

/**
 * One server process per embedded data folder, enforced by an OS lock that dies
 * with its process: no PID file to go stale, so neither a reused PID nor a restart
 * as PID 1 (in a container) keeps a server from starting.
 */
describe('the embedded data folder lock, with real server processes', () => {
  it('refuses a second server naming the folder, shares with the CLI, and outlives a SIGKILL and reused PIDs', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'arena-lock-'));
    const env = { ARENA_DATA_DIR: dataDir, ARENA_RESEARCHER_TOKEN: RESEARCHER_TOKEN, DATABASE_URL: undefined };
    const first = await startServerProcess(env);
    const firstPid = first.child.pid!;
    try {
      await createDebateOn(first, { scenarioId: 'the-lantern-room', preset: 'debate' });
      const second = await failedServerProcess(env);
      expect(second.code).toBe(1);
      expect(second.output).toContain(`the embedded database in ${join(dataDir, 'db')} is in use by process ${firstPid}`);
      // The CLI reads (and may write) the same database while the server runs.
      const report = JSON.parse(await runArena('report', '--data-dir', dataDir, '--json')) as { debates: number };
      expect(report.debates).toBe(1);
    } finally {
      await first.kill('SIGKILL');
    }
    // The lock file stays behind, naming the dead server; make it name live processes instead:
    // the test runner itself and PID 1, as after a reused PID or a container restart.
    const lockFile = join(dataDir, 'db', 'server.lock');
    const db = new DatabaseSync(lockFile);
    expect(db.prepare('SELECT pid FROM lock_owner').all()).toEqual([{ pid: firstPid }]);
    db.exec(`DELETE FROM lock_owner; INSERT INTO lock_owner VALUES (${process.pid}, 0), (1, 0)`);
    db.close();
    const third = await startServerProcess(env);
    const health = (await (await fetch(`${third.http}/api/health`, { headers: { authorization: `Bearer ${RESEARCHER_TOKEN}` } })).json()) as { ok: boolean; store: string };
    expect(health).toMatchObject({ ok: true, store: 'embedded' });
    await third.kill('SIGKILL');
  }, 60_000);
});
