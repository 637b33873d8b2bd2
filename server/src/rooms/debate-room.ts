import { Room, ServerError, type AuthContext, type Client } from '@colyseus/core';
import {
  CLIENT_MESSAGE,
  CLIENT_MESSAGE_SCHEMAS,
  describeIssues,
  PROTOCOL_VERSION,
  SERVER_MESSAGE,
  sendToClient,
  type DebateView,
  type Presence,
  type RefusalMessage,
  type Seat,
  type ViewChange,
  type Welcome,
} from '@arena/shared';
import type { DebateSession, Subscriber, Subscription } from '../sessions/debate-session.ts';
import type { Sessions } from '../sessions/sessions.ts';
import type { Store } from '../store/store.ts';
import { authorizeJoin, JoinRefused } from '../access/join.ts';
import type { StudyShield } from '../access/study.ts';
import { peerAddress, type ConnectionLimits } from './connection-limits.ts';

/** What the server hands every debate room when it defines the room type (in-process, by closure). */
export interface DebateRoomDeps {
  sessions: Sessions;
  store: Store;
  reconnectSeconds: number;
  /** Opens a private debate to an observer. */
  researcherToken: string;
  /** The scenarios of the studies running now (access/study.ts): joins to a debate over one, outside its study, are refused. */
  shield: () => Promise<StudyShield>;
  /** Connections per address and observers per debate. */
  limits: ConnectionLimits;
  /** A connection's client address from its peer address and X-Forwarded-For (trusted proxies only). */
  addressOf: (peer: string | undefined, forwardedFor: string | null | undefined) => string;
}

interface Seated {
  seat: Seat;
  token: string | null;
  /** The client's address, counted against its limit while the connection lasts. */
  address: string;
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
  private readonly connections = new Map<string, SeatConnection>();

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
    // One handler for every message type: each registration costs every room some memory.
    this.onMessage('*', (client, type, payload) => this.onClientMessage(client, String(type), payload));
  }

  /** The access policy decides who may take which seat; a refusal reaches the client as a typed join error. */
  override async onAuth(client: Client, raw: unknown, context: AuthContext): Promise<Seated> {
    if (this.session.movedAway) await this.rebind();
    const state = this.session.state;
    const { limits } = this.deps;
    const address = this.deps.addressOf(peerAddress(client), context?.headers?.get('x-forwarded-for'));
    try {
      const over = limits.refusal(address);
      if (over) throw over;
      const summary = await this.deps.store.summary(this.session.id);
      const grant = await authorizeJoin(this.deps, { header: state.header, visibility: summary?.visibility ?? 'private', status: state.status }, stripMatchmakingKeys(raw));
      // Checked again and counted in one step, after the awaits: concurrent joins cannot all slip under a limit.
      const stillOver = limits.refusal(address);
      if (stillOver) throw stillOver;
      if (grant.seat === 'observer' && this.observersCounted >= limits.observersPerDebate) {
        throw new JoinRefused('too-many-connections', `this debate has ${limits.observersPerDebate} observers, the most one debate may have; try again later`);
      }
      this.count(client, address, grant.seat);
      return { ...grant, address };
    } catch (err) {
      // Colyseus sends a ServerError's code to the client (and does not log it as a failure).
      if (err instanceof JoinRefused) throw new ServerError(err.code, err.message);
      throw err;
    }
  }

  /**
   * The session stopped serving the debate (another process took it over, or it had to be
   * loaded again): serve the debate's new session if this process holds it, else close
   * the room so that the next join is routed to the owner.
   */
  private async rebind(): Promise<void> {
    const fresh = await this.deps.sessions.get(this.session.id);
    if (fresh) {
      this.session = fresh;
      return;
    }
    void this.disconnect();
    // Not a refusal: a client tries again, and lands where the debate is served.
    throw new ServerError(503, 'this debate is moving to another server process: join again in a moment');
  }

  override onJoin(client: Client, _options: unknown, auth: Seated) {
    const welcome: Welcome = { debateId: this.session.id, seat: auth.seat, token: auth.token, protocol: PROTOCOL_VERSION, serverNow: Date.now() };
    sendToClient(client, SERVER_MESSAGE.welcome, welcome);
    const connection = new SeatConnection(this, client, auth.seat, auth.address);
    this.connections.set(client.sessionId, connection);
    connection.subscription = this.session.subscribe(auth.seat, connection);
  }

  override async onDrop(client: Client) {
    try {
      await this.allowReconnection(client, this.deps.reconnectSeconds);
    } catch {
      // Reconnection window over: onLeave follows.
    }
  }

  override onReconnect(client: Client) {
    const connection = this.connections.get(client.sessionId);
    const subscription = connection?.subscription;
    // Taken over while this connection was away: it must not come back as a second controller.
    if (!subscription?.active) return client.leave(4000, 'seat taken over by a newer connection');
    this.count(client, connection!.address, connection!.seat);
    subscription.sync();
  }

  override onLeave(client: Client) {
    this.connections.get(client.sessionId)?.subscription.close();
    this.connections.delete(client.sessionId);
  }

  /**
   * Counts an admitted socket against its address's limit (and an observer's against the
   * debate's) until the socket closes, whatever path it closes by: a join that fails after
   * authentication, a drop, a leave, the room's end.
   */
  private count(client: Client, address: string, seat: Seat): void {
    const { limits } = this.deps;
    limits.opened(address);
    if (seat === 'observer') this.observersCounted++;
    const socket = client.ref as unknown as { once(event: 'close', f: () => void): void };
    socket.once('close', () => {
      limits.closed(address);
      if (seat === 'observer') this.observersCounted--;
    });
  }

  /** Observers' sockets open on this debate here (its room lives in the process that owns it). */
  private observersCounted = 0;


  /** Counts a message against its sender's limit; over it, the sender hears why and keeps its seat. */
  private limited(client: Client, connection: SeatConnection, about: string): boolean {
    if (connection.limiter.take(Date.now())) return true;
    this.refuse(client, {
      code: 'rate-limited',
      message: `too many messages: at most ${MESSAGES_PER_SECOND} a second; this ${about} message was not applied, send it again in a moment`,
      about,
    });
    return false;
  }

  override onDispose() {
    for (const c of this.connections.values()) c.subscription.close();
    this.connections.clear();
    // A room whose creation failed (no such debate) never had a session.
    if (this.session) this.deps.sessions.release(this.session.id, this.session);
  }

  private onClientMessage(client: Client, type: string, payload: unknown) {
    // Colyseus delivers messages only from joined clients, and onJoin made their connection.
    const connection = this.connections.get(client.sessionId);
    if (!connection) return this.refuse(client, { code: 'not-a-participant', message: 'join a seat first' });
    if (!this.limited(client, connection, type)) return;
    if (type === CLIENT_MESSAGE.action) return void this.onAction(client, connection.subscription, payload);
    if (type === CLIENT_MESSAGE.sync) return connection.subscription.sync();
    this.refuse(client, { code: 'malformed', message: `unknown message type "${type}"` });
  }

  private async onAction(client: Client, subscription: Subscription, payload: unknown) {
    const parsed = CLIENT_MESSAGE_SCHEMAS.action.safeParse(payload);
    if (!parsed.success) return this.refuse(client, { code: 'malformed', message: `malformed action: ${describeIssues(parsed.error)}` });
    const refusal = await subscription.submit(parsed.data);
    if (refusal) this.refuse(client, { ...refusal, about: parsed.data.type });
  }

  private refuse(client: Client, refusal: RefusalMessage) {
    sendToClient(client, SERVER_MESSAGE.refused, refusal);
  }
}

const MESSAGES_PER_SECOND = 20;
/** The close code that sends a client to join again (the browser client rejoins on any code but 4000). */
const MOVED = 4001;

/**
 * One connection's seat in a room: the session's subscriber for it (forwarding views,
 * changes and presence), its subscription, and its message limit. One object per
 * connection, without closures: thousands of debates each hold three.
 */
class SeatConnection implements Subscriber {
  readonly limiter = new RateLimiter(MESSAGES_PER_SECOND, MESSAGES_PER_SECOND);
  subscription!: Subscription;
  /** Numbers the views and changes sent to this connection, so its client can spot a gap. */
  private n = 0;
  private readonly room: DebateRoom;
  private readonly joined: Client;
  readonly seat: Seat;
  readonly address: string;

  constructor(room: DebateRoom, client: Client, seat: Seat, address: string) {
    this.room = room;
    this.joined = client;
    this.seat = seat;
    this.address = address;
  }

  /** A reconnection brings a new Client object under the same session id: always send to the current one. */
  private get client(): Client {
    return this.room.clients.getById(this.joined.sessionId) ?? this.joined;
  }

  view(view: DebateView): void {
    sendToClient(this.client, SERVER_MESSAGE.view, { view, n: ++this.n, serverNow: Date.now() });
  }

  change(change: ViewChange): void {
    sendToClient(this.client, SERVER_MESSAGE.change, { change, n: ++this.n, serverNow: Date.now() });
  }

  presence(presence: Presence): void {
    sendToClient(this.client, SERVER_MESSAGE.presence, presence);
  }

  /** A newer connection took the seat (a reload): this one no longer controls it. */
  evicted(): void {
    this.client.leave(4000, 'seat taken over by a newer connection');
  }

  /** The debate is served elsewhere now (or loaded again): the client joins again and lands where it is. */
  moved(): void {
    this.client.leave(MOVED, 'this debate is now served from elsewhere: join again');
  }
}

/** A token bucket: `burst` messages at once, refilled at `perSecond`. */
export class RateLimiter {
  private tokens: number;
  private at = 0;
  private readonly perSecond: number;
  private readonly burst: number;

  constructor(perSecond: number, burst: number) {
    this.perSecond = perSecond;
    this.burst = burst;
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
