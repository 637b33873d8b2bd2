import { Room, ServerError, type Client } from '@colyseus/core';
import {
  ClientAction,
  describeIssues,
  PROTOCOL_VERSION,
  type DebateView,
  type Presence,
  type RefusalMessage,
  type Seat,
  type ChangeMessage,
  type ViewChange,
  type ViewMessage,
  type Welcome,
} from '@arena/shared';
import type { DebateSession, Subscription } from '../sessions/debate-session.ts';
import type { Sessions } from '../sessions/sessions.ts';
import type { Store } from '../store/store.ts';
import { authorizeJoin, JoinRefused } from '../access/join.ts';

/** What the server hands every debate room when it defines the room type (in-process, by closure). */
export interface DebateRoomDeps {
  sessions: Sessions;
  store: Store;
  reconnectSeconds: number;
  /** Opens a private debate to an observer. */
  researcherToken: string;
}

interface Seated {
  seat: Seat;
  token: string | null;
}

/**
 * The Colyseus face of a debate session: it authenticates a seat, subscribes the
 * connection to the session, and forwards actions and views. The debate itself (rules,
 * storage, timers, agents) lives in the session and goes on when the room is gone.
 */
export class DebateRoom extends Room {
  // Colyseus's own limit closes a flooding client's socket and drops what it sent; the
  // room's limiter (below) refuses the excess with a typed answer and keeps the seat.
  override maxMessagesPerSecond = Number.POSITIVE_INFINITY;
  // Nothing is synchronised through Colyseus state. A patch rate of 0 or null would make
  // Colyseus tick this room's clock 60 times a second; a daily no-op patch does not.
  override patchRate = 86_400_000;

  private deps!: DebateRoomDeps;
  private session!: DebateSession;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly limits = new Map<string, RateLimiter>();

  /** The session's engine state (tests and benchmarks read it). */
  get engineState() {
    return this.session.state;
  }

  override async onCreate(options: { debateId: string; deps: DebateRoomDeps }) {
    this.deps = options.deps;
    const session = await this.deps.sessions.get(options.debateId);
    if (!session) {
      const refused = new JoinRefused('no-such-debate', `no debate "${options.debateId}"`);
      throw new ServerError(refused.code, refused.message);
    }
    this.session = session;
    this.roomId = options.debateId;
    this.onMessage('action', (client, payload) => this.limited(client, 'action') && this.onAction(client, payload));
    this.onMessage('sync', (client) => this.limited(client, 'sync') && this.subscriptions.get(client.sessionId)?.sync());
    this.onMessage('*', (client, type) => this.limited(client, String(type)) && this.refuse(client, { code: 'malformed', message: `unknown message type "${String(type)}"` }));
  }

  /** The access policy decides who may take which seat; a refusal reaches the client as a typed join error. */
  override async onAuth(_client: Client, raw: unknown): Promise<Seated> {
    const state = this.session.state;
    const summary = await this.deps.store.summary(this.session.id);
    try {
      return await authorizeJoin(this.deps, { header: state.header, visibility: summary?.visibility ?? 'private', status: state.status }, stripMatchmakingKeys(raw));
    } catch (err) {
      // Colyseus sends a ServerError's code to the client (and does not log it as a failure).
      if (err instanceof JoinRefused) throw new ServerError(err.code, err.message);
      throw err;
    }
  }

  override onJoin(client: Client, _options: unknown, auth: Seated) {
    const welcome: Welcome = { debateId: this.session.id, seat: auth.seat, token: auth.token, protocol: PROTOCOL_VERSION, serverNow: Date.now() };
    client.send('welcome', welcome);
    // A reconnection brings a new Client object under the same session id: always send to the current one.
    const id = client.sessionId;
    const current = () => this.clients.getById(id) ?? client;
    // Numbers the views and changes sent to this connection, so its client can spot a gap.
    let n = 0;
    const subscription = this.session.subscribe(auth.seat, {
      view: (view: DebateView) => current().send('view', { view, n: ++n, serverNow: Date.now() } satisfies ViewMessage),
      change: (change: ViewChange) => current().send('change', { change, n: ++n, serverNow: Date.now() } satisfies ChangeMessage),
      presence: (presence: Presence) => current().send('presence', presence),
      // A newer connection took the seat (a reload): this one no longer controls it.
      evicted: () => current().leave(4000, 'seat taken over by a newer connection'),
    });
    this.subscriptions.set(client.sessionId, subscription);
  }

  override async onDrop(client: Client) {
    try {
      await this.allowReconnection(client, this.deps.reconnectSeconds);
    } catch {
      // Reconnection window over: onLeave follows.
    }
  }

  override onReconnect(client: Client) {
    const subscription = this.subscriptions.get(client.sessionId);
    // Taken over while this connection was away: it must not come back as a second controller.
    if (!subscription?.active) return client.leave(4000, 'seat taken over by a newer connection');
    subscription.sync();
  }

  override onLeave(client: Client) {
    this.subscriptions.get(client.sessionId)?.close();
    this.subscriptions.delete(client.sessionId);
    this.limits.delete(client.sessionId);
  }

  /** Counts a message against its sender's limit; over it, the sender hears why and keeps its seat. */
  private limited(client: Client, about: string): boolean {
    let limiter = this.limits.get(client.sessionId);
    if (!limiter) this.limits.set(client.sessionId, (limiter = new RateLimiter(MESSAGES_PER_SECOND, MESSAGES_PER_SECOND)));
    if (limiter.take(Date.now())) return true;
    this.refuse(client, {
      code: 'rate-limited',
      message: `too many messages: at most ${MESSAGES_PER_SECOND} a second; this ${about} message was not applied, send it again in a moment`,
      about,
    });
    return false;
  }

  override onDispose() {
    for (const s of this.subscriptions.values()) s.close();
    this.subscriptions.clear();
    // A room whose creation failed (no such debate) never had a session.
    if (this.session) this.deps.sessions.release(this.session.id, this.session);
  }

  private async onAction(client: Client, payload: unknown) {
    const subscription = this.subscriptions.get(client.sessionId);
    if (!subscription) return this.refuse(client, { code: 'not-a-participant', message: 'join a seat first' });
    const parsed = ClientAction.safeParse(payload);
    if (!parsed.success) return this.refuse(client, { code: 'malformed', message: `malformed action: ${describeIssues(parsed.error)}` });
    const refusal = await subscription.submit(parsed.data);
    if (refusal) this.refuse(client, { ...refusal, about: parsed.data.type });
  }

  private refuse(client: Client, refusal: RefusalMessage) {
    client.send('refused', refusal);
  }
}

const MESSAGES_PER_SECOND = 20;

/** A token bucket: `burst` messages at once, refilled at `perSecond`. */
export class RateLimiter {
  private tokens: number;
  private at = 0;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  take(now: number): boolean {
    if (this.at) this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** The matchmaker adds the room type's own options to join options; the room validates only the client's. */
function stripMatchmakingKeys(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object') return raw;
  const { deps: _d, ...rest } = raw as Record<string, unknown>;
  return rest;
}
