import type { Server as HttpServer } from 'node:http';
import { Server as IoServer, type Namespace, type Socket } from 'socket.io';
import {
  AGENT_PROTOCOL_VERSION,
  AGENTS_NAMESPACE,
  AgentHandshake,
  describeIssues,
  REMOTE_PREFIX,
  type AgentClosing,
  type AgentTurnMessage,
  type AgentWelcome,
  type DebateEvent,
  type HandshakeRefusal,
  type HandshakeRefusalCode,
} from '@arena/shared';
import type { AgentKeys } from '../../store/agent-keys.ts';
import type { Agent } from '../agent.ts';
import { RemoteAgent } from './remote-agent.ts';
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
}

export interface GatewayDeps {
  keys: AgentKeys;
  log: (line: string) => void;
}

class HandshakeError extends Error {
  readonly data: HandshakeRefusal;
  constructor(code: HandshakeRefusalCode, message: string) {
    super(message);
    this.data = { code, message, serverProtocol: AGENT_PROTOCOL_VERSION };
  }
}

/**
 * The remote agent gateway: a socket.io server (namespace /agents) beside the Colyseus
 * transport on the same port. An agent authenticates with a key issued for its name;
 * a seat configured as `remote:<name>` is played by a connected agent of that name,
 * through RemoteAgent and the ordinary agent driver (budget, one retry after a refusal,
 * then a forfeit). Several connections of one name share its turns, each turn going to
 * the connection with the fewest in flight; a turn whose connection drops goes to
 * another connection of the name, or to the next one that connects.
 */
export class AgentGateway {
  private io: IoServer | undefined;
  private namespace: Namespace | undefined;
  /** Names holding a key that is not revoked: the remote agents seats may name. */
  private names = new Set<string>();
  private readonly conns = new Map<string, Set<Connection>>();
  private readonly pending = new Set<Pending>();
  private readonly stats = new Map<string, NameStats>();

  constructor(private readonly deps: GatewayDeps) {}

  /** Reads which names hold keys (at start). */
  async load(): Promise<void> {
    this.names = new Set(await this.deps.keys.activeNames());
  }

  /** Attaches socket.io to the listening HTTP server (after Colyseus's transport, which ignores /socket.io/). */
  attach(httpServer: HttpServer): void {
    this.io = new IoServer(httpServer, { serveClient: false, maxHttpBufferSize: 256 * 1024, pingInterval: 10_000, pingTimeout: 10_000 });
    const ns = this.io.of(AGENTS_NAMESPACE);
    this.namespace = ns;
    ns.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (err: unknown) => next(err instanceof HandshakeError ? err : new HandshakeError('bad-handshake', 'the handshake could not be checked')),
      );
    });
    ns.on('connection', (socket) => this.connected(socket));
    // The default namespace has no use: refuse it rather than hold idle sockets.
    this.io.of('/').use((_socket, next) => next(new Error(`connect to the ${AGENTS_NAMESPACE} namespace`)));
  }

  private async authenticate(socket: Socket): Promise<void> {
    const parsed = AgentHandshake.safeParse(socket.handshake.auth);
    if (!parsed.success) {
      const protocol = (socket.handshake.auth as { protocol?: unknown } | undefined)?.protocol;
      if (typeof protocol === 'number' && protocol !== AGENT_PROTOCOL_VERSION) throw this.versionError(protocol);
      throw new HandshakeError('bad-handshake', `auth must be { key, name, protocol }: ${describeIssues(parsed.error)}`);
    }
    const { key, name, protocol, client } = parsed.data;
    if (protocol !== AGENT_PROTOCOL_VERSION) throw this.versionError(protocol);
    const found = await this.deps.keys.find(key);
    if (!found) throw new HandshakeError('bad-key', 'this key is not known here');
    if (found.revokedAt !== null) throw new HandshakeError('key-revoked', 'this key was revoked; ask the researcher for a new one');
    if (found.name !== name) throw new HandshakeError('wrong-name', `this key is for the agent "${found.name}", not "${name}"`);
    socket.data = { name, keyId: found.id, client: client ?? null };
  }

  private versionError(protocol: number): HandshakeError {
    return new HandshakeError('protocol-version', `this server speaks agent protocol ${AGENT_PROTOCOL_VERSION}, the client ${protocol}: update the client`);
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
      if (set.size === 0) this.conns.delete(name);
      // Its unanswered turns go to another connection of the name, or wait for one.
      for (const p of this.pending) {
        if (p.conn !== conn) continue;
        p.conn = null;
        this.dispatch(p);
      }
    });
    for (const p of this.pending) if (p.name === name && !p.conn) this.dispatch(p);
  }

  /** Whether a seat may name `remote:<name>`: the name holds a key that is not revoked. */
  knows(name: string): boolean {
    return this.names.has(name);
  }

  /** Names that hold keys, as seat agent ids (`remote:<name>`). */
  agentIds(): string[] {
    return [...this.names].sort().map((n) => `${REMOTE_PREFIX}${n}`);
  }

  /** Whether at least one connection of `name` is live. */
  isConnected(name: string): boolean {
    return (this.conns.get(name)?.size ?? 0) > 0;
  }

  /** The agent that plays a `remote:<name>` seat. Throws for a name without a key. */
  agent(id: string): Agent {
    const name = id.slice(REMOTE_PREFIX.length);
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
    if (!set || set.size === 0) return;
    let best: Connection | undefined;
    for (const c of set) if (!best || c.inFlight < best.inFlight) best = c;
    const conn = best as Connection;
    p.conn = conn;
    conn.inFlight++;
    p.sentAt = Date.now();
    conn.socket.emit('turn', p.message, (reply: unknown) => {
      if (p.conn === conn) p.resolve(reply);
    });
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
    if (typeof agent !== 'string' || !agent.startsWith(REMOTE_PREFIX)) return;
    const s = this.statsOf(agent.slice(REMOTE_PREFIX.length));
    s.forfeits++;
    // The second of two refused answers is only known here, by the forfeit it caused.
    if (typeof event.meta?.failure === 'string' && event.meta.failure.startsWith('refused twice')) s.refusals++;
  }

  /** A key was issued: its name may now be seated. */
  issued(name: string): void {
    this.names.add(name);
  }

  /** A key was revoked: its connections are closed, and its name dropped when it holds no other key. */
  async revoked(keyId: string): Promise<void> {
    this.names = new Set(await this.deps.keys.activeNames());
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
    if (!this.io) return;
    const closing: AgentClosing = { code: 'server-closing', message: 'the server is shutting down' };
    this.namespace?.emit('closing', closing);
    this.namespace?.disconnectSockets(true);
    await this.io.close();
    this.io = undefined;
  }
}
