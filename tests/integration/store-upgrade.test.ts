import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { apply, type Action, type Actor, type DebateEvent } from '@arena/shared';
import { MIGRATIONS } from '../../server/src/store/migrations.ts';
import { openStore } from '../../server/src/store/open.ts';
import { runArena } from '../helpers/cli.ts';
import { newDebate } from '../helpers/fixtures.ts';

describe('a data folder of the old embedded format (PGlite)', () => {
  it('is refused with a message naming the upgrade, and `arena store upgrade` copies everything over', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'arena-upgrade-')), 'db');
    // The old format, written the way the previous version wrote it.
    const s0 = newDebate('blind', 'old-1');
    let state = s0;
    const events: DebateEvent[] = [];
    const steps: [Actor, Action][] = [
      ['system', { type: 'start' }],
      ['judge', { type: 'judge', probabilities: [0.8, 0.2], end: true }],
    ];
    for (const [seat, action] of steps) {
      const r = apply(state, action, seat, 1000 + events.length);
      if (!r.ok) throw new Error(r.refusal.message);
      events.push({ seq: events.length, at: 1000 + events.length, seat, action, ...(events.length ? { meta: { via: 'old' } } : {}) });
      state = r.state;
    }
    const old = await PGlite.create(dir);
    for (const m of MIGRATIONS) for (const statement of m.sql.split(';').map((s) => s.trim()).filter(Boolean)) await old.query(statement);
    const h = s0.header;
    await old.query(
      `INSERT INTO debates (id, header, status, verdict, scenario_id, pack, preset, source, created_at, updated_at, visibility) VALUES ($1, $2, $3, $4, $5, null, $6, null, 5, 6, 'private')`,
      [h.id, h, state.status, state.verdict, h.scenario.id, h.rules.preset],
    );
    for (const e of events) await old.query('INSERT INTO events VALUES ($1, $2, $3, $4, $5, $6)', [h.id, e.seq, e.at, e.seat, e.action, e.meta ?? null]);
    await old.query(`INSERT INTO seat_tokens VALUES ($1, 'judge', 'tok-j', true)`, [h.id]);
    await old.close();

    await expect(openStore({ dataDir: dir, exclusive: true })).rejects.toThrow(`npx arena store upgrade ${dir}`);
    expect(await runArena('store', 'upgrade', dir)).toContain(`1 debates, 2 events and 1 seat tokens copied; the old folder is kept as ${dir}.pglite`);
    expect(existsSync(join(`${dir}.pglite`, 'PG_VERSION'))).toBe(true);

    const store = await openStore({ dataDir: dir, exclusive: true });
    const record = (await store.getTranscript(h.id))!;
    expect(record).toEqual({ header: h, status: 'finished', verdict: state.verdict, events });
    expect((await store.seatTokens(h.id)).get('judge')).toEqual({ token: 'tok-j', claimed: true });
    expect((await store.summary(h.id))?.visibility).toBe('private');
    await store.close();
  }, 60_000);
});
