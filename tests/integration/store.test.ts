import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { postgresFor, TEST_DATABASE_URL } from '../helpers/services.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply, replay, type Action, type Actor, type DebateEvent, type DebateState } from '@arena/shared';
import { openStore, type StoreOptions } from '../../server/src/store/open.ts';
import type { Store } from '../../server/src/store/store.ts';
import { newDebate } from '../helpers/fixtures.ts';

/**
 * The same tests run on the embedded database and on a real Postgres server.
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

function play(state: DebateState, steps: [Actor, Action][]): { state: DebateState; events: DebateEvent[] } {
  const events: DebateEvent[] = [];
  for (const [seat, action] of steps) {
    const at = 1_700_000_000_000 + events.length * 1000;
    const r = apply(state, action, seat, at);
    if (!r.ok) throw new Error(r.refusal.message);
    events.push({ seq: state.lastSeq + 1, at, seat, action });
    state = r.state;
  }
  return { state, events };
}

const judge = (p: number[], end = false): Action => ({ type: 'judge', probabilities: p, end });

for (const backend of backends) {
  describe.skipIf(!backend.enabled)(`the store on ${backend.name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await openStore(backend.options());
    });
    afterAll(async () => {
      await store.close();
      if (backend.name === 'postgres') {
        const client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        await client.query(`DROP SCHEMA ${schema} CASCADE`);
        await client.end();
      }
    });

    it('migrates once: a second run applies nothing', async () => {
      expect(await store.migrate()).toEqual([]);
    });

    it('stores a header and appended events, and replays them to the live final state', async () => {
      const s0 = newDebate('debate', `store-${backend.name}`);
      expect(await store.createDebate(s0.header)).toBe(true);
      expect(await store.createDebate(s0.header)).toBe(false);
      const { state, events } = play(s0, [
        ['system', { type: 'start' }],
        ['judge', judge([0.5, 0.5])],
        ['A', { type: 'speech', text: 'I quote <quote>nothing to burn</quote>.' }],
        ['B', { type: 'speech', segments: [{ text: 'See ' }, { quote: [0, 4] }] }],
        ['judge', judge([0.35, 0.65], true)],
      ]);
      let live = s0;
      for (const e of events) {
        const r = apply(live, e.action, e.seat, e.at);
        if (!r.ok) throw new Error(r.refusal.message);
        live = r.state;
        await store.appendEvent(s0.header.id, { ...e, meta: { note: 'kept' } }, live.status, live.verdict);
      }
      const record = (await store.getTranscript(s0.header.id))!;
      expect(record.header).toEqual(s0.header);
      expect(record.events.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
      expect(record.events[2]!.meta).toEqual({ note: 'kept' });
      expect(record.status).toBe('finished');
      expect(record.verdict).toEqual(state.verdict);
      expect(replay(record.header, record.events)).toEqual(state);
      const [summary] = await store.listDebates({ status: 'finished', preset: 'debate' });
      expect(summary).toMatchObject({ id: s0.header.id, status: 'finished', outcome: { correct: state.verdict!.correct } });
    });

    it('refuses a second event with the same seq and keeps the first', async () => {
      const s0 = newDebate('blind', `dup-${backend.name}`);
      await store.createDebate(s0.header);
      const { events, state } = play(s0, [['system', { type: 'start' }]]);
      await store.appendEvent(s0.header.id, events[0]!, state.status, null);
      await expect(store.appendEvent(s0.header.id, { ...events[0]!, seat: 'judge' }, 'finished', null)).rejects.toThrow();
      const record = (await store.getTranscript(s0.header.id))!;
      expect(record.events).toHaveLength(1);
      expect(record.events[0]!.seat).toBe('system');
      expect(record.status).toBe('running');
    });

    it('writes appends that arrive together in one go, and a bad one fails alone', async () => {
      const debates = Array.from({ length: 40 }, (_, i) => newDebate('blind', `group-${backend.name}-${i}`));
      for (const d of debates) await store.createDebate(d.header);
      const start = (d: DebateState) => play(d, [['system', { type: 'start' }]]);
      const first = debates.map((d) => ({ d, ...start(d) }));
      await Promise.all(first.map(({ d, events, state }) => store.appendEvent(d.header.id, events[0]!, state.status, null)));
      // All at once again, one of them reusing a taken seq.
      const results = await Promise.allSettled(
        first.map(({ d, events, state }, i) => {
          const r = apply(state, judge([0.7, 0.3], true), 'judge', 5);
          if (!r.ok) throw new Error(r.refusal.message);
          return store.appendEvent(d.header.id, { seq: i === 7 ? 0 : 1, at: 5, seat: 'judge', action: judge([0.7, 0.3], true) }, r.state.status, r.state.verdict);
        }),
      );
      expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
      expect(results[7]!.status).toBe('rejected');
      const bad = (await store.getTranscript(debates[7]!.header.id))!;
      expect(bad.events).toHaveLength(1);
      expect(bad.status).toBe('running');
      const good = (await store.getTranscript(debates[8]!.header.id))!;
      expect(good.events).toHaveLength(2);
      expect(good.status).toBe('finished');
    });

    it('saves whole transcripts once, filters and pages through them', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const s0 = newDebate(i % 2 ? 'blind' : 'consultancy', `bulk-${i}`);
        const { state, events } =
          i % 2
            ? play(s0, [['system', { type: 'start' }], ['judge', judge([0.6, 0.4], true)]])
            : play(s0, [['system', { type: 'start' }]]);
        const record = { header: { ...s0.header, source: { name: 'bulk' } }, events, status: state.status, verdict: state.verdict };
        expect(await store.saveTranscript(record)).toBe(true);
        expect(await store.saveTranscript(record)).toBe(false);
        ids.push(s0.header.id);
      }
      expect(await store.countDebates({ source: 'bulk' })).toBe(5);
      expect(await store.countDebates({ source: 'bulk', preset: 'blind', status: 'finished' })).toBe(2);
      const seen: string[] = [];
      for await (const r of store.transcripts({ source: 'bulk' }, 2)) seen.push(r.header.id);
      expect(seen.sort()).toEqual([...ids].sort());
    });

    it('keeps seat tokens and lets exactly one client claim an open seat', async () => {
      const s0 = newDebate('debate', `tokens-${backend.name}`);
      await store.createDebate(s0.header);
      await store.setSeatTokens(s0.header.id, { A: 'tok-a', judge: 'tok-j' });
      const claims = await Promise.all([store.claimSeat(s0.header.id, 'A'), store.claimSeat(s0.header.id, 'A')]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect((await store.seatTokens(s0.header.id)).get('A')).toEqual({ token: 'tok-a', claimed: true });
    });
  });
}

describe('the embedded database on disk', () => {
  it('keeps transcripts across a restart, refuses a second server while open, and shares with the CLI', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'arena-store-')), 'db');
    const s0 = newDebate('blind', 'disk-1');
    const first = await openStore({ dataDir, exclusive: true });
    await first.createDebate(s0.header);
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
