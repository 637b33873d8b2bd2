import { describe, expect, it } from 'vitest';
import { applyViewChange, replay, rulesFor, setup, viewFor, type Action, type DebateState, type DebateView, type Presence, type Provenance, type Rules, type Seat, type SeatConfig } from '@arena/shared';
import { agentCatalog } from '../../server/src/agent-catalog.ts';
import { DebateSession, type SessionDeps, type SessionEvent, type Subscriber } from '../../server/src/sessions/debate-session.ts';
import { LocalOwnership } from '../../server/src/sessions/ownership.ts';
import { Sessions } from '../../server/src/sessions/sessions.ts';
import { MemoryDebateStore } from '../../server/src/store/memory-debates.ts';
import { FakeClock, settle } from '../helpers/fake-clock.ts';
import { LIGHTHOUSE } from '../helpers/fixtures.ts';

/**
 * The live core without a network: a session over the in-memory store, driven by a
 * fake clock, watched by fake subscribers that keep what they are sent. Nothing here
 * waits on real time.
 */

const WAITING_MS = 60_000;

/** A subscriber that rebuilds its seat's view from every message, as a client does. */
class FakeSubscriber implements Subscriber {
  views: DebateView[] = [];
  changes = 0;
  presences: Presence[] = [];
  evictions = 0;
  /** Called on each message, before it is kept (checks of what was stored by then). */
  onMessage: () => void = () => {};

  view(view: DebateView): void {
    this.onMessage();
    this.views.push(view);
  }

  change(change: Parameters<NonNullable<Subscriber['change']>>[0]): void {
    this.onMessage();
    this.changes++;
    this.views.push(applyViewChange(this.last, change));
  }

  presence(p: Presence): void {
    this.presences.push(p);
  }

  evicted(): void {
    this.evictions++;
  }

  moves = 0;
  moved(): void {
    this.moves++;
  }

  get last(): DebateView {
    const v = this.views.at(-1);
    if (!v) throw new Error('no view yet');
    return v;
  }
}

let made = 0;

/** The built-in agents (no configuration, no network). */
const agents = agentCatalog();

function world(options: { seats?: Partial<Record<Seat, SeatConfig>>; rules?: Partial<Rules>; provenance?: Provenance; abandonMs?: number } = {}) {
  const clock = new FakeClock();
  const store = new MemoryDebateStore();
  const logged: string[] = [];
  const deps: SessionDeps = {
    store,
    makeAgent: (id, seed) => agents.make(id, seed),
    agentTurnMs: 30_000,
    waitingMs: WAITING_MS,
    ...(options.abandonMs ? { abandonMs: options.abandonMs } : {}),
    log: (line) => logged.push(line),
    clock,
  };
  const state = setup({
    id: `unit-${++made}`,
    scenario: LIGHTHOUSE,
    rules: rulesFor('debate', { speechSeconds: 60, judgeSeconds: 30, ...options.rules }),
    seed: `seed-${made}`,
    createdAt: clock.now(),
    ...(options.provenance ? { provenance: options.provenance } : {}),
    ...(options.seats ? { seats: options.seats } : {}),
  });
  return { clock, store, deps, state, logged };
}

/** A session of a debate stored as created (waiting, no events), and the lifecycle events it announces. */
async function sessionOf(w: ReturnType<typeof world>) {
  await w.store.createDebate(w.state.header, 'waiting', null, 'private');
  const events: SessionEvent[] = [];
  const session = new DebateSession(w.state, w.deps, (e) => events.push(e));
  return { session, events };
}

const judgeTurn = (v: DebateView, end = false): Action => ({ type: 'judge', probabilities: v.answers.map(() => 1 / v.answers.length), end });

async function seatAll(session: DebateSession) {
  const subs = { A: new FakeSubscriber(), B: new FakeSubscriber(), judge: new FakeSubscriber() };
  const handles = { A: session.subscribe('A', subs.A), B: session.subscribe('B', subs.B), judge: session.subscribe('judge', subs.judge) };
  await settle();
  return { subs, handles };
}

async function stored(w: ReturnType<typeof world>) {
  return (await w.store.getTranscript(w.state.header.id))!;
}

describe('a debate session', () => {
  it('starts once every human seat has a subscriber, stores each event before anyone sees it, and sends each seat only its changes', async () => {
    const w = world();
    const { session, events } = await sessionOf(w);
    const judge = new FakeSubscriber();
    session.subscribe('judge', judge);
    await settle();
    expect(session.state.status).toBe('waiting');
    expect(judge.views).toHaveLength(1);
    const { subs, handles } = await seatAll(session);
    expect(session.state.status).toBe('running');
    expect(events.map((e) => e.type)).toEqual(['appended', 'started']);
    // What the store had acknowledged when each subscriber heard of the judge's turn.
    const acknowledged: number[] = [];
    const append = w.store.appendEvent.bind(w.store);
    w.store.appendEvent = async (...args) => {
      await append(...args);
      acknowledged.push(args[1].seq);
    };
    const changesBefore = Object.values(subs).map((x) => x.changes);
    const heard = new Map<Seat, number[]>();
    for (const [seat, s] of Object.entries(subs)) s.onMessage = () => heard.set(seat as Seat, [...acknowledged]);
    expect(await handles.judge.submit(judgeTurn(subs.judge.last))).toBeNull();
    const record = await stored(w);
    expect(record.events.map((e) => e.action.type)).toEqual(['start', 'judge']);
    for (const seat of ['A', 'B', 'judge'] as const) expect(heard.get(seat)).toEqual([1]);
    // Each seat got a change, which rebuilds to exactly its view of the new state.
    expect(Object.values(subs).map((x) => x.changes)).toEqual(changesBefore.map((n) => n + 1));
    for (const seat of ['A', 'B', 'judge'] as const) {
      expect(subs[seat].last).toEqual(viewFor(session.state, seat));
    }
    expect(subs.A.last.legal.map((l) => l.type)).toContain('speech');
    expect(subs.judge.last.legal).toEqual([]);
  });

  it('refuses an action out of turn at once and stores nothing', async () => {
    const w = world();
    const { session } = await sessionOf(w);
    const { handles } = await seatAll(session);
    const refusal = await handles.A.submit({ type: 'speech', text: 'too soon' });
    expect(refusal).toMatchObject({ code: 'not-your-turn' });
    expect((await stored(w)).events).toHaveLength(1);
  });

  it('answers a failed write with a refusal, changes nothing and publishes nothing', async () => {
    const w = world();
    const { session } = await sessionOf(w);
    const { subs, handles } = await seatAll(session);
    const append = w.store.appendEvent.bind(w.store);
    w.store.appendEvent = () => Promise.reject(new Error('disk full'));
    const seen = subs.A.views.length;
    expect(await handles.judge.submit(judgeTurn(subs.judge.last))).toMatchObject({ code: 'server-error' });
    expect(session.state.lastSeq).toBe(0);
    expect(subs.A.views).toHaveLength(seen);
    expect(w.logged.at(-1)).toMatch(/could not store event 1: disk full/);
    w.store.appendEvent = append;
    expect(await handles.judge.submit(judgeTurn(subs.judge.last))).toBeNull();
  });

  it('gives a seat to its newest subscriber: the older one is evicted and can no longer act', async () => {
    const w = world();
    const { session } = await sessionOf(w);
    const { subs, handles } = await seatAll(session);
    const fresh = new FakeSubscriber();
    const newer = session.subscribe('judge', fresh);
    expect(subs.judge.evictions).toBe(1);
    expect(handles.judge.active).toBe(false);
    expect(await handles.judge.submit(judgeTurn(subs.judge.last))).toMatchObject({ code: 'seat-taken' });
    expect(await newer.submit(judgeTurn(fresh.last))).toBeNull();
    expect(session.subscribers).toBe(3);
    expect(fresh.presences.at(-1)!.seats.judge).toMatchObject({ connected: true });
    newer.close();
    expect(subs.A.presences.at(-1)!.seats.judge).toMatchObject({ connected: false });
  });
});

describe('its clock', () => {
  it('times out a turn at its deadline, not before, through the engine, and carries on turn by turn', async () => {
    const w = world();
    const { session } = await sessionOf(w);
    const { subs } = await seatAll(session);
    const deadline = session.state.deadline!;
    expect(deadline).toBe(w.clock.now() + 30_000);
    expect(subs.judge.last.turn).toMatchObject({ toMove: ['judge'], deadline });
    await w.clock.advance(29_999);
    expect((await stored(w)).events).toHaveLength(1);
    await w.clock.advance(1);
    const record = await stored(w);
    expect(record.events.at(-1)).toMatchObject({ seq: 1, seat: 'system', action: { type: 'timeout' }, at: deadline });
    // The debaters' turn is next, with its own deadline.
    expect(session.state.deadline).toBe(deadline + 60_000);
    expect(subs.A.last.legal.map((l) => l.type)).toContain('speech');
    // Nobody acts again: every turn expires in time order until the debate ends.
    for (let i = 0; i < 50 && session.live; i++) await w.clock.advance(60_000);
    expect(session.state.status).toBe('finished');
    const final = await stored(w);
    expect(final.status).toBe('finished');
    expect(final.events.filter((e) => e.action.type === 'timeout').length).toBeGreaterThanOrEqual(4);
    expect(replay(final.header, final.events)).toEqual(session.state);
    // Over: no timer is left armed.
    expect(w.clock.pending).toBe(0);
  });

  it('an action in time disarms the turn timer it answers', async () => {
    const w = world();
    const { session } = await sessionOf(w);
    const { subs, handles } = await seatAll(session);
    await w.clock.advance(10_000);
    expect(await handles.judge.submit(judgeTurn(subs.judge.last))).toBeNull();
    // The judge's old deadline passes without a timeout: the debaters' turn runs to its own.
    await w.clock.advance(20_000);
    expect((await stored(w)).events.map((e) => e.action.type)).toEqual(['start', 'judge']);
    expect(session.state.deadline).toBe(w.clock.now() - 20_000 + 60_000);
  });

  it('ends a debate nobody fully joins when the waiting time runs out, with the reason recorded', async () => {
    const w = world();
    const { session, events } = await sessionOf(w);
    await session.resume();
    const lonely = new FakeSubscriber();
    session.subscribe('A', lonely);
    await w.clock.advance(WAITING_MS - 1);
    expect(session.state.status).toBe('waiting');
    await w.clock.advance(1);
    expect(session.state.status).toBe('ended');
    expect(session.state.endReason).toBe('expired: not every seat was taken within 1 minute');
    expect(events.at(-1)).toEqual({ type: 'ended', reason: 'expired: not every seat was taken within 1 minute' });
    const record = await stored(w);
    expect(record.status).toBe('ended');
    expect(record.events.map((e) => e.action.type)).toEqual(['abandon']);
    expect(lonely.last.status).toBe('ended');
    expect(w.clock.pending).toBe(0);
  });

  it('a debate that starts in time does not expire', async () => {
    const w = world();
    const { session } = await sessionOf(w);
    await session.resume();
    await w.clock.advance(WAITING_MS / 2);
    const { subs, handles } = await seatAll(session);
    expect(await handles.judge.submit(judgeTurn(subs.judge.last))).toBeNull();
    await w.clock.advance(WAITING_MS / 2 + 1);
    expect(session.state.status).toBe('running');
  });
});

describe('an abandoned lobby debate', () => {
  const ABANDON_MS = 10_000;
  const lobby = (options: Parameters<typeof world>[0] = {}) => world({ provenance: 'lobby', abandonMs: ABANDON_MS, ...options });
  const untimed = { speechSeconds: null, judgeSeconds: null } as unknown as Partial<Rules>;

  it('ends, through the engine and with the reason recorded, a lobby debate nobody joined', async () => {
    const w = lobby();
    const { session, events } = await sessionOf(w);
    await session.resume();
    await w.clock.advance(ABANDON_MS - 1);
    expect(session.state.status).toBe('waiting');
    await w.clock.advance(1);
    expect(session.state.status).toBe('ended');
    expect(events.at(-1)).toEqual({ type: 'ended', reason: 'abandoned: no player connected for 10 seconds' });
    const record = await stored(w);
    expect(record.events.map((e) => [e.seat, e.action.type])).toEqual([['system', 'abandon']]);
    expect(replay(record.header, record.events)).toEqual(session.state);
    expect(w.clock.pending).toBe(0);
  });

  it('counts from the last person leaving: a waiting debate someone is in is kept, and abandoned once they left for long enough', async () => {
    const w = lobby();
    const { session } = await sessionOf(w);
    await session.resume();
    const a = session.subscribe('A', new FakeSubscriber());
    await w.clock.advance(ABANDON_MS * 3);
    expect(session.state.status).toBe('waiting');
    a.close();
    await w.clock.advance(ABANDON_MS - 1);
    expect(session.state.status).toBe('waiting');
    await w.clock.advance(1);
    expect(session.state.endReason).toMatch(/^abandoned/);
  });

  it('ends a running untimed debate once every person left and it waits on them; not while one stays', async () => {
    const w = lobby({ rules: untimed });
    const { session } = await sessionOf(w);
    const { subs, handles } = await seatAll(session);
    expect(session.state.deadline).toBeNull();
    expect(await handles.judge.submit(judgeTurn(subs.judge.last))).toBeNull();
    handles.A.close();
    handles.B.close();
    // The judge is still there: nobody abandoned anything.
    await w.clock.advance(ABANDON_MS * 2);
    expect(session.state.status).toBe('running');
    handles.judge.close();
    await w.clock.advance(ABANDON_MS);
    expect(session.state.status).toBe('ended');
    expect((await stored(w)).events.at(-1)).toMatchObject({ seat: 'system', action: { type: 'abandon', reason: 'abandoned: no player connected for 10 seconds' } });
  });

  it('ends a timed debate whose people all left, though its timeouts move it on', async () => {
    const w = lobby({ rules: { speechSeconds: 6, judgeSeconds: 3 } });
    const { session } = await sessionOf(w);
    const { handles } = await seatAll(session);
    for (const h of Object.values(handles)) h.close();
    await w.clock.advance(ABANDON_MS - 1);
    expect((await stored(w)).events.filter((e) => e.action.type === 'timeout').length).toBeGreaterThanOrEqual(2);
    expect(session.state.status).toBe('running');
    await w.clock.advance(1);
    expect(session.state.endReason).toBe('abandoned: no player connected for 10 seconds');
    expect(w.clock.pending).toBe(0);
  });

  it('ends a game against agents once its judge left, however the agents carry on', async () => {
    const seats = { A: { kind: 'agent', agent: 'builtin:passage-debater' }, B: { kind: 'agent', agent: 'builtin:passage-debater' }, judge: { kind: 'human' } } as const;
    const w = lobby({ seats });
    const { session } = await sessionOf(w);
    const judge = new FakeSubscriber();
    const handle = session.subscribe('judge', judge);
    await settle();
    expect(await handle.submit(judgeTurn(judge.last))).toBeNull();
    await w.clock.advance(1);
    expect((await stored(w)).events.filter((e) => e.action.type === 'speech')).toHaveLength(2);
    handle.close();
    await w.clock.advance(ABANDON_MS - 1);
    expect(session.state.status).toBe('running');
    await w.clock.advance(1);
    expect(session.state.endReason).toMatch(/^abandoned/);
  });

  it('never ends a researcher\'s or a study\'s debate this way (they wait their waiting time)', async () => {
    for (const provenance of ['researcher', 'study'] as const) {
      const w = world({ provenance, abandonMs: ABANDON_MS });
      const { session } = await sessionOf(w);
      await session.resume();
      await w.clock.advance(WAITING_MS - 1);
      expect(session.state.status).toBe('waiting');
    }
  });

  it('after a restart counts from when the debate was loaded again, so its people have the whole time to come back', async () => {
    const w = lobby({ rules: untimed });
    await w.store.createDebateWithTokens(w.state.header, { A: 'a', B: 'b', judge: 'j' }, 'public');
    const sessions = new Sessions(w.deps);
    await sessions.start(new LocalOwnership('process-1'), () => {});
    const session = (await sessions.get(w.state.header.id))!;
    await seatAll(session);
    await sessions.close();
    // Down for longer than the abandonment time, with everyone's connection gone.
    await w.clock.advance(ABANDON_MS * 5);
    const again = new Sessions(w.deps);
    await again.start(new LocalOwnership('process-1'), () => {});
    await w.clock.advance(ABANDON_MS - 1);
    expect((await stored(w)).status).toBe('running');
    await w.clock.advance(1);
    expect((await stored(w)).status).toBe('ended');
    await again.close();
  });
});

describe('its agent seats', () => {
  const agentDebaters = { A: { kind: 'agent', agent: 'builtin:passage-debater' }, B: { kind: 'agent', agent: 'builtin:passage-debater' }, judge: { kind: 'human' } } as const;

  it('built-in debaters speak in their turn once the human judge has opened it; the session waits for no subscriber of theirs', async () => {
    const w = world({ seats: agentDebaters });
    const { session } = await sessionOf(w);
    const judge = new FakeSubscriber();
    const handle = session.subscribe('judge', judge);
    await settle();
    expect(session.state.status).toBe('running');
    expect(judge.presences.at(-1)!.seats.A).toMatchObject({ kind: 'agent', connected: true });
    expect(await handle.submit(judgeTurn(judge.last))).toBeNull();
    await settle();
    const record = await stored(w);
    const speeches = record.events.filter((e) => e.action.type === 'speech');
    expect(speeches.map((e) => e.seat).sort()).toEqual(['A', 'B']);
    expect(speeches[0]!.meta).toMatchObject({ agent: 'builtin:passage-debater' });
    expect(judge.last.legal.map((l) => l.type)).toContain('judge');
  });

  it('an all-agent debate plays itself to a stored verdict from resume(), with no subscriber and no time passing', async () => {
    const w = world({ seats: { ...agentDebaters, judge: { kind: 'agent', agent: 'builtin:passage-judge' } } });
    const { session, events } = await sessionOf(w);
    await session.resume();
    for (let i = 0; i < 20 && session.live; i++) await settle();
    expect(session.state.status).toBe('finished');
    expect(events.at(-1)).toEqual({ type: 'finished' });
    const record = await stored(w);
    expect(record.status).toBe('finished');
    expect(record.verdict).toEqual(session.state.verdict);
    expect(record.events.every((e) => e.at === w.clock.now())).toBe(true);
  });

  it('a seat whose agent cannot be made forfeits its turns, with the reason', async () => {
    const w = world({ seats: { ...agentDebaters, B: { kind: 'agent', agent: 'builtin:no-such-agent' } } });
    const { session } = await sessionOf(w);
    const judge = new FakeSubscriber();
    const handle = session.subscribe('judge', judge);
    await settle();
    expect(await handle.submit(judgeTurn(judge.last))).toBeNull();
    await settle();
    const forfeit = (await stored(w)).events.find((e) => e.action.type === 'forfeit')!;
    expect(forfeit).toMatchObject({ seat: 'system', action: { type: 'forfeit', seat: 'B', reason: expect.stringMatching(/unknown agent "builtin:no-such-agent"/) } });
    expect((await stored(w)).events.some((e) => e.seat === 'A' && e.action.type === 'speech')).toBe(true);
  });
});

describe('the sessions of a restarted server', () => {
  async function server(w: ReturnType<typeof world>) {
    const sessions = new Sessions(w.deps);
    const resumed = await sessions.start(new LocalOwnership('process-1'), () => {});
    return { sessions, resumed };
  }

  it('resume a running debate from its stored events: the same state, its turn timer re-armed from the stored deadline', async () => {
    const w = world();
    await w.store.createDebateWithTokens(w.state.header, { A: 'a', B: 'b', judge: 'j' }, 'private');
    const first = await server(w);
    expect(first.resumed).toBe(1);
    const session = (await first.sessions.get(w.state.header.id))!;
    const { subs, handles } = await seatAll(session);
    expect(await handles.judge.submit(judgeTurn(subs.judge.last))).toBeNull();
    const before: DebateState = session.state;
    const deadline = before.deadline!;
    await first.sessions.close();
    expect(w.clock.pending).toBe(0);

    // Down for 20 s, within the debaters' 60 s turn.
    await w.clock.advance(20_000);
    const second = await server(w);
    expect(second.resumed).toBe(1);
    const again = (await second.sessions.get(w.state.header.id))!;
    expect(again).not.toBe(session);
    expect(again.state).toEqual(before);
    expect(again.state).toEqual(replay((await stored(w)).header, (await stored(w)).events));
    // A returning debater is served from the resumed state and can act.
    const a = new FakeSubscriber();
    const handle = again.subscribe('A', a);
    expect(a.last.legal.map((l) => l.type)).toContain('speech');
    expect(await handle.submit({ type: 'speech', text: 'The oil was <quote>gone</quote>.' })).toBeNull();
    // The stored deadline still holds: B's silence times out exactly then.
    await w.clock.advance(deadline - w.clock.now() - 1);
    expect((await stored(w)).events.at(-1)!.action.type).toBe('speech');
    await w.clock.advance(1);
    expect((await stored(w)).events.at(-1)).toMatchObject({ seq: before.lastSeq + 2, action: { type: 'timeout' }, at: deadline });
    await second.sessions.close();
  });

  it('a process whose debate another process claimed stores and acknowledges nothing more, and sends its subscribers to join again', async () => {
    const w = world();
    await w.store.createDebateWithTokens(w.state.header, { A: 'a', B: 'b', judge: 'j' }, 'private');
    const stale = await server(w);
    const session = (await stale.sessions.get(w.state.header.id))!;
    const { subs, handles } = await seatAll(session);
    expect(await handles.judge.submit(judgeTurn(subs.judge.last))).toBeNull();
    // Another process takes the debate over (its lease said this one was gone) and carries on.
    const other = await server(w);
    const taken = (await other.sessions.get(w.state.header.id))!;
    expect(taken).not.toBe(session);
    const a = new FakeSubscriber();
    expect(await taken.subscribe('A', a).submit({ type: 'speech', text: 'Through the new owner.' })).toBeNull();
    const history = (await stored(w)).events.map((e) => e.seq);
    // The stale process hears from its old subscriber: nothing is stored or published, everyone is sent on.
    const judgeViews = subs.judge.views.length;
    const refusal = await handles.B.submit({ type: 'speech', text: 'Through the stale owner.' });
    expect(refusal).toMatchObject({ code: 'server-error', message: expect.stringMatching(/join again/) });
    expect((await stored(w)).events.map((e) => e.seq)).toEqual(history);
    expect(JSON.stringify((await stored(w)).events)).not.toContain('stale owner');
    expect(subs.judge.views.length).toBe(judgeViews);
    expect([subs.A.moves, subs.B.moves, subs.judge.moves]).toEqual([1, 1, 1]);
    expect(handles.B.active).toBe(false);
    // The new owner is not stuck: B speaks there and the round completes.
    const b = new FakeSubscriber();
    expect(await taken.subscribe('B', b).submit({ type: 'speech', text: 'Through the new owner too.' })).toBeNull();
    expect(taken.state.rounds[1]!.complete).toBe(true);
    expect(replay((await stored(w)).header, (await stored(w)).events)).toEqual(taken.state);
    await stale.sessions.close();
    await other.sessions.close();
  });

  it('a deadline that passed while the server was down fires as soon as the debate is resumed', async () => {
    const w = world();
    await w.store.createDebateWithTokens(w.state.header, { A: 'a', B: 'b', judge: 'j' }, 'private');
    const first = await server(w);
    await seatAll((await first.sessions.get(w.state.header.id))!);
    await first.sessions.close();
    await w.clock.advance(45_000);
    const second = await server(w);
    // Armed for no time at all: due now.
    await w.clock.advance(0);
    const record = await stored(w);
    expect(record.events.map((e) => e.action.type)).toEqual(['start', 'timeout']);
    expect(record.events[1]!.at).toBe(w.clock.now());
    await second.sessions.close();
  });

  it('cancel ends a debate served here with its reason; an over or unknown debate says why not', async () => {
    const w = world();
    await w.store.createDebateWithTokens(w.state.header, { A: 'a', B: 'b', judge: 'j' }, 'private');
    const { sessions } = await server(w);
    const heard: string[] = [];
    sessions.on((id, e) => heard.push(`${id}:${e.type}`));
    expect(await sessions.cancel(w.state.header.id, 'cancelled: a typo')).toBeNull();
    const record = await stored(w);
    expect(record.status).toBe('ended');
    expect(record.events.at(-1)!.action).toEqual({ type: 'abandon', reason: 'cancelled: a typo' });
    expect(heard).toEqual([`${w.state.header.id}:appended`, `${w.state.header.id}:ended`]);
    expect(await sessions.cancel(w.state.header.id, 'again')).toMatchObject({ code: 'finished' });
    expect(await sessions.cancel('no-such-debate', 'x')).toMatchObject({ code: 'not-found' });
    await sessions.close();
  });

  it('a waiting debate resumed after a restart still expires at its original time', async () => {
    const w = world();
    await w.store.createDebateWithTokens(w.state.header, { A: 'a', B: 'b', judge: 'j' }, 'private');
    const first = await server(w);
    await first.sessions.close();
    await w.clock.advance(WAITING_MS - 10);
    const second = await server(w);
    await w.clock.advance(9);
    expect((await stored(w)).status).toBe('waiting');
    await w.clock.advance(1);
    expect((await stored(w)).status).toBe('ended');
    // An over debate nobody watches is dropped.
    expect(second.sessions.size).toBe(0);
    await second.sessions.close();
  });
});
