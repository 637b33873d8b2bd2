import { Room, ServerError, type Client } from '@colyseus/core';
import {
  apply,
  ClientAction,
  describeIssues,
  JoinOptions,
  PROTOCOL_VERSION,
  replay,
  viewFor,
  type Action,
  type Actor,
  type DebateState,
  type Presence,
  type Refusal,
  type RefusalMessage,
  type Seat,
  type ViewMessage,
  type Welcome,
} from '@arena/shared';
import { contextFor, type ArenaContext } from '../context.ts';
import { tokensEqual } from '../tokens.ts';
import { AgentSeats } from './agent-seats.ts';

export interface DebateRoomOptions {
  debateId: string;
  contextId: string;
}

interface Seated {
  seat: Seat;
  token: string | null;
  /** The last view sent to this connection, serialised: a seat hears of a change only when its own view changed. */
  lastView?: string;
}

/**
 * One live debate. A thin adapter: it authenticates seats, validates messages,
 * applies them with the shared engine, stores each accepted event before anyone
 * sees its effect, and sends every client the view of its own seat.
 */
export class DebateRoom extends Room {
  override maxMessagesPerSecond = 20;
  override patchRate = null;

  private ctx!: ArenaContext;
  private game!: DebateState;
  private seated = new Map<string, Seated>();
  private queue: Promise<unknown> = Promise.resolve();
  private timer: { clear(): void } | undefined;
  private agents!: AgentSeats;

  get debateId(): string {
    return this.game.header.id;
  }

  /** The current engine state (tests and benchmarks read it). */
  get engineState(): DebateState {
    return this.game;
  }

  override async onCreate(options: DebateRoomOptions) {
    this.ctx = contextFor(options.contextId);
    const record = await this.ctx.store.getTranscript(options.debateId);
    if (!record) throw new ServerError(404, `no debate "${options.debateId}"`);
    this.game = replay(record.header, record.events);
    this.roomId = options.debateId;
    this.agents = new AgentSeats(this.ctx, this.game.header, (seat, action, meta) => this.enqueue(() => this.act(seat, action, meta)));
    this.onMessage('action', (client, payload) => this.onAction(client, payload));
    this.onMessage('sync', (client) => this.sendView(client, true));
    this.onMessage('*', (client, type) => this.refuse(client, { code: 'malformed', message: `unknown message type "${String(type)}"` }));
    await this.enqueue(() => this.maybeStart());
  }

  /** Decides who may take which seat; a refusal reaches the client as the join error. */
  override async onAuth(_client: Client, raw: unknown): Promise<Seated> {
    const parsed = JoinOptions.safeParse(stripMatchmakingKeys(raw));
    if (!parsed.success) throw new ServerError(400, `malformed join options: ${describeIssues(parsed.error)}`);
    const { seat, token, protocol } = parsed.data;
    if (protocol !== undefined && protocol !== PROTOCOL_VERSION) {
      throw new ServerError(400, `protocol ${protocol} is not supported; this server speaks protocol ${PROTOCOL_VERSION}`);
    }
    if (seat === 'observer') return { seat, token: null };
    const config = this.game.header.seats[seat];
    if (!config) throw new ServerError(404, `no-such-seat: this debate has no seat ${seat}`);
    if (config.kind === 'agent') throw new ServerError(403, `seat-taken: seat ${seat} is played by an agent`);
    const tokens = await this.ctx.store.seatTokens(this.debateId);
    const entry = tokens.get(seat);
    if (!entry) throw new ServerError(403, `seat-not-yours: seat ${seat} has no link`);
    if (token !== undefined) {
      if (!tokensEqual(token, entry.token)) throw new ServerError(403, `seat-not-yours: the link for seat ${seat} is not valid`);
      return { seat, token };
    }
    if (!config.open) throw new ServerError(403, `seat-not-yours: seat ${seat} needs its link`);
    if (!(await this.ctx.store.claimSeat(this.debateId, seat))) {
      throw new ServerError(409, `seat-taken: seat ${seat} has already been taken`);
    }
    return { seat, token: entry.token };
  }

  override onJoin(client: Client, _options: unknown, auth: Seated) {
    // The holder of a seat's token takes the seat over from an older connection (a reload).
    for (const other of this.clients) {
      const s = this.seated.get(other.sessionId);
      if (other !== client && s && s.seat === auth.seat && auth.seat !== 'observer') {
        this.seated.delete(other.sessionId);
        other.leave(4000, 'seat taken over by a newer connection');
      }
    }
    this.seated.set(client.sessionId, { seat: auth.seat, token: auth.token });
    const welcome: Welcome = { debateId: this.debateId, seat: auth.seat, token: auth.token, protocol: PROTOCOL_VERSION, serverNow: Date.now() };
    client.send('welcome', welcome);
    this.sendView(client, true);
    this.broadcastPresence();
    return this.enqueue(() => this.maybeStart());
  }

  override async onDrop(client: Client) {
    this.broadcastPresence();
    try {
      await this.allowReconnection(client, this.ctx.config.reconnectSeconds);
    } catch {
      // Reconnection window over: onLeave follows.
    }
  }

  override onReconnect(client: Client) {
    this.sendView(client, true);
    this.broadcastPresence();
  }

  override onLeave(client: Client) {
    this.seated.delete(client.sessionId);
    this.broadcastPresence();
  }

  override onDispose() {
    this.timer?.clear();
    this.agents.stop();
  }

  /** Runs room work one item at a time, so events get consecutive seq numbers. */
  private enqueue<T>(work: () => Promise<T> | T): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => {});
    return next;
  }

  /**
   * A refusal is decided at once on the current state, without waiting behind queued
   * work (a debater's speech being stored, say), so how long a refusal takes tells a
   * seat nothing about events it cannot see. An action that passes is applied in turn.
   */
  private async onAction(client: Client, payload: unknown) {
    const who = this.seated.get(client.sessionId);
    if (!who) return this.refuse(client, { code: 'not-a-participant', message: 'join a seat first' });
    const parsed = ClientAction.safeParse(payload);
    if (!parsed.success) {
      return this.refuse(client, { code: 'malformed', message: `malformed action: ${describeIssues(parsed.error)}` });
    }
    let early: ReturnType<typeof apply> | null = null;
    try {
      early = apply(this.game, parsed.data, who.seat, Date.now());
    } catch {
      // act() below logs the engine's failure and answers it.
    }
    if (early && !early.ok) return this.refuse(client, { ...early.refusal, about: parsed.data.type });
    const refusal = await this.enqueue(() => this.act(who.seat, parsed.data));
    if (refusal) this.refuse(client, { ...refusal, about: parsed.data.type });
  }

  /**
   * Applies an action through the engine; on success, stores the event and then
   * tells everyone. Returns the refusal, if any. Must run inside enqueue().
   */
  private async act(actor: Actor, action: Action, meta?: Record<string, unknown>): Promise<Refusal | null> {
    const now = Date.now();
    let result: ReturnType<typeof apply>;
    try {
      result = apply(this.game, action, actor, now);
    } catch (err) {
      console.error(`debate ${this.debateId}: the engine failed on a ${action.type} by ${actor}:`, err);
      return { code: 'server-error', message: 'the server could not apply this action; nothing changed' };
    }
    if (!result.ok) return result.refusal;
    const event = { seq: this.game.lastSeq + 1, at: now, seat: actor, action, ...(meta ? { meta } : {}) };
    try {
      await this.ctx.store.appendEvent(this.debateId, event, result.state.status, result.state.verdict);
    } catch (err) {
      console.error(`debate ${this.debateId}: could not store event ${event.seq}:`, err);
      return { code: 'server-error', message: 'the action could not be saved; nothing changed, try again' };
    }
    this.game = result.state;
    this.afterChange();
    return null;
  }

  private afterChange() {
    for (const client of this.clients) this.sendView(client);
    this.schedule();
    this.agents.update(this.game);
  }

  private async maybeStart() {
    if (this.game.status !== 'waiting') {
      this.schedule();
      this.agents.update(this.game);
      return;
    }
    const present = new Set([...this.seated.values()].map((s) => s.seat));
    const ready = Object.entries(this.game.header.seats).every(([seat, c]) => c.kind === 'agent' || present.has(seat as Seat));
    if (ready) await this.act('system', { type: 'start' });
  }

  /** Arms the turn timer on the room clock; expiry goes through the engine like any action. */
  private schedule() {
    this.timer?.clear();
    this.timer = undefined;
    const deadline = this.game.deadline;
    if (deadline === null || this.game.status !== 'running') return;
    const seq = this.game.lastSeq;
    this.timer = this.clock.setTimeout(() => {
      void this.enqueue(async () => {
        if (this.game.lastSeq !== seq) return;
        const refusal = await this.act('system', { type: 'timeout' });
        if (refusal?.code === 'too-early') this.schedule();
      });
    }, Math.max(0, deadline - Date.now()));
  }

  /**
   * Sends a connection its seat's view when that view changed since the last one it
   * got (or always, when `force`: a join, a reconnect, a sync). A seat whose view an
   * event leaves unchanged receives nothing, so the timing of messages tells it
   * nothing its view hides (a debater's speech in a round the judge cannot see yet).
   */
  private sendView(client: Client, force = false) {
    const who = this.seated.get(client.sessionId);
    if (!who) return;
    const view = viewFor(this.game, who.seat);
    const serialised = JSON.stringify(view);
    if (!force && serialised === who.lastView) return;
    who.lastView = serialised;
    const message: ViewMessage = { view, serverNow: Date.now() };
    client.send('view', message);
  }

  private refuse(client: Client, refusal: RefusalMessage) {
    client.send('refused', refusal);
  }

  private broadcastPresence() {
    const connected = new Set<Seat>();
    let observers = 0;
    for (const client of this.clients) {
      const s = this.seated.get(client.sessionId);
      if (!s) continue;
      if (s.seat === 'observer') observers++;
      else connected.add(s.seat);
    }
    const presence: Presence = { seats: {}, observers };
    for (const [seat, c] of Object.entries(this.game.header.seats)) {
      presence.seats[seat as Seat] = { kind: c.kind, connected: c.kind === 'agent' || connected.has(seat as Seat), open: !!c.open };
    }
    this.broadcast('presence', presence);
  }
}

/** The matchmaker adds its own keys to join options; the room validates only the client's. */
function stripMatchmakingKeys(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object') return raw;
  const { contextId: _c, ...rest } = raw as Record<string, unknown>;
  return rest;
}
