import { randomBytes } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { Server as IoServer, type Namespace, type Socket } from 'socket.io';
import { AGENT_PROTOCOL_VERSION, AGENTS_NAMESPACE, type AgentClosing, type AgentTurnMessage, type HandshakeRefusalCode, type AgentWelcome, type DebateEvent } from '@arena/shared';
import type { AgentKeys } from '../../store/agent-keys.ts';
import type { Agent } from '../agent.ts';
import { HandshakeError } from './handshake.ts';
import { remoteAgentId, remoteNameOf } from './kind.ts';
import { RemoteAgent } from './remote-agent.ts';
import type { FailureCode } from '../driver.ts';
import { ALL, claimKey, to, type BusMessage, type GatewayBus } from './relay.ts';
import { NameStats, type RemoteAgentStats } from './stats.ts';

interface Connection {
  socket: Socket;
  name: string;
  keyId: string;
  client: string | null;
  connectedAt: number;
  /** Turns sent to this connection and not yet answered. */
  inFlight: number;
}

interface Pending {
  message: AgentTurnMessage;
  name: string;
  conn: Connection | null;
  sentAt: number;
  settled: boolean;
  resolve(reply: unknown): void;
  /** A turn of this process's debate offered to the other processes under `claim`, claimed by `by` once one takes it. */
  remote: { claim: string; by: string | null } | null;
  /** A turn served here for another process's debate. */
  proxyFor?: { claim: string; origin: string };
}

/** How long another process's list of connected names counts without being repeated. */
const NAMES_TTL_MS = 15_000;

/** Who a handshake admits (the access policy's answer): the agent's name and key, or a typed refusal. */
export type AdmitAgent = (
  auth: unknown,
) => Promise<{ ok: true; principal: { name: string; keyId: string }; client: string | null } | { ok: false; code: HandshakeRefusalCode; reason: string }>;

export interface GatewayDeps {
  keys: Pick<AgentKeys, 'activeNames'>;
  /** Decides each handshake (access/agent-key.ts); the gateway only adapts its answer. */
  admit: AdmitAgent;
  log: (line: string) => void;
}

/**
 * The remote agent gateway: a socket.io server (namespace /agents) beside the Colyseus
 * transport on the same port. An agent authenticates with a key issued for its name;
 * a seat configured as `remote:<name>` is played by a connected agent of that name,
 * through RemoteAgent and the ordinary agent driver (budget, one retry after a refusal,
 * then a forfeit). Several connections of one name share its turns, each turn going to
 * the connection with the fewest in flight; a turn whose connection drops goes to
 * another connection of the name, or to the next one that connects. With several
 * server processes, a turn whose agent is connected to another process is relayed
 * through the bus (relay.ts): offered to all, claimed by one process that holds a
 * connection of the name, answered back.
 */
export class AgentGateway {
  private io: IoServer | undefined;
  private namespace: Namespace | undefined;
  /** Names holding a key that is not revoked: the remote agents seats may name. */
  private names = new Set<string>();
  private readonly conns = new Map<string, Set<Connection>>();
  private readonly pending = new Set<Pending>();
  private readonly stats = new Map<string, NameStats>();
  private bus: GatewayBus | undefined;
  /** Names connected to other processes, as they last announced them. */
  private readonly elsewhere = new Map<string, { names: string[]; at: number }>();
  private announcer: NodeJS.Timeout | undefined;

  private readonly deps: GatewayDeps;

  constructor(deps: GatewayDeps) {
    this.deps = deps;
  }

  /** Reads which names hold keys (at start). */
  async load(): Promise<void> {
    this.names = new Set(await this.deps.keys.activeNames());
  }

  /**
   * Attaches socket.io to the listening HTTP server (after Colyseus's transport, which
   * ignores /socket.io/), and joins the other processes' gateways through `bus`.
   */
  async attach(httpServer: HttpServer, bus?: GatewayBus): Promise<void> {
    if (bus) {
      this.bus = bus;
      await bus.subscribe(ALL, (m: BusMessage) => void this.onBus(m));
      await bus.subscribe(to(bus.processId), (m: BusMessage) => void this.onBus(m));
      this.announcer = setInterval(() => this.announce(), NAMES_TTL_MS / 3);
      this.announcer.unref();
    }
    // destroyUpgrade off: every other upgrade is Colyseus's, which engine.io would otherwise
    // watch (a listener and a timer on each of the rooms' sockets).
    this.io = new IoServer(httpServer, { serveClient: false, maxHttpBufferSize: 256 * 1024, pingInterval: 10_000, pingTimeout: 10_000, destroyUpgrade: false });
    const ns = this.io.of(AGENTS_NAMESPACE);
    this.namespace = ns;
    ns.use((socket, next) => {
      this.deps.admit(socket.handshake.auth).then(
        (admitted) => {
          if (!admitted.ok) return next(new HandshakeError(admitted.code, admitted.reason));
          socket.data = { name: admitted.principal.name, keyId: admitted.principal.keyId, client: admitted.client };
          next();
        },
        (err: unknown) => next(err instanceof HandshakeError ? err : new HandshakeError('bad-handshake', 'the handshake could not be checked')),
      );
    });
    ns.on('connection', (socket) => this.connected(socket));
    // The default namespace has no use: refuse it rather than hold idle sockets.
    this.io.of('/').use((_socket, next) => next(new Error(`connect to the ${AGENTS_NAMESPACE} namespace`)));
  }

  private connected(socket: Socket): void {
    const { name, keyId, client } = socket.data as { name: string; keyId: string; client: string | null };
    const conn: Connection = { socket, name, keyId, client, connectedAt: Date.now(), inFlight: 0 };
    let set = this.conns.get(name);
    if (!set) this.conns.set(name, (set = new Set()));
    set.add(conn);
    this.statsOf(name);
    const welcome: AgentWelcome = { name, protocol: AGENT_PROTOCOL_VERSION, serverNow: Date.now() };
    socket.emit('welcome', welcome);
    socket.on('disconnect', () => {
      set.delete(conn);
      if (set.size === 0) {
        this.conns.delete(name);
        this.announce();
      }
      // Its unanswered turns go to another connection of the name, or wait for one.
      for (const p of this.pending) {
        if (p.conn !== conn) continue;
        p.conn = null;
        this.dispatch(p);
      }
    });
    if (set.size === 1) {
      this.announce();
      this.bus?.publish(ALL, { type: 'connected', name, process: this.bus.processId } satisfies BusMessage);
    }
    // Turns waiting for this name (not already taken by another process) come here.
    for (const p of this.pending) if (p.name === name && !p.conn && !p.remote?.by) this.dispatch(p);
  }

  /** Tells the other processes which names are connected here. */
  private announce(): void {
    this.bus?.publish(ALL, { type: 'names', process: this.bus.processId, names: [...this.conns.keys()], at: Date.now() } satisfies BusMessage);
  }

  /** Whether a seat may name `remote:<name>`: the name holds a key that is not revoked. */
  knows(name: string): boolean {
    return this.names.has(name);
  }

  /** Names that hold keys, as seat agent ids (`remote:<name>`). */
  agentIds(): string[] {
    return [...this.names].sort().map(remoteAgentId);
  }

  /** Whether at least one connection of `name` is live, here or (as last announced) in another process. */
  isConnected(name: string): boolean {
    if ((this.conns.get(name)?.size ?? 0) > 0) return true;
    const fresh = Date.now() - NAMES_TTL_MS;
    for (const e of this.elsewhere.values()) if (e.at > fresh && e.names.includes(name)) return true;
    return false;
  }

  /** The agent that plays a `remote:<name>` seat. Throws for a name without a key. */
  agent(id: string): Agent {
    const name = remoteNameOf(id) ?? id;
    if (!this.knows(name)) {
      throw new Error(`unknown remote agent "${name}": a researcher issues it a key first (arena agents keys issue ${name})`);
    }
    return new RemoteAgent(id, name, this);
  }

  /**
   * Sends a turn to a connection of `name` and resolves with its acknowledgement, raw
   * (RemoteAgent validates it). Waits for a connection when none is live; re-sends the
   * turn when its connection drops. Aborting `signal` withdraws the turn (the agent is
   * sent "cancel").
   */
  request(name: string, message: AgentTurnMessage, signal: AbortSignal): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const stats = this.statsOf(name);
      stats.turns++;
      const p: Pending = {
        message,
        name,
        conn: null,
        sentAt: Date.now(),
        settled: false,
        remote: null,
        resolve: (reply) => {
          if (p.settled) return;
          settle();
          stats.answered++;
          stats.latency(Date.now() - p.sentAt);
          resolve(reply);
        },
      };
      const settle = () => {
        p.settled = true;
        if (p.conn) p.conn.inFlight--;
        this.pending.delete(p);
        signal.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        if (p.settled) return;
        const conn = p.conn;
        settle();
        if (p.remote?.by) this.bus?.publish(to(p.remote.by), { type: 'cancel', claim: p.remote.claim } satisfies BusMessage);
        // The driver's own deadline (not a session closing, nor the rules' timer ending the turn first).
        if ((signal.reason as Error | undefined)?.name === 'TurnTimeout') stats.timeouts++;
        conn?.socket.emit('cancel', { turnId: message.turnId, reason: 'the turn is over' });
        reject(signal.reason);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.add(p);
      this.dispatch(p);
    });
  }

  private dispatch(p: Pending): void {
    if (p.settled) return;
    const set = this.conns.get(p.name);
    if (!set || set.size === 0) {
      if (p.proxyFor) {
        // Served here for another process and no connection is left: give it back.
        p.settled = true;
        this.pending.delete(p);
        this.bus?.publish(to(p.proxyFor.origin), { type: 'unassigned', claim: p.proxyFor.claim } satisfies BusMessage);
      } else this.offer(p);
      return;
    }
    p.remote = null;
    let best: Connection | undefined;
    for (const c of set) if (!best || c.inFlight < best.inFlight) best = c;
    const conn = best as Connection;
    p.conn = conn;
    conn.inFlight++;
    p.sentAt = Date.now();
    conn.socket.emit('turn', p.message, (reply: unknown) => {
      if (p.conn !== conn) return;
      const turnId = (reply as { turnId?: unknown } | null)?.turnId;
      if (turnId !== undefined && turnId !== p.message.turnId) {
        // A late answer to an earlier turn took this acknowledgement: ask for this turn again.
        conn.inFlight--;
        p.conn = null;
        this.dispatch(p);
        return;
      }
      p.resolve(reply);
    });
  }

  /** Offers a turn of a debate served here to the processes that hold connections of its name. */
  private offer(p: Pending): void {
    if (!this.bus) return;
    const claim = randomBytes(9).toString('base64url');
    p.remote = { claim, by: null };
    this.bus.publish(ALL, { type: 'turn', claim, origin: this.bus.processId, name: p.name, message: p.message } satisfies BusMessage);
  }

  private async onBus(m: BusMessage): Promise<void> {
    const me = this.bus?.processId;
    const byClaim = (claim: string) => [...this.pending].find((p) => p.remote?.claim === claim);
    switch (m.type) {
      case 'turn': {
        if (m.origin === me || !this.conns.get(m.name)?.size || !this.bus) return;
        // One process takes the turn: the first to count its claim.
        if ((await this.bus.incr(claimKey(m.claim))) !== 1) return;
        this.bus.expire(claimKey(m.claim), 3600);
        const p: Pending = { message: m.message, name: m.name, conn: null, sentAt: Date.now(), settled: false, remote: null, proxyFor: { claim: m.claim, origin: m.origin }, resolve: () => {} };
        p.resolve = (reply) => {
          if (p.settled) return;
          p.settled = true;
          if (p.conn) p.conn.inFlight--;
          this.pending.delete(p);
          this.bus?.publish(to(m.origin), { type: 'reply', claim: m.claim, reply } satisfies BusMessage);
        };
        this.pending.add(p);
        this.bus.publish(to(m.origin), { type: 'claimed', claim: m.claim, by: this.bus.processId } satisfies BusMessage);
        this.dispatch(p);
        return;
      }
      case 'claimed': {
        const p = byClaim(m.claim);
        if (p && !p.remote?.by) p.remote = { claim: m.claim, by: m.by };
        // A stale offer (the turn was answered, withdrawn or taken here meanwhile): the claimer lets it go.
        else this.bus?.publish(to(m.by), { type: 'cancel', claim: m.claim } satisfies BusMessage);
        return;
      }
      case 'reply':
        byClaim(m.claim)?.resolve(m.reply);
        return;
      case 'unassigned': {
        const p = byClaim(m.claim);
        if (p) this.dispatch(p);
        return;
      }
      case 'cancel':
        for (const p of this.pending) {
          if (p.proxyFor?.claim !== m.claim) continue;
          p.settled = true;
          this.pending.delete(p);
          if (p.conn) {
            p.conn.inFlight--;
            p.conn.socket.emit('cancel', { turnId: p.message.turnId, reason: 'the turn is over' });
          }
        }
        return;
      case 'connected':
        // A name came up elsewhere: offer it the turns still waiting for one.
        if (m.process === me) return;
        for (const p of this.pending) if (p.name === m.name && !p.proxyFor && !p.conn && !p.remote?.by) this.offer(p);
        return;
      case 'names':
        if (m.process !== me) this.elsewhere.set(m.process, { names: m.names, at: m.at });
        return;
      case 'keys':
        this.names = new Set(await this.deps.keys.activeNames());
        return;
      case 'revoked':
        this.names = new Set(await this.deps.keys.activeNames());
        this.closeKey(m.keyId);
        return;
    }
  }

  /** Counts a refused and/or malformed answer for the researchers' view. */
  note(name: string, counts: { refused: boolean; malformed: boolean }): void {
    const s = this.statsOf(name);
    if (counts.refused) s.refusals++;
    if (counts.malformed) s.malformed++;
  }

  /** Watches stored events for forfeits by remote agents (sessions' lifecycle listener). */
  observe(event: DebateEvent): void {
    if (event.action.type !== 'forfeit') return;
    const agent = event.meta?.agent;
    const name = typeof agent === 'string' ? remoteNameOf(agent) : null;
    if (name === null) return;
    const s = this.statsOf(name);
    s.forfeits++;
    // The second of two refused answers is only known here, by the forfeit it caused.
    if (event.meta?.failureCode === ('refused-twice' satisfies FailureCode)) s.refusals++;
  }

  /** A key was issued: its name may now be seated (in every process). */
  issued(name: string): void {
    this.names.add(name);
    this.bus?.publish(ALL, { type: 'keys' } satisfies BusMessage);
  }

  /** A key was revoked: its connections are closed in every process, and its name dropped when it holds no other key. */
  async revoked(keyId: string): Promise<void> {
    this.names = new Set(await this.deps.keys.activeNames());
    this.closeKey(keyId);
    this.bus?.publish(ALL, { type: 'revoked', keyId } satisfies BusMessage);
  }

  private closeKey(keyId: string): void {
    const closing: AgentClosing = { code: 'key-revoked', message: 'the key of this connection was revoked' };
    for (const set of this.conns.values()) {
      for (const c of set) {
        if (c.keyId !== keyId) continue;
        c.socket.emit('closing', closing);
        c.socket.disconnect(true);
      }
    }
  }

  /** Per name: connections, turns, round-trip latency, refusals, timeouts, forfeits (researchers only). */
  report(): RemoteAgentStats[] {
    const names = new Set([...this.names, ...this.stats.keys(), ...this.conns.keys()]);
    return [...names].sort().map((name) =>
      this.statsOf(name).report(
        name,
        this.names.has(name),
        [...(this.conns.get(name) ?? [])].map((c) => ({ id: c.socket.id, client: c.client, connectedAt: c.connectedAt, inFlight: c.inFlight })),
      ),
    );
  }

  /** Round-trip samples of every name, ms (the benchmark reads them). */
  roundTrips(): number[] {
    return [...this.stats.values()].flatMap((s) => s.samples());
  }

  private statsOf(name: string): NameStats {
    let s = this.stats.get(name);
    if (!s) this.stats.set(name, (s = new NameStats()));
    return s;
  }

  async close(): Promise<void> {
    clearInterval(this.announcer);
    if (!this.io) return;
    const closing: AgentClosing = { code: 'server-closing', message: 'the server is shutting down' };
    this.namespace?.emit('closing', closing);
    // Closing the transports (not the sockets) lets clients reconnect by themselves when the server is back.
    await this.io.close();
    this.io = undefined;
  }
}
