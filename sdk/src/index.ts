/**
 * The TypeScript agent SDK: play arena seats from your own process.
 *
 *   import { connect } from '@arena/agent-sdk';
 *   const agent = connect({ url: 'http://localhost:2567', key, name: 'my-model' }, async (turn) => {
 *     // turn.view is exactly your seat's view; turn.legal says what you may do
 *     return { type: 'judge', probabilities: [0.5, 0.5], end: true };
 *   });
 *   await agent.ready;
 *
 * The handler returns an action, or `{ action, meta }` to keep measurements (model,
 * tokens, latency…, at most 4 KiB of JSON) in the transcript. It may run long: the
 * server's budget ends at `turn.deadline`, and `signal` aborts when the server cancels
 * the turn. A handler that throws is answered with a malformed acknowledgement, which
 * the server refuses like a bad action: you get the turn once more with `refusal` set.
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import {
  AGENT_MESSAGE,
  AGENT_PROTOCOL_VERSION,
  AGENTS_NAMESPACE,
  type AgentClosing,
  type AgentServerEvents,
  type AgentTurnMessage,
  type AgentTurnReply,
  type AgentWelcome,
  type ClientAction,
  type HandshakeRefusal,
} from '@arena/shared';

export type { AgentTurnMessage, AgentTurnReply, ClientAction } from '@arena/shared';
/** The HTTP API's requests and answers, for a lab that also creates debates or reads results over HTTP. */
export type { ApiErrorBody, CreateDebateRequest, CreatedDebate, DebateDetail, DebatesResponse, PresetsResponse, ResultsResponse, ScenariosResponse, SeatStepsResponse } from '@arena/shared';

export interface ConnectOptions {
  /** The arena's address, e.g. http://localhost:2567 (the same port as the web client). */
  url: string;
  /** The key a researcher issued for `name`. */
  key: string;
  name: string;
  /** Passed to socket.io-client (transports, reconnection delays…). */
  socket?: Partial<ManagerOptions & SocketOptions>;
}

export type TurnHandler = (turn: AgentTurnMessage, context: { signal: AbortSignal }) => Promise<ClientAction | AgentTurnReply>;

/** The server refused the handshake: `code` says why (bad-key, key-revoked, wrong-name, protocol-version, bad-handshake). */
export class HandshakeRefused extends Error {
  override name = 'HandshakeRefused';
  readonly refusal: HandshakeRefusal;

  constructor(refusal: HandshakeRefusal) {
    super(`${refusal.code}: ${refusal.message}`);
    this.refusal = refusal;
  }
}

export interface AgentConnection {
  socket: Socket<AgentServerEvents>;
  /** Resolves at the first welcome; rejects with HandshakeRefused. */
  ready: Promise<AgentWelcome>;
  /** Why the server last closed this agent (a revoked key, a shutdown), if it did. */
  closing: AgentClosing | null;
  close(): void;
}

const isAction = (r: ClientAction | AgentTurnReply): r is ClientAction => 'type' in r;

/** Connects an agent; reconnects by itself after a drop (a pending turn is then sent again). */
export function connect(options: ConnectOptions, handler: TurnHandler): AgentConnection {
  const socket: Socket<AgentServerEvents> = io(`${options.url.replace(/\/$/, '')}${AGENTS_NAMESPACE}`, {
    transports: ['websocket'],
    ...options.socket,
    auth: { key: options.key, name: options.name, protocol: AGENT_PROTOCOL_VERSION, client: 'arena-agent-sdk-ts/0.1' },
  });
  // One run of the handler per turn attempt, even when the server sends it again after a reconnect.
  const running = new Map<string, { controller: AbortController; reply: Promise<unknown> }>();
  const connection: AgentConnection = {
    socket,
    closing: null,
    ready: new Promise((resolve, reject) => {
      socket.once(AGENT_MESSAGE.welcome, resolve);
      socket.on('connect_error', (err: Error & { data?: HandshakeRefusal }) => {
        if (err.data?.code) reject(new HandshakeRefused(err.data));
      });
    }),
    close: () => {
      for (const r of running.values()) r.controller.abort(new Error('the agent closed'));
      socket.disconnect();
    },
  };
  connection.ready.catch(() => {});

  socket.on(AGENT_MESSAGE.turn, (turn, ack) => {
    // An answer that completes after its connection dropped is not sent on the next one (where
    // its acknowledgement id could name another turn): the server sends the turn there again.
    const connectionId = socket.id;
    const key = `${turn.turnId}/${turn.attempt}`;
    let run = running.get(key);
    if (!run) {
      const controller = new AbortController();
      const reply = handler(turn, { signal: controller.signal }).then(
        (r) => ({ turnId: turn.turnId, ...(isAction(r) ? { action: r } : r) }),
        (err: unknown) => ({ turnId: turn.turnId, error: err instanceof Error ? err.message : String(err) }),
      );
      run = { controller, reply };
      running.set(key, run);
      // Kept a minute after it settles: a resend after a reconnect gets the same answer without a second run.
      void reply.finally(() => setTimeout(() => running.delete(key), 60_000).unref?.());
    }
    void run.reply.then((reply) => {
      if (socket.connected && socket.id === connectionId) ack(reply);
    });
  });
  socket.on(AGENT_MESSAGE.cancel, (c) => {
    for (const [key, r] of running) if (key.startsWith(`${c.turnId}/`)) r.controller.abort(new Error(c.reason));
  });
  socket.on(AGENT_MESSAGE.closing, (c) => {
    connection.closing = c;
  });
  return connection;
}
