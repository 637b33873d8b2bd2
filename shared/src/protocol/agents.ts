import { z } from 'zod';
import type { DebateView } from '../game/view-for.ts';
import type { LegalAction } from '../game/turns.ts';
import { ClientAction, type Refusal, type Seat } from './actions.ts';

/**
 * The remote agent protocol: a lab's own model plays a seat by connecting outward to
 * the arena over socket.io (namespace `/agents`, same port as the rooms and the API).
 *
 *   handshake          auth: AgentHandshake { key, name, protocol }
 *                      refused with connect_error { message, data: HandshakeRefusal }
 *   server → agent     "welcome"  AgentWelcome          the name registered, the server clock
 *   server → agent     "turn"     AgentTurnMessage, ack  a seat's turn; acknowledge with AgentTurnReply
 *   server → agent     "cancel"   AgentCancel           the turn is over without this answer
 *   server → agent     "closing"  AgentClosing          the server is about to disconnect this agent
 *
 * A turn's acknowledgement that does not parse as AgentTurnReply is answered like an
 * action the engine refused: a second "turn" with `refusal` set and `attempt: 2`. A
 * second refusal, or no acknowledgement by `deadline`, forfeits the turn (the rules'
 * expiry path for that seat). An agent that drops and reconnects under the same name
 * while a turn is pending is sent that turn again (same `turnId`).
 */
export const AGENT_PROTOCOL_VERSION = 1;
export const AGENTS_NAMESPACE = '/agents';
/** Seat configurations name a remote agent as `remote:<name>`. */
export const REMOTE_PREFIX = 'remote:';

/** An agent's name: lower-case letters, digits, `.`, `_`, `-`; 1–64 characters. */
export const AgentName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'a name is 1–64 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit');
export type AgentName = z.infer<typeof AgentName>;

/** What an agent sends in the socket.io handshake's `auth`. */
export const AgentHandshake = z
  .object({
    /** A key issued for this name by a researcher (`arena agents keys issue <name>`). */
    key: z.string().min(1).max(200),
    name: AgentName,
    /** AGENT_PROTOCOL_VERSION of the client. */
    protocol: z.number().int(),
    /** Free text naming the client library, for the logs. */
    client: z.string().max(100).optional(),
  })
  .strict();
export type AgentHandshake = z.infer<typeof AgentHandshake>;

/** Why a handshake was refused. Programs switch on `code`. */
export const HANDSHAKE_REFUSAL_CODES = [
  /** `auth` is missing or does not parse (the message says which field). */
  'bad-handshake',
  /** Client and server speak different protocol versions; `serverProtocol` says which the server speaks. */
  'protocol-version',
  /** No such key. */
  'bad-key',
  /** The key was revoked. */
  'key-revoked',
  /** The key is valid but for another name. */
  'wrong-name',
] as const;
export type HandshakeRefusalCode = (typeof HANDSHAKE_REFUSAL_CODES)[number];

export interface HandshakeRefusal {
  code: HandshakeRefusalCode;
  message: string;
  serverProtocol: typeof AGENT_PROTOCOL_VERSION;
}

export interface AgentWelcome {
  name: string;
  protocol: typeof AGENT_PROTOCOL_VERSION;
  serverNow: number;
}

/** A seat's turn, sent to one connection of the seat's agent name. */
export interface AgentTurnMessage {
  /** Same on a resend after a reconnect and on the second attempt: one id per seat turn. */
  turnId: string;
  debateId: string;
  seat: Seat;
  /** Exactly viewFor(state, seat): what this seat may know, and nothing more. */
  view: DebateView;
  /** The actions open to the seat now (same as view.legal). */
  legal: LegalAction[];
  /** Server clock (ms) by which the acknowledgement must arrive; null for no limit. */
  deadline: number | null;
  /** 1, or 2 after a refusal. */
  attempt: 1 | 2;
  /** Set on the second attempt: why the first answer was refused. */
  refusal?: Refusal;
}

/** Measurements an agent may keep in the transcript, at most this many bytes of JSON. */
export const AGENT_META_MAX_BYTES = 4096;

/** The acknowledgement of a turn. */
export const AgentTurnReply = z
  .object({
    /**
     * The turn answered. Optional, but clients should send it: an answer sent late, after a
     * reconnect, may otherwise be taken for another turn's (acknowledgement ids restart on
     * each connection). A reply naming another turn is dropped and the turn sent again.
     */
    turnId: z.string().max(100).optional(),
    action: ClientAction,
    /** Model, prompt hash, tokens, latency, seed…: stored in the event under meta.remote. */
    meta: z
      .record(z.string(), z.unknown())
      .refine((m) => new TextEncoder().encode(JSON.stringify(m)).length <= AGENT_META_MAX_BYTES, {
        message: 'meta is at most ' + AGENT_META_MAX_BYTES + ' bytes of JSON',
      })
      .optional(),
  })
  .strict();
export type AgentTurnReply = z.infer<typeof AgentTurnReply>;

export interface AgentCancel {
  turnId: string;
  reason: string;
}

export interface AgentClosing {
  code: 'key-revoked' | 'server-closing';
  message: string;
}

/**
 * The agent protocol as one map: what the server emits to an agent's socket, as
 * socket.io event signatures (`Socket<AgentServerEvents>` on the agent's side,
 * `Namespace<{}, AgentServerEvents>` on the server's), and the names to use.
 */
export interface AgentServerEvents {
  welcome: (welcome: AgentWelcome) => void;
  /** Acknowledge with an AgentTurnReply (checked by the server against its schema). */
  turn: (turn: AgentTurnMessage, ack: (reply: unknown) => void) => void;
  cancel: (cancel: AgentCancel) => void;
  closing: (closing: AgentClosing) => void;
}

export const AGENT_MESSAGE = { welcome: 'welcome', turn: 'turn', cancel: 'cancel', closing: 'closing' } as const satisfies {
  [K in keyof AgentServerEvents]: K;
};

