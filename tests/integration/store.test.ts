import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { postgresFor, TEST_DATABASE_URL } from '../helpers/services.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../server/src/store/migrations.ts';
import { openSql, openStore, type StoreOptions } from '../../server/src/store/open.ts';
import type { Sql } from '../../server/src/store/sql.ts';
import { newDebate } from '../helpers/fixtures.ts';

/**
 * What the stores keep is checked on every implementation by store-contract.test.ts;
 * here, what only the databases do: migrations (on the embedded database and on a real
 * Postgres server) and the embedded database's folder.
 * Postgres comes from ARENA_TEST_DATABASE_URL (default: the local server at
 * 127.0.0.1:5432). Without a reachable server the Postgres half says it is skipped,
 * unless ARENA_REQUIRE_POSTGRES=1 (CI), where that is a failure.
 */
const PG_URL = TEST_DATABASE_URL;
const pgUp = !(await postgresFor('the Postgres store tests'));
const schema = `arena_test_${process.pid}_${Date.now()}`;

const backends: { name: string; options: () => StoreOptions; enabled: boolean }[] = [
  { name: 'embedded', options: () => ({}), enabled: true },
  { name: 'postgres', options: () => ({ databaseUrl: PG_URL, schema }), enabled: pgUp },
];

for (const backend of backends) {
  describe.skipIf(!backend.enabled)(`the database on ${backend.name}`, () => {
    let sql: Sql;
    beforeAll(async () => {
      sql = await openSql(backend.options());
    });
    afterAll(async () => {
      await sql.close();
      if (backend.name === 'postgres') {
        const client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        await client.query(`DROP SCHEMA ${schema} CASCADE`);
        await client.end();
      }
    });

    it('migrates once: a second run applies nothing', async () => {
      expect(await migrate(sql)).toEqual([]);
    });
  });
}

describe('the embedded database on disk', () => {
  it('keeps transcripts across a restart, refuses a second server while open, and shares with the CLI', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'arena-store-')), 'db');
    const s0 = newDebate('blind', 'disk-1');
    const first = await openStore({ dataDir, exclusive: true });
    await first.createDebate(s0.header, 'waiting', null, 'private');
    // One server at a time: a second one is refused with a reason naming the folder.
    await expect(openStore({ dataDir, exclusive: true })).rejects.toThrow(`the embedded database in ${dataDir} is in use by process ${process.pid} (this one)`);
    // The CLI opens without the server lock and sees the server's writes.
    const cli = await openStore({ dataDir });
    expect((await cli.getTranscript(s0.header.id))?.header).toEqual(s0.header);
    await cli.close();
    await first.close();
    const second = await openStore({ dataDir, exclusive: true });
    expect((await second.getTranscript(s0.header.id))?.header).toEqual(s0.header);
    await second.close();
    // Only the server's user may read the files.
    for (const f of readdirSync(dataDir)) expect(statSync(join(dataDir, f)).mode & 0o077).toBe(0);
  });
});
