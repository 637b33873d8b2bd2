import { z } from 'zod';
import type { DebateView } from '../game/view-for.ts';
import { PROTOCOL_VERSION, Seat, type Refusal } from './actions.ts';
import type { ViewChange } from './view-change.ts';
import { safeText } from './text.ts';

/**
 * The room protocol. A client joins the Colyseus room "debate" with
 * `client.joinOrCreate(ROOM_NAME, JoinOptions)`, then (the map of names to payloads,
 * their schemas and typed send/receive helpers are in ./room.ts):
 *
 *   client → server   "action"   ClientAction (speech or judge turn)
 *   client → server   "sync"     {}            ask for the current view again
 *   server → client   "welcome"  Welcome       the seat granted, its token, the server clock
 *   server → client   "view"     ViewMessage   the seat's whole view (on join, reconnect, sync)
 *   server → client   "change"   ChangeMessage what changed in the seat's view since the last one
 *   server → client   "refused"  RefusalMessage why an action or message was refused
 *   server → client   "presence" Presence      which seats are connected
 *
 * A refused join rejects `joinOrCreate` with an error whose numeric `code` is one of
 * JOIN_REFUSAL_NUMBERS (./join.ts); `joinRefusalOf(err)` gives the typed code:
 * malformed, protocol-version, no-such-debate, no-such-seat, agent-seat,
 * seat-not-yours, seat-taken, not-public (an observer of a private debate), server-error.
 *
 * The room keeps no Colyseus schema state: every participant receives only the
 * view of its own seat, as a message, so hidden fields never reach its connection.
 */
export const ROOM_NAME = 'debate';

export const JoinOptions = z
  .object({
    debateId: safeText(z.string().min(1).max(200)),
    seat: Seat,
    /**
     * The seat's secret from its link; omit to claim an open seat or to observe. An
     * observer of a private debate sends one of its seats' tokens or the researcher token.
     */
    token: safeText(z.string().max(200)).optional(),
    name: safeText(z.string().max(80)).optional(),
    protocol: z.number().int().optional(),
  })
  .strict();
export type JoinOptions = z.infer<typeof JoinOptions>;

export interface Welcome {
  debateId: string;
  seat: Seat;
  /** Keep it to rejoin the same seat after a reload. */
  token: string | null;
  protocol: typeof PROTOCOL_VERSION;
  serverNow: number;
}

export interface ViewMessage {
  view: DebateView;
  /** Counts the views this connection was sent; the next change has n + 1. */
  n: number;
  /** Server clock when sent, to turn deadlines into time left. */
  serverNow: number;
}

/**
 * What changed in the seat's view (see view-change.ts): apply it to the view numbered
 * n − 1. A client that finds a gap asks for the whole view again with "sync".
 */
export interface ChangeMessage {
  change: ViewChange;
  n: number;
  serverNow: number;
}

export interface RefusalMessage extends Refusal {
  /** The refused message's type ("action", …) and action type, when known. */
  message: string;
  about?: string;
}

export interface Presence {
  seats: Partial<Record<Seat, { kind: 'human' | 'agent'; connected: boolean; open: boolean }>>;
  observers: number;
}
