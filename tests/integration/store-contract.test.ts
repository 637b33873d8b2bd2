import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply, replay, type Action, type Actor, type DebateEvent, type DebateHeader, type DebateState } from '@arena/shared';
import { hashAgentKey } from '../../server/src/store/agent-keys.ts';
import { openSql } from '../../server/src/store/open.ts';
import { OwnershipLost } from '../../server/src/store/store.ts';
import type { Sql } from '../../server/src/store/sql.ts';
import { openStores, storesOver, type Stores } from '../../server/src/stores.ts';
import type { ItemRow, ParticipantRow } from '../../server/src/studies/study-store.ts';
import { studyTranscripts } from '../../server/src/studies/study-store.ts';
import type { Slot } from '../../server/src/studies/assignment.ts';
import type { StudySpec } from '../../server/src/studies/spec.ts';
import { freshSchema, postgresFor } from '../helpers/services.ts';
import { newDebate } from '../helpers/fixtures.ts';

/**
 * One contract for every implementation of the stores: in memory, the embedded SQLite
 * database, and a real Postgres server (its own schema; skipped with a warning when no
 * Postgres answers, a failure when ARENA_REQUIRE_POSTGRES=1). The SQL ones are also
 * read directly (`raw`) where the contract is about what is kept on disk.
 */
const pgUp = !(await postgresFor('the Postgres store contract'));

interface Backend {
  name: string;
  enabled: boolean;
  open(): Promise<{ stores: Stores; raw: Sql | null; drop?: () => Promise<void> }>;
}

const backends: Backend[] = [
  { name: 'memory', enabled: true, open: async () => ({ stores: await openStores({ memory: true }), raw: null }) },
  {
    name: 'embedded',
    enabled: true,
    open: async () => {
      const sql = await openSql({});
      return { stores: storesOver(sql), raw: sql };
    },
  },
  {
    name: 'postgres',
    enabled: pgUp,
    open: async () => {
      const schema = await freshSchema(`arena_contract_${process.pid}_${Date.now()}`);
      const sql = await openSql({ databaseUrl: schema.url });
      return { stores: storesOver(sql), raw: sql, drop: schema.drop };
    },
  },
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

/** A header of a fresh debate, created at `createdAt`, with some of its fields replaced. */
function headerAt(name: string, createdAt: number, extra: Partial<DebateHeader> = {}): DebateHeader {
  const h = newDebate('debate', name).header;
  return { ...h, id: `${h.id}-${name}`, createdAt, ...extra };
}

describe.each(backends.filter((b) => b.enabled))('the stores on $name', (backend) => {
  let stores: Stores;
  let raw: Sql | null;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ stores, raw, drop } = await backend.open());
  });
  afterAll(async () => {
    await stores.close();
    await drop?.();
  });

  describe('debates', () => {
    it('stores a header and appended events, and replays them to the live final state', async () => {
      const store = stores.debates;
      const s0 = newDebate('debate', `store-${backend.name}`);
      expect(await store.createDebate(s0.header, 'waiting', null, 'public')).toBe(true);
      expect(await store.createDebate(s0.header, 'waiting', null, 'public')).toBe(false);
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
      // The summary follows the last event.
      expect(summary).toMatchObject({ scenarioId: s0.header.scenario.id, title: s0.header.scenario.title, preset: 'debate', source: null, visibility: 'public', createdAt: 0, updatedAt: events.at(-1)!.at });
      expect(await store.summary(s0.header.id)).toEqual(summary);
      expect(await store.summary('no-such-debate')).toBeNull();
      expect(await store.getTranscript('no-such-debate')).toBeNull();
    });

    it('refuses a second event with the same seq and keeps the first', async () => {
      const store = stores.debates;
      const s0 = newDebate('blind', `dup-${backend.name}`);
      await store.createDebate(s0.header, 'waiting', null, 'public');
      const { events, state } = play(s0, [['system', { type: 'start' }]]);
      await store.appendEvent(s0.header.id, events[0]!, state.status, null);
      await expect(store.appendEvent(s0.header.id, { ...events[0]!, seat: 'judge' }, 'finished', null)).rejects.toThrow();
      const record = (await store.getTranscript(s0.header.id))!;
      expect(record.events).toHaveLength(1);
      expect(record.events[0]!.seat).toBe('system');
      expect(record.status).toBe('running');
    });

    it('refuses an event of a debate it does not have', async () => {
      const { events } = play(newDebate('blind', 'orphan'), [['system', { type: 'start' }]]);
      await expect(stores.debates.appendEvent('no-such-debate', events[0]!, 'running', null)).rejects.toThrow();
      expect(await stores.debates.exists('no-such-debate')).toBe(false);
    });

    it('fences appends by the owner epoch: once another claims the debate, the old owner stores nothing', async () => {
      const store = stores.debates;
      const s0 = newDebate('debate', `fence-${backend.name}`);
      await store.createDebate(s0.header, 'waiting', null, 'public');
      const { events, state } = play(s0, [
        ['system', { type: 'start' }],
        ['judge', judge([0.5, 0.5])],
        ['A', { type: 'speech', text: 'From the new owner.' }],
      ]);
      expect(await store.claimDebate('no-such-debate')).toBeNull();
      const first = (await store.claimDebate(s0.header.id))!;
      await store.appendEvent(s0.header.id, events[0]!, 'running', null, first);
      // Another process takes the debate over.
      const second = (await store.claimDebate(s0.header.id))!;
      expect(second).toBeGreaterThan(first);
      // The old owner's next append stores nothing, neither the event nor the debate's new status.
      const stale = store.appendEvent(s0.header.id, events[1]!, 'finished', null, first);
      await expect(stale).rejects.toThrow(OwnershipLost);
      let record = (await store.getTranscript(s0.header.id))!;
      expect(record.events.map((e) => e.seq)).toEqual([0]);
      expect(record.status).toBe('running');
      // The new owner carries on from the same history; in one batch, a stale append fails alone.
      const together = [store.appendEvent(s0.header.id, events[1]!, 'running', null, second), store.appendEvent(s0.header.id, events[2]!, state.status, null, first)];
      const settled = await Promise.allSettled(together);
      expect(settled[0]!.status).toBe('fulfilled');
      expect(settled[1]!.status === 'rejected' && settled[1]!.reason).toBeInstanceOf(OwnershipLost);
      record = (await store.getTranscript(s0.header.id))!;
      expect(record.events.map((e) => [e.seq, e.seat])).toEqual([
        [0, 'system'],
        [1, 'judge'],
      ]);
    });

    it('writes appends that arrive together in one go, and a bad one fails alone', async () => {
      const store = stores.debates;
      const debates = Array.from({ length: 40 }, (_, i) => newDebate('blind', `group-${backend.name}-${i}`));
      for (const d of debates) await store.createDebate(d.header, 'waiting', null, 'public');
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
      const store = stores.debates;
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const s0 = newDebate(i % 2 ? 'blind' : 'consultancy', `bulk-${i}`);
        const { state, events } =
          i % 2
            ? play(s0, [['system', { type: 'start' }], ['judge', judge([0.6, 0.4], true)]])
            : play(s0, [['system', { type: 'start' }]]);
        const record = { header: { ...s0.header, source: { name: 'bulk' } }, events, status: state.status, verdict: state.verdict };
        expect(await store.saveTranscript(record, 'public')).toBe(true);
        expect(await store.saveTranscript(record, 'public')).toBe(false);
        ids.push(s0.header.id);
      }
      expect(await store.countDebates({ source: 'bulk' })).toBe(5);
      expect(await store.countDebates({ source: 'bulk', preset: 'blind', status: 'finished' })).toBe(2);
      const seen: string[] = [];
      for await (const r of store.transcripts({ source: 'bulk' }, 2)) seen.push(r.header.id);
      expect(seen.sort()).toEqual([...ids].sort());
      // The stored transcript's last event dates it.
      const summary = (await store.summary(ids[1]!))!;
      expect(summary).toMatchObject({ source: 'bulk', status: 'finished', updatedAt: 1_700_000_001_000 });
    });

    it('iterates every transcript once, in (created_at, id) order, across pages whose rows share a time', async () => {
      const store = stores.debates;
      const made = ['tie-e', 'tie-a', 'tie-d', 'tie-b', 'tie-g', 'tie-c', 'tie-f'].map((id, i) => headerAt(id, i < 5 ? 7_000_000 : 7_000_001, { source: { name: 'ties' } }));
      for (const h of made) await store.createDebate(h, 'waiting', null, 'private');
      const seen: string[] = [];
      for await (const r of store.transcripts({ source: 'ties' }, 2)) seen.push(r.header.id);
      const byTime = (at: number) => made.filter((h) => h.createdAt === at).map((h) => h.id).sort();
      expect(seen).toEqual([...byTime(7_000_000), ...byTime(7_000_001)]);
    });

    it('saves a transcript whole or not at all', async () => {
      const s0 = newDebate('blind', 'torn');
      const { state, events } = play(s0, [['system', { type: 'start' }], ['judge', judge([0.6, 0.4], true)]]);
      const torn = { header: s0.header, events: [events[0]!, { ...events[1]!, seq: 0 }], status: state.status, verdict: state.verdict };
      await expect(stores.debates.saveTranscript(torn, 'private')).rejects.toThrow();
      expect(await stores.debates.exists(s0.header.id)).toBe(false);
      expect(await stores.debates.saveTranscript({ ...torn, events }, 'private')).toBe(true);
    });

    it('lists newest first, filters, counts and pages; iterates oldest first', async () => {
      const store = stores.debates;
      const at = (n: number) => 5_000_000 + n * 1000;
      const made = [
        headerAt('list-a', at(1), { source: { name: 'list' } }),
        headerAt('list-b', at(2), { source: { name: 'list' } }),
        headerAt('list-c', at(3), { source: { name: 'list' }, scenario: { ...newDebate('debate').header.scenario, pack: 'pack-x' } }),
        headerAt('list-d', at(4), { source: { name: 'list' } }),
      ];
      await store.createDebate(made[0]!, 'waiting', null, 'public');
      await store.createDebate(made[1]!, 'running', null, 'private');
      await store.createDebate(made[2]!, 'waiting', null, 'public');
      await store.createDebate(made[3]!, 'ended', null, 'private');
      const ids = (list: { id: string }[]) => list.map((d) => d.id);
      const [a, b, c, d] = made.map((h) => h.id) as [string, string, string, string];
      expect(ids(await store.listDebates({ source: 'list' }))).toEqual([d, c, b, a]);
      expect(ids(await store.listDebates({ source: 'list', limit: 2, offset: 1 }))).toEqual([c, b]);
      expect(ids(await store.listDebates({ source: 'list', visibility: 'public' }))).toEqual([c, a]);
      expect(ids(await store.listDebates({ source: 'list', pack: 'pack-x' }))).toEqual([c]);
      expect(ids(await store.listDebates({ source: 'list', since: at(2), until: at(4) }))).toEqual([c, b]);
      expect(ids(await store.listDebates({ source: 'list', status: 'waiting' }))).toEqual([c, a]);
      expect(await store.countDebates({ source: 'list', visibility: 'private' })).toBe(2);
      expect(await store.countDebates({ source: 'list', since: at(3) })).toBe(2);
      // Debates played here have no source.
      expect((await store.listDebates({ source: null, limit: 100_000 })).every((s) => s.source === null)).toBe(true);
      expect(await store.countDebates({ source: null })).toBeGreaterThan(0);
      const live = await store.liveDebateIds();
      expect(live.filter((id) => [a, b, c, d].includes(id))).toEqual([a, b, c]);
      const iterated: string[] = [];
      for await (const r of store.transcripts({ source: 'list' }, 3)) iterated.push(r.header.id);
      expect(iterated).toEqual([a, b, c, d]);
      const sources = await store.debateSources();
      expect(sources.filter((s) => s.source === 'list').map((s) => s.id)).toEqual([a, b, c, d]);
      const all = sources.map((s) => s.id);
      expect(all.indexOf(a)).toBeLessThan(all.indexOf(d));
    });

    it('keeps each debate public or private as its creator said, and changes it when asked', async () => {
      const store = stores.debates;
      const open = headerAt('vis-open', 1);
      const closed = headerAt('vis-closed', 2);
      await store.createDebate(open, 'waiting', null, 'public');
      await store.createDebateWithTokens(closed, { A: 'tok' }, 'private');
      expect((await store.summary(open.id))!.visibility).toBe('public');
      expect((await store.summary(closed.id))!.visibility).toBe('private');
      const listed = async () => (await store.listDebates({ visibility: 'public', limit: 100_000 })).map((s) => s.id);
      expect(await listed()).toContain(open.id);
      expect(await listed()).not.toContain(closed.id);
      await store.setVisibility(open.id, 'private');
      expect((await store.summary(open.id))!.visibility).toBe('private');
      expect(await listed()).not.toContain(open.id);
    });

    it('keeps seat tokens and lets exactly one client claim an open seat', async () => {
      const store = stores.debates;
      const s0 = newDebate('debate', `tokens-${backend.name}`);
      await store.createDebate(s0.header, 'waiting', null, 'public');
      await store.setSeatTokens(s0.header.id, { A: 'tok-a', judge: 'tok-j' });
      const claims = await Promise.all([store.claimSeat(s0.header.id, 'A'), store.claimSeat(s0.header.id, 'A')]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect((await store.seatTokens(s0.header.id)).get('A')).toEqual({ token: 'tok-a', claimed: true });
      expect((await store.seatTokens(s0.header.id)).get('judge')).toEqual({ token: 'tok-j', claimed: false });
      // A seat has one token; a seat without one cannot be claimed.
      await expect(store.setSeatTokens(s0.header.id, { A: 'tok-other' })).rejects.toThrow();
      expect((await store.seatTokens(s0.header.id)).get('A')!.token).toBe('tok-a');
      expect(await store.claimSeat(s0.header.id, 'B')).toBe(false);
    });

    it('creates a debate with its seat tokens together, and never over an existing one', async () => {
      const store = stores.debates;
      const h = headerAt('with-tokens', 3);
      await store.createDebateWithTokens(h, { A: 'tok-a', B: 'tok-b' }, 'public');
      expect(await store.exists(h.id)).toBe(true);
      expect((await store.summary(h.id))!.status).toBe('waiting');
      expect([...(await store.seatTokens(h.id))]).toEqual(expect.arrayContaining([['A', { token: 'tok-a', claimed: false }], ['B', { token: 'tok-b', claimed: false }]]));
      await expect(store.createDebateWithTokens(h, { A: 'tok-z' }, 'private')).rejects.toThrow(`debate ${h.id} exists`);
      expect((await store.seatTokens(h.id)).get('A')!.token).toBe('tok-a');
      expect((await store.summary(h.id))!.visibility).toBe('public');
    });

    it('hands out copies: changing what it returned changes nothing stored', async () => {
      const store = stores.debates;
      const h = headerAt('copies', 4, { meta: { note: 'original' } });
      await store.createDebate(h, 'waiting', null, 'public');
      const got = (await store.getTranscript(h.id))!;
      (got.header as DebateHeader).meta!.note = 'changed';
      (got.header as DebateHeader).scenario.title = 'changed';
      const again = (await store.getTranscript(h.id))!;
      expect((again.header as DebateHeader).meta).toEqual({ note: 'original' });
      expect(again.header.scenario.title).toBe(h.scenario.title);
      h.meta!.note = 'changed after storing';
      expect(((await store.getTranscript(h.id))!.header as DebateHeader).meta).toEqual({ note: 'original' });
    });

    it('finds debates by their metadata: re-judgings of an original, a study\'s debates, the candidates for re-judging', async () => {
      const store = stores.debates;
      const original = headerAt('meta-original', 10, { source: { name: 'import-x' } });
      const rejudge1 = headerAt('meta-rj1', 11, { source: { name: 'rejudge-x' }, meta: { rejudgeOf: original.id } });
      const rejudge2 = headerAt('meta-rj2', 12, { source: { name: 'rejudge-x' }, meta: { rejudgeOf: original.id } });
      const unrelated = headerAt('meta-other', 13, { source: { name: 'rejudge-x' }, meta: { rejudgeOf: 'someone-else' } });
      const studyOne = headerAt('meta-study-1', 14, { meta: { study: { id: 'study-meta', participant: 'p1' } } });
      const studyTwo = headerAt('meta-study-2', 15, { meta: { study: { id: 'study-meta', participant: 'p2' } } });
      const otherStudy = headerAt('meta-study-3', 16, { meta: { study: { id: 'study-other' } } });
      const running = headerAt('meta-running', 17);
      await store.createDebate(original, 'finished', null, 'public');
      await store.createDebate(rejudge1, 'finished', null, 'private');
      await store.createDebate(rejudge2, 'running', null, 'private');
      await store.createDebate(unrelated, 'finished', null, 'private');
      await store.createDebate(studyOne, 'finished', null, 'private');
      await store.createDebate(studyTwo, 'ended', null, 'private');
      await store.createDebate(otherStudy, 'finished', null, 'private');
      await store.createDebate(running, 'running', null, 'public');
      const rejudges = await store.debatesWithMeta('rejudge-x', 'rejudgeOf', original.id);
      expect(rejudges.map((r) => [r.id, r.status, r.createdAt])).toEqual([
        [rejudge1.id, 'finished', 11],
        [rejudge2.id, 'running', 12],
      ]);
      expect(rejudges[0]!.header).toEqual(rejudge1);
      expect(rejudges[0]!.verdict).toBeNull();
      await expect(store.debatesWithMeta('rejudge-x', "x' OR '1'='1", 'y')).rejects.toThrow('invalid meta key');
      const studied: string[] = [];
      for await (const r of studyTranscripts(store, 'study-meta')) studied.push(r.header.id);
      expect(studied).toEqual([studyOne.id, studyTwo.id]);
      expect(await store.countDebates({ meta: { 'study.id': 'study-other' } })).toBe(1);
      const stored = await store.storedDebates();
      const mine = stored.filter((r) => r.id.includes('-meta-'));
      // Over, or imported (a running re-judging has a source): oldest first.
      expect(mine.map((r) => r.id)).toEqual([original, rejudge1, rejudge2, unrelated, studyOne, studyTwo, otherStudy].map((h) => h.id));
      expect(mine.find((r) => r.id === studyOne.id)).toEqual({ id: studyOne.id, source: null, pack: null, meta: { study: { id: 'study-meta', participant: 'p1' } } });
      expect(mine.find((r) => r.id === original.id)).toEqual({ id: original.id, source: 'import-x', pack: null, meta: null });
    });

    it('lists a debate\'s forks by the parent in their header', async () => {
      const store = stores.debates;
      const root = headerAt('fork-root', 20);
      const one = headerAt('fork-one', 21, { provenance: 'fork', parent: { id: root.id, at: 3 } });
      const two = headerAt('fork-two', 22, { provenance: 'fork', parent: { id: root.id, at: 0 } });
      const grandchild = headerAt('fork-grand', 23, { provenance: 'fork', parent: { id: one.id, at: 5 } });
      for (const h of [root, one, two, grandchild]) await store.createDebate(h, 'waiting', null, 'private');
      expect((await store.listDebates({ parent: root.id })).map((d) => d.id).sort()).toEqual([one.id, two.id].sort());
      expect((await store.listDebates({ parent: one.id })).map((d) => d.id)).toEqual([grandchild.id]);
      expect(await store.countDebates({ parent: grandchild.id })).toBe(0);
      expect((await store.getTranscript(one.id))!.header.parent).toEqual({ id: root.id, at: 3 });
    });
  });

  describe('studies', () => {
    const spec = { id: 'contract-study' } as unknown as StudySpec;
    const slot = (id: string, cell: string, trial: number): Slot => ({ id, cell, condition: cell.split('|')[1]!, scenarioId: cell.split('|')[0]!, questionKey: 'q', storyKey: 's', trial, status: 'open' });
    const participant = (id: string, enteredAt: number, extra: Partial<ParticipantRow> = {}): ParticipantRow => ({
      studyId: 'st-1',
      participant: id,
      token: `token-${id}`,
      role: 'judge',
      stage: 'consent',
      outcome: null,
      position: 0,
      failedChecks: 0,
      flags: [],
      enteredAt,
      consentedAt: null,
      finishedAt: null,
      lastSeen: enteredAt,
      waitingSince: null,
      ...extra,
    });
    const item = (p: string, position: number, extra: Partial<ItemRow> = {}): ItemRow => ({
      participant: p,
      position,
      kind: 'item',
      slot: null,
      scenarioId: 'sc',
      condition: 'debate',
      debateId: null,
      status: 'pending',
      startedAt: null,
      finishedAt: null,
      ...extra,
    });

    it('creates a study and its pool once, lists and updates it', async () => {
      const db = stores.studies;
      const slots = [slot('s2', 'sc|debate', 2), slot('s1', 'sc|debate', 1), { ...slot('s3', 'sc|blind', 1), originalId: 'orig-1' }];
      expect(await db.create({ id: 'st-1', spec, specHash: 'h1', status: 'running', secret: 'sec', createdAt: 100 }, slots)).toBe(true);
      expect(await db.create({ id: 'st-1', spec, specHash: 'h2', status: 'paused', secret: 'x', createdAt: 101 }, [])).toBe(false);
      expect(await db.create({ id: 'st-2', spec, specHash: 'h2', status: 'running', secret: 'y', createdAt: 200 }, [])).toBe(true);
      expect(await db.get('st-1')).toEqual({ id: 'st-1', spec, specHash: 'h1', status: 'running', secret: 'sec', createdAt: 100, updatedAt: 100 });
      expect(await db.get('st-none')).toBeNull();
      expect((await db.list()).map((s) => s.id).filter((id) => id.startsWith('st-'))).toEqual(['st-2', 'st-1']);
      await db.setStatus('st-2', 'paused');
      const paused = (await db.get('st-2'))!;
      expect(paused.status).toBe('paused');
      expect(paused.updatedAt).toBeGreaterThan(200);
      // The pool: by cell, then trial; every slot open and never drawn.
      const pool = await db.slots('st-1');
      expect(pool.map((s) => s.id)).toEqual(['s3', 's1', 's2']);
      expect(pool[0]).toEqual({ ...slots[2], status: 'open', participant: null, draws: 0 });
      expect(pool[1]).not.toHaveProperty('originalId');
      await db.setSlot('st-1', 's1', 'assigned', 'p1');
      await db.setSlot('st-1', 's1', 'open', null);
      await db.setSlot('st-1', 's1', 'assigned', 'p2');
      await db.setSlot('st-1', 's1', 'done', 'p2');
      expect((await db.slots('st-1')).find((s) => s.id === 's1')).toMatchObject({ status: 'done', participant: 'p2', draws: 2 });
      // A top-up slot joins the pool open, in its cell's place.
      await db.addSlots('st-1', [{ ...slots[2]!, id: 's4', trial: slots[2]!.trial + 1 }]);
      const grown = await db.slots('st-1');
      expect(grown.map((s) => s.id)).toEqual(['s3', 's4', 's1', 's2']);
      expect(grown[1]).toMatchObject({ status: 'open', participant: null, draws: 0 });
    });

    it('keeps participants, their panel ids apart, and their updates', async () => {
      const db = stores.studies;
      await db.addParticipant(participant('p2', 20, { role: 'debater', stage: 'lobby', outcome: 'completed' }), { pid: 'PID-2', study: 'ps', session: null });
      await db.addParticipant(participant('p1', 10, { position: 5, flags: ['ignored'], lastSeen: 99 }), { pid: 'PID-1', study: null, session: 'sess' });
      await expect(db.addParticipant(participant('p1', 30), { pid: 'PID-x', study: null, session: null })).rejects.toThrow();
      await expect(db.addParticipant({ ...participant('p9', 1), studyId: 'st-none' }, { pid: 'PID-9', study: null, session: null })).rejects.toThrow();
      // A new participant starts at the beginning, whatever the row said.
      expect(await db.participant('st-1', 'p1')).toEqual(participant('p1', 10));
      expect(await db.participant('st-1', 'p2')).toEqual(participant('p2', 20, { role: 'debater', stage: 'lobby', outcome: 'completed' }));
      expect((await db.participantByToken('st-1', 'token-p2'))!.participant).toBe('p2');
      expect(await db.participantByToken('st-1', 'token-none')).toBeNull();
      expect(await db.participantByToken('st-2', 'token-p2')).toBeNull();
      expect((await db.participants('st-1')).map((p) => p.participant)).toEqual(['p1', 'p2']);
      await db.updateParticipant('st-1', 'p1', { stage: 'items', position: 2, failedChecks: 1, flags: ['fast', 'idle'], consentedAt: 11, lastSeen: 50, waitingSince: 45 });
      expect(await db.participant('st-1', 'p1')).toEqual(participant('p1', 10, { stage: 'items', position: 2, failedChecks: 1, flags: ['fast', 'idle'], consentedAt: 11, lastSeen: 50, waitingSince: 45 }));
      await db.updateParticipant('st-1', 'p1', { waitingSince: null, finishedAt: 60, outcome: 'completed', stage: 'done' });
      expect(await db.participant('st-1', 'p1')).toMatchObject({ waitingSince: null, finishedAt: 60, outcome: 'completed', stage: 'done', flags: ['fast', 'idle'] });
      const panel = await db.panelIds('st-1');
      expect(panel.get('p1')).toEqual({ participant: 'p1', pid: 'PID-1', study: null, session: 'sess' });
      expect(panel.get('p2')).toEqual({ participant: 'p2', pid: 'PID-2', study: 'ps', session: null });
      // The panel id is nowhere in the participant's row.
      expect(JSON.stringify(await db.participants('st-1'))).not.toContain('PID-');
    });

    it('keeps each participant\'s items in order, finds them by debate, and updates them', async () => {
      const db = stores.studies;
      await db.addItems('st-1', [item('p2', 0, { kind: 'practice' }), item('p2', 1, { slot: 's1', debateId: 'deb-1', status: 'open', startedAt: 5 }), item('p1', 0, { kind: 'debate', debateId: 'deb-1', seat: 'A' })]);
      await expect(db.addItems('st-1', [item('p1', 1), item('p1', 0)])).rejects.toThrow();
      // Nothing of a failed batch is kept.
      expect((await db.items('st-1', 'p1')).map((i) => i.position)).toEqual([0]);
      expect((await db.items('st-1')).map((i) => `${i.participant}/${i.position}`)).toEqual(['p1/0', 'p2/0', 'p2/1']);
      // A new item has no integrity signals and no answers yet.
      const fresh = { seat: null, pastes: 0, hiddenMs: 0, blurMs: 0, answers: null };
      expect(await db.items('st-1', 'p2')).toEqual([item('p2', 0, { kind: 'practice', ...fresh }), item('p2', 1, { slot: 's1', debateId: 'deb-1', status: 'open', startedAt: 5, ...fresh })]);
      // The judge's item first, then each recruited debater's.
      const byDebate = await db.itemsByDebate('deb-1');
      expect(byDebate.map((i) => [i.studyId, i.participant, i.kind, i.seat])).toEqual([
        ['st-1', 'p2', 'item', null],
        ['st-1', 'p1', 'debate', 'A'],
      ]);
      await db.updateItem('st-1', 'p2', 1, { status: 'done', finishedAt: 9, debateId: 'deb-2', condition: 'blind', scenarioId: 'sc-2', slot: 's3' });
      expect((await db.items('st-1', 'p2'))[1]).toEqual(item('p2', 1, { slot: 's3', debateId: 'deb-2', status: 'done', startedAt: 5, finishedAt: 9, condition: 'blind', scenarioId: 'sc-2', ...fresh }));
      expect((await db.itemsByDebate('deb-1')).map((i) => i.participant)).toEqual(['p1']);
      expect(await db.itemsByDebate('deb-none')).toEqual([]);
      // The page's integrity signals add up; the post-item answers are kept as given.
      await db.addSignals('st-1', 'p2', 1, { pastes: 2, hiddenMs: 1500, blurMs: 250 });
      await db.addSignals('st-1', 'p2', 1, { pastes: 1, hiddenMs: 500, blurMs: 0 });
      await db.setAnswers('st-1', 'p2', 1, { confidence: 4, reason: 'the quotes' });
      expect((await db.items('st-1', 'p2'))[1]).toMatchObject({ pastes: 3, hiddenMs: 2000, blurMs: 250, answers: { confidence: 4, reason: 'the quotes' } });
      expect((await db.items('st-1', 'p2'))[0]).toMatchObject({ pastes: 0, answers: null });
    });

    it('records each bonus once', async () => {
      const db = stores.studies;
      expect(await db.recordPaid('st-1', 'batch-1', [{ participant: 'p1', amount: 1.5 }, { participant: 'p2', amount: 0.5 }])).toEqual(['p1', 'p2']);
      expect(await db.recordPaid('st-1', 'batch-2', [{ participant: 'p1', amount: 9 }, { participant: 'p3', amount: 2 }])).toEqual(['p3']);
      const ledger = await db.ledger('st-1');
      expect(ledger.map((e) => [e.participant, e.amount, e.batch])).toEqual([
        ['p1', 1.5, 'batch-1'],
        ['p2', 0.5, 'batch-1'],
        ['p3', 2, 'batch-2'],
      ]);
      expect(await db.ledger('st-2')).toEqual([]);
    });

    it('runs the steps on one study one after another, and other studies\' steps meanwhile', async () => {
      const locks = stores.studyLocks;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const started: string[] = [];
      const first = locks.run('st-1', async () => (started.push('first'), await gate, 'first'));
      const second = locks.run('st-1', async () => (started.push('second'), 'second'));
      // Another study's step runs to its end while the first study's step is held.
      expect(await locks.run('st-2', async () => (started.push('other'), 'other'))).toBe('other');
      expect(started).not.toContain('second');
      release();
      expect(await Promise.all([first, second])).toEqual(['first', 'second']);
      expect(started.filter((s) => s !== 'other')).toEqual(['first', 'second']);
      // A failed step does not block the next.
      await expect(locks.run('st-1', async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
      expect(await locks.run('st-1', async () => 'after')).toBe('after');
    });
  });

  describe('agent keys', () => {
    it('issues keys shown once, finds them by the secret, lists and revokes them', async () => {
      const keys = stores.agentKeys;
      const a = await keys.issue('alpha', 'lab A', 1000);
      const b = await keys.issue('beta', null, 2000);
      const a2 = await keys.issue('alpha', null, 3000);
      expect(a.key).toMatch(new RegExp(`^arena_${a.info.id}_`));
      expect(a.info).toEqual({ id: a.info.id, name: 'alpha', label: 'lab A', createdAt: 1000, revokedAt: null });
      expect(await keys.find(a.key)).toEqual(a.info);
      expect(await keys.find(`${a.key}x`)).toBeNull();
      expect((await keys.list()).map((k) => k.id)).toEqual([a2.info.id, b.info.id, a.info.id]);
      expect(await keys.activeNames()).toEqual(['alpha', 'beta']);
      expect(await keys.revoke(b.info.id, 5000)).toEqual({ ...b.info, revokedAt: 5000 });
      // Revoking twice keeps the first time; a revoked key is still found, as revoked.
      expect(await keys.revoke(b.info.id, 6000)).toEqual({ ...b.info, revokedAt: 5000 });
      expect(await keys.find(b.key)).toEqual({ ...b.info, revokedAt: 5000 });
      expect(await keys.revoke('k-none')).toBeNull();
      expect(await keys.activeNames()).toEqual(['alpha']);
      await keys.revoke(a.info.id, 7000);
      expect(await keys.activeNames()).toEqual(['alpha']);
      await keys.revoke(a2.info.id, 7000);
      expect(await keys.activeNames()).toEqual([]);
    });

    // (The memory store has no database to look into.)
    if (backend.name !== 'memory') it('keeps only the hash of a key in the database', async () => {
      const issued = await stores.agentKeys.issue('hashed', 'lab X', 1);
      const rows = await raw!.query<{ hash: string }>('SELECT hash FROM agent_keys WHERE id = $1', [issued.info.id]);
      expect(rows[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(rows[0]!.hash).toBe(hashAgentKey(issued.key));
      expect(JSON.stringify(await raw!.query('SELECT * FROM agent_keys'))).not.toContain(issued.key);
    });
  });
});
