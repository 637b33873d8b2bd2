import {
  apply,
  viewFor,
  type ApplyResult,
  type Action,
  type Actor,
  type DebateEvent,
  type DebateState,
  type DebateView,
  type Presence,
  type Refusal,
  type Seat,
  type ViewChange,
  diffView,
} from '@arena/shared';
import { OwnershipLost, type Store } from '../store/store.ts';
import { AgentSeats, type MakeAgent } from './agent-seats.ts';
import { systemClock, type Clock } from './clock.ts';
import { abandonReason, isHumanSeat, withoutPlayers } from './abandonment.ts';

/** What every session of one server shares, passed in when it is made (no process-wide registries). */
export interface SessionDeps {
  store: Store;
  makeAgent: MakeAgent;
  /** Upper bound on an agent's turn, ms. */
  agentTurnMs: number;
  /** How long a debate may wait for its players before it ends without a verdict, ms. */
  waitingMs: number;
  /**
   * How long a lobby debate may stand still with none of its people connected before it
   * ends as abandoned, ms (see abandonment.ts); 0 or absent: never.
   */
  abandonMs?: number;
  log: (line: string) => void;
  /** What the turn timers, the waiting expiry and each event's time go by (the wall clock unless given). */
  clock?: Clock;
}

/** Someone who receives a seat's view: a room connection, a remote agent, a study page. */
export interface Subscriber {
  /** The seat's whole view: on subscribing, on sync, and on every change when `change` is absent. */
  view(view: DebateView): void;
  /**
   * What changed in the seat's view since the last one this subscriber got (never sent
   * when nothing did). `view` is the whole new view, for subscribers that want both.
   */
  change?(change: ViewChange, view: DebateView): void;
  /** Which seats are connected, whenever that changes. */
  presence?(presence: Presence): void;
  /** Another subscriber took this seat (a reload in another tab): this one is closed. */
  evicted?(): void;
  /**
   * This process no longer serves the debate (another took it over, or it must be loaded
   * again from the store): the subscription is closed, and the subscriber joins again.
   */
  moved?(): void;
}

export interface Subscription {
  readonly seat: Seat;
  /** False once closed or evicted: a reconnecting transport must not act through it. */
  readonly active: boolean;
  /** Applies an action of this seat; resolves with null when it is stored and published, else the refusal. */
  submit(action: Action): Promise<Refusal | null>;
  /** Sends the current view again (a client asking, a reconnect). */
  sync(): void;
  close(): void;
}

/** A live debate's lifecycle, for whoever watches the session (sessions manager, studies, metrics). */
export type SessionEvent =
  | { type: 'started' }
  | { type: 'appended'; event: DebateEvent }
  | { type: 'finished' }
  | { type: 'ended'; reason: string }
  /** The session stopped serving the debate here: another process took it over, or the store holds events this session lacks. */
  | { type: 'lost' };

/**
 * One subscriber of a seat, and the subscription handed back to it: one object per
 * connection (a live debate has a few, and thousands of debates run at once).
 */
class Entry implements Subscription {
  active = true;
  readonly session: DebateSession;
  readonly seat: Seat;
  readonly subscriber: Subscriber;

  constructor(session: DebateSession, seat: Seat, subscriber: Subscriber) {
    this.session = session;
    this.seat = seat;
    this.subscriber = subscriber;
  }

  submit(action: Action): Promise<Refusal | null> {
    return this.active ? this.session.submit(this.seat, action) : Promise.resolve(SEAT_TAKEN);
  }

  sync(): void {
    if (this.active) this.subscriber.view(viewFor(this.session.state, this.seat));
  }

  close(): void {
    this.session.unsubscribe(this);
  }
}

const SEAT_TAKEN: Refusal = { code: 'seat-taken', message: 'this seat was taken over by a newer connection' };

/**
 * One live debate, whether or not anyone is connected: it applies actions through the
 * engine, appends each event to the store before anyone sees its effect, publishes each
 * subscriber's seat view when that view changes, owns the turn timer, the waiting
 * expiry and the agent seats, and announces lifecycle events. Transports (the Colyseus
 * room, the agent gateway, study pages) subscribe and forward; the session knows no socket.
 */
/** Whether a store error says the event's seq is already taken (another writer got there first). */
function seqTaken(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return e.code === '23505' || (typeof e.message === 'string' && /UNIQUE constraint failed: events|event \d+ exists/.test(e.message));
}

/** How often a change in the number of observers alone is sent to everyone. */
const PRESENCE_BATCH_MS = 1000;

export class DebateSession {
  private game: DebateState;
  private readonly entries = new Set<Entry>();
  private queue: Promise<unknown> = Promise.resolve();
  /** Cancel the armed turn timer and waiting expiry. */
  private cancelTurn: (() => void) | undefined;
  private cancelWait: (() => void) | undefined;
  private cancelIdle: (() => void) | undefined;
  /** Since when no person played: the last action of a person's seat, a person's seat joining or leaving, or this session's load. */
  private idleSince: number;
  /** Cancels a pending presence message for everyone (only the number of observers changed since the last one). */
  private cancelPresence: (() => void) | undefined;
  /** The seats' part of the presence everyone last heard. */
  private seatsHeard = '';
  /** Plays the agent seats; null when every seat is a person's. */
  private readonly agents: AgentSeats | null;
  private closed = false;

  private readonly deps: SessionDeps;
  private readonly clock: Clock;
  private readonly onEvent: (e: SessionEvent) => void;

  /** The fencing token every append carries (from the store's claimDebate); null: unfenced (tests that own their store). */
  private readonly epoch: number | null;
  /** True once this session stopped serving its debate (see moved). */
  movedAway = false;

  /** `onEvent` hears the session's lifecycle events (the sessions manager passes one). */
  constructor(state: DebateState, deps: SessionDeps, onEvent: (e: SessionEvent) => void = () => {}, epoch: number | null = null) {
    this.deps = deps;
    this.epoch = epoch;
    this.clock = deps.clock ?? systemClock;
    this.onEvent = onEvent;
    this.game = state;
    this.idleSince = this.clock.now();
    const hasAgents = Object.values(state.header.seats).some((c) => c.kind === 'agent');
    // The events an agent's forked view is replayed from (answering a cross-examination question): the stored ones, every one appended before it is published.
    const events = async () => (await deps.store.getTranscript(state.header.id))?.events ?? [];
    const agentDeps = { makeAgent: deps.makeAgent, agentTurnMs: deps.agentTurnMs, log: deps.log, clock: this.clock, events };
    this.agents = hasAgents ? new AgentSeats(agentDeps, state.header, (seat, action, meta) => this.enqueue(() => this.act(seat, action, meta)), () => this.game) : null;
  }

  get id(): string {
    return this.game.header.id;
  }

  /** The current engine state (tests, benchmarks and the manager read it). */
  get state(): DebateState {
    return this.game;
  }

  get live(): boolean {
    return this.game.status === 'waiting' || this.game.status === 'running';
  }

  get subscribers(): number {
    return this.entries.size;
  }

  /** Starts what a debate does on its own: an all-agent debate starts, timers are (re)armed from the stored deadline. */
  async resume(): Promise<void> {
    await this.enqueue(() => this.maybeStart());
  }

  /**
   * Subscribes to a seat's view. A debater or judge seat has one subscriber at a time:
   * a new one evicts the old (whatever the order of drops, reconnects and takeovers),
   * so two connections can never act for one seat.
   */
  subscribe(seat: Seat, subscriber: Subscriber): Subscription {
    if (seat !== 'observer') {
      for (const other of this.entries) {
        if (other.seat !== seat) continue;
        other.active = false;
        this.entries.delete(other);
        other.subscriber.evicted?.();
      }
    }
    const entry = new Entry(this, seat, subscriber);
    this.entries.add(entry);
    this.playersChanged(seat);
    entry.sync();
    if (!this.presenceChanged()) subscriber.presence?.(this.presence());
    void this.enqueue(() => this.maybeStart());
    return entry;
  }

  /** Ends a subscription (its transport let go). */
  unsubscribe(entry: Subscription): void {
    if (!this.entries.delete(entry as Entry)) return;
    (entry as Entry).active = false;
    this.playersChanged(entry.seat);
    this.presenceChanged();
  }

  /**
   * Applies an action of a seat. A refusal is decided at once on the current state,
   * without waiting behind queued work (a debater's speech being stored, say), so how
   * long a refusal takes tells a seat nothing about events it cannot see.
   */
  async submit(actor: Actor, action: Action, meta?: Record<string, unknown>): Promise<Refusal | null> {
    const from = this.game;
    const at = this.clock.now();
    let early: ApplyResult | undefined;
    try {
      early = apply(from, action, actor, at);
      if (!early.ok) return early.refusal;
    } catch {
      // act() below logs the engine's failure and answers it.
    }
    return this.enqueue(() => this.act(actor, action, meta, early && { from, at, result: early }));
  }

  /** Ends an unfinished debate without a verdict (a researcher's cancellation, an expiry). */
  async abandon(reason: string): Promise<Refusal | null> {
    return this.enqueue(() => this.act('system', { type: 'abandon', reason: reason.slice(0, 2000) }));
  }

  /**
   * Stops serving the debate here and tells every subscriber to join again: another
   * process took it over (its lease or the store's fencing token said so), or the store
   * holds events this session lacks and the debate must be loaded again.
   */
  moved(): void {
    if (this.movedAway) return;
    this.movedAway = true;
    this.close();
    const entries = [...this.entries];
    this.entries.clear();
    for (const e of entries) {
      e.active = false;
      e.subscriber.moved?.();
    }
    this.emit({ type: 'lost' });
  }

  /** Stops timers and agents (server shutdown, or the debate is over and nobody watches). */
  close(): void {
    this.closed = true;
    this.cancelTimers();
    this.cancelPresence?.();
    this.agents?.stop();
  }

  /** Runs session work one item at a time, so events get consecutive seq numbers. */
  private enqueue<T>(work: () => Promise<T> | T): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => {});
    return next;
  }

  /** Applies, stores, then publishes. Must run inside enqueue(). */
  private async act(actor: Actor, action: Action, meta?: Record<string, unknown>, early?: { from: DebateState; at: number; result: ApplyResult }): Promise<Refusal | null> {
    if (this.closed) return { code: 'finished', message: 'this debate is no longer served here' };
    // Applied on arrival, and nothing queued ahead changed the state since: no need to apply again.
    const applied = early?.from === this.game ? early : undefined;
    const now = applied?.at ?? this.clock.now();
    let result: ApplyResult;
    try {
      result = applied?.result ?? apply(this.game, action, actor, now);
    } catch (err) {
      this.deps.log(`debate ${this.id}: the engine failed on a ${action.type} by ${actor}: ${(err as Error).stack ?? String(err)}`);
      return { code: 'server-error', message: 'the server could not apply this action; nothing changed' };
    }
    if (!result.ok) return result.refusal;
    const event: DebateEvent = { seq: this.game.lastSeq + 1, at: now, seat: actor, action, ...(meta ? { meta } : {}) };
    try {
      await this.deps.store.appendEvent(this.id, event, result.state.status, result.state.verdict, this.epoch);
    } catch (err) {
      if (err instanceof OwnershipLost || seqTaken(err)) {
        // Another process serves this debate now, or stored this seq: nothing is acknowledged
        // here, and everyone joins again (landing where the debate is served, from the store).
        this.deps.log(`debate ${this.id}: event ${event.seq} not stored, ${err instanceof OwnershipLost ? 'another process took the debate over' : 'the store already holds it'}: handing the debate on`);
        this.moved();
        return { code: 'server-error', message: 'this debate is now served from elsewhere: nothing changed; join again and resend' };
      }
      this.deps.log(`debate ${this.id}: could not store event ${event.seq}: ${(err as Error).message}`);
      return { code: 'server-error', message: 'the action could not be saved; nothing changed, try again' };
    }
    const before = this.game;
    this.game = result.state;
    if (isHumanSeat(this.game, actor)) this.idleSince = now;
    this.publish(before);
    this.afterChange();
    this.emit({ type: 'appended', event });
    if (before.status === 'waiting' && this.game.status === 'running') this.emit({ type: 'started' });
    if (this.game.status === 'finished') this.emit({ type: 'finished' });
    if (this.game.status === 'ended') this.emit({ type: 'ended', reason: this.game.endReason ?? '' });
    return null;
  }

  private afterChange(): void {
    this.armTimers();
    if (this.live) this.agents?.update();
    else this.close();
  }

  private emit(e: SessionEvent): void {
    this.onEvent(e);
  }

  /** Starts the debate once every human seat has a subscriber (at once when all seats are agents). */
  private async maybeStart(): Promise<void> {
    if (this.game.status !== 'waiting') {
      this.afterChange();
      return;
    }
    const present = new Set([...this.entries].map((e) => e.seat));
    const ready = Object.entries(this.game.header.seats).every(([seat, c]) => c.kind === 'agent' || present.has(seat as Seat));
    if (ready) await this.act('system', { type: 'start' });
    else this.armTimers();
  }

  /**
   * Arms the turn timer from the state's deadline (after a restart an expired one fires
   * at once) and, while waiting, the expiry. Both go through the engine like any action.
   */
  private armTimers(): void {
    this.cancelTimers();
    if (this.closed) return;
    const { deadline, status, lastSeq } = this.game;
    if (status === 'running' && deadline !== null) {
      this.cancelTurn = this.clock.after(Math.max(0, deadline - this.clock.now()), () => {
        void this.enqueue(async () => {
          if (this.game.lastSeq !== lastSeq) return;
          const refusal = await this.act('system', { type: 'timeout' });
          if (refusal?.code === 'too-early') this.armTimers();
        });
      });
    }
    if (status === 'waiting') {
      const expiresAt = this.game.header.createdAt + this.deps.waitingMs;
      this.cancelWait = this.clock.after(Math.min(Math.max(0, expiresAt - this.clock.now()), 2 ** 31 - 1), () => {
        void this.enqueue(async () => {
          if (this.game.status !== 'waiting') return;
          const minutes = Math.round(this.deps.waitingMs / 60_000);
          await this.act('system', { type: 'abandon', reason: `expired: not every seat was taken within ${minutes} minute${minutes === 1 ? '' : 's'}` });
        });
      });
    }
    this.armIdle();
  }

  /**
   * Arms the abandonment of a lobby debate its people left: ARENA_ABANDON_SECONDS after a
   * person last joined, left or acted, if none of them is connected (abandonment.ts), it
   * ends through the engine with the reason. Timeouts and agents' speeches meanwhile do not
   * count: a debate only the clock moves on is not played.
   */
  private armIdle(): void {
    this.cancelIdle?.();
    this.cancelIdle = undefined;
    const ms = this.deps.abandonMs ?? 0;
    if (this.closed || ms <= 0 || !withoutPlayers(this.game, this.seated())) return;
    const idleSince = this.idleSince;
    this.cancelIdle = this.clock.after(Math.min(Math.max(0, idleSince + ms - this.clock.now()), 2 ** 31 - 1), () => {
      void this.enqueue(async () => {
        if (this.idleSince !== idleSince || !withoutPlayers(this.game, this.seated())) return;
        await this.act('system', { type: 'abandon', reason: abandonReason(ms) });
      });
    });
  }

  /** A seat gained or lost its subscriber: a person's coming or going restarts the abandonment count. */
  private playersChanged(seat: Seat): void {
    if (!isHumanSeat(this.game, seat)) return;
    this.idleSince = this.clock.now();
    this.armIdle();
  }

  /** The seats with a subscriber. */
  private seated(): Seat[] {
    return [...this.entries].map((e) => e.seat);
  }

  private cancelTimers(): void {
    this.cancelTurn?.();
    this.cancelWait?.();
    this.cancelIdle?.();
    this.cancelTurn = this.cancelWait = this.cancelIdle = undefined;
  }

  /**
   * Sends each subscriber what changed in its seat's view from the state before the
   * action to the current one, if anything did. Every subscriber was sent the view of
   * `before` (whole on subscribing, or as changes since), so nothing per subscriber is
   * kept: the previous view is computed again from the previous state, once per seat.
   */
  private publish(before: DebateState): void {
    const changes = new Map<Seat, { change: ViewChange | null; view: DebateView }>();
    for (const entry of this.entries) {
      let c = changes.get(entry.seat);
      if (!c) {
        const view = viewFor(this.game, entry.seat);
        changes.set(entry.seat, (c = { change: diffView(viewFor(before, entry.seat), view), view }));
      }
      // Nothing changed for this seat: nothing is sent, so no message says a hidden action happened.
      if (!c.change) continue;
      if (entry.subscriber.change) entry.subscriber.change(c.change, c.view);
      else entry.subscriber.view(c.view);
    }
  }

  /** Which seats are connected; agent seats count as connected. */
  presence(): Presence {
    const connected = new Set<Seat>();
    let observers = 0;
    for (const e of this.entries) {
      if (e.seat === 'observer') observers++;
      else connected.add(e.seat);
    }
    const presence: Presence = { seats: {}, observers };
    for (const [seat, c] of Object.entries(this.game.header.seats)) {
      presence.seats[seat as Seat] = { kind: c.kind, connected: c.kind === 'agent' || connected.has(seat as Seat), open: !!c.open };
    }
    return presence;
  }

  /**
   * Tells everyone of a change in who is connected. A seat's connection or departure is
   * sent at once; a change in the number of observers alone reaches everyone at most once
   * a PRESENCE_BATCH_MS, so a crowd of observers joining costs a message per connection
   * per batch rather than one per connection per join. True when everyone was told now.
   */
  private presenceChanged(): boolean {
    const seats = JSON.stringify(this.presence().seats);
    if (seats !== this.seatsHeard) {
      this.seatsHeard = seats;
      this.publishPresence();
      return true;
    }
    if (!this.cancelPresence && !this.closed) this.cancelPresence = this.clock.after(PRESENCE_BATCH_MS, () => this.publishPresence());
    return false;
  }

  private publishPresence(): void {
    this.cancelPresence?.();
    this.cancelPresence = undefined;
    const presence = this.presence();
    for (const e of this.entries) e.subscriber.presence?.(presence);
  }
}
