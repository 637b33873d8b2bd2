import { describe, expect, it } from 'vitest';
import { openSqlite, toSqlite } from '../../server/src/store/sqlite.ts';

describe('the SQLite connection in its own thread', () => {
  it('keeps a query from elsewhere out of an open transaction', async () => {
    const sql = await openSqlite(':memory:');
    try {
      await sql.query('CREATE TABLE t (v text)');
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let inserted!: () => void;
      const insertedYet = new Promise<void>((resolve) => (inserted = resolve));
      const tx = sql
        .transaction(async (t) => {
          await t.query('INSERT INTO t VALUES ($1)', ['uncommitted']);
          inserted();
          await held;
          throw new Error('changed my mind');
        })
        .catch((e: Error) => e.message);
      // Sent while the transaction is open: it must wait, not read the uncommitted row.
      await insertedYet;
      const outside = sql.query<{ n: number }>('SELECT count(*) AS n FROM t');
      await new Promise((r) => setTimeout(r, 20));
      release();
      expect(await tx).toBe('changed my mind');
      expect(await outside).toEqual([{ n: 0 }]);
      // A batch is all or nothing.
      await expect(sql.batch([{ text: 'INSERT INTO t VALUES ($1)', params: ['a'] }, { text: 'INSERT INTO nowhere VALUES (1)' }])).rejects.toThrow(/no such table: nowhere/);
      expect(await sql.query('SELECT v FROM t')).toEqual([]);
    } finally {
      await sql.close();
    }
  });

  it('spells the shared SQL the SQLite way', () => {
    expect(toSqlite('SELECT $1, $12 FROM x WHERE a::text = $2')).toBe('SELECT ?1, ?12 FROM x WHERE a::text = ?2');
    expect(toSqlite('header jsonb NOT NULL, at double precision')).toBe('header text NOT NULL, at real');
    expect(toSqlite('UPDATE t SET flags = $3::jsonb')).toBe('UPDATE t SET flags = ?3');
  });
});
