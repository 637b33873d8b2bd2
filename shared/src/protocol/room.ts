import { z } from 'zod';
import type { DebateView } from '../game/view-for.ts';
import { ClientAction, PROTOCOL_VERSION, REFUSAL_CODES, Seat } from './actions.ts';
import type { ChangeMessage, Presence, RefusalMessage, ViewMessage, Welcome } from './messages.ts';
import { applyViewChange, type ViewChange } from './view-change.ts';

/**
 * The room protocol as one map: every message name with its payload type and schema,
 * in both directions (documented in ./messages.ts). The room, the web client, the test
 * clients and any bot send and receive through `sendToClient`, `onServerMessage` and
 * `sendToServer`, so a name or a payload can only be one of these.
 */

/** What the server sends a seat's connection. */
export interface ServerMessages {
  welcome: Welcome;
  view: ViewMessage;
  change: ChangeMessage;
  refused: RefusalMessage;
  presence: Presence;
}

/** What a seated client sends. `sync` asks for the whole view again; its payload is ignored. */
export interface ClientMessages {
  action: ClientAction;
  sync: Record<string, never>;
}

export type ServerMessageName = keyof ServerMessages;
export type ClientMessageName = keyof ClientMessages;

export const SERVER_MESSAGE = {
  welcome: 'welcome',
  view: 'view',
  change: 'change',
  refused: 'refused',
  presence: 'presence',
} as const satisfies { [K in ServerMessageName]: K };

export const CLIENT_MESSAGE = { action: 'action', sync: 'sync' } as const satisfies { [K in ClientMessageName]: K };

const ArraySplice = z.object({ at: z.number().int().nonnegative(), deleteCount: z.number().int().nonnegative(), items: z.array(z.unknown()) }).strict();
const ViewChangeSchema: z.ZodType<ViewChange> = z
  .object({ set: z.record(z.string(), z.unknown()).optional(), unset: z.array(z.string()).optional(), splice: z.record(z.string(), ArraySplice).optional() })
  .strict();

/** A view is built by the engine's one gate (viewFor); on the wire it is checked for what names it. */
const ViewSchema = z.custom<DebateView>(
  (v) => typeof v === 'object' && v !== null && (v as DebateView).protocol === PROTOCOL_VERSION && typeof (v as DebateView).debateId === 'string' && Seat.safeParse((v as DebateView).seat).success,
  { message: 'not a debate view of this protocol version' },
);

const SeatPresence = z.object({ kind: z.enum(['human', 'agent']), connected: z.boolean(), open: z.boolean() }).strict();

/** The schema of every server message: a client may check what it receives. */
export const SERVER_MESSAGE_SCHEMAS = {
  welcome: z
    .object({ debateId: z.string(), seat: Seat, token: z.string().nullable(), protocol: z.literal(PROTOCOL_VERSION), serverNow: z.number() })
    .strict(),
  view: z.object({ view: ViewSchema, n: z.number().int().positive(), serverNow: z.number() }).strict(),
  change: z.object({ change: ViewChangeSchema, n: z.number().int().positive(), serverNow: z.number() }).strict(),
  refused: z.object({ code: z.enum(REFUSAL_CODES), message: z.string(), about: z.string().optional() }).strict(),
  presence: z.object({ seats: z.partialRecord(Seat, SeatPresence), observers: z.number().int().nonnegative() }).strict(),
} satisfies { [K in ServerMessageName]: z.ZodType<ServerMessages[K]> };

/** The schema of every client message: the room parses what it receives with these. */
export const CLIENT_MESSAGE_SCHEMAS = {
  action: ClientAction,
  sync: z.unknown().transform((): Record<string, never> => ({})),
} satisfies { [K in ClientMessageName]: z.ZodType<ClientMessages[K], unknown> };

/** The sending side of a seat's connection on the server (a Colyseus server Client has it). */
export interface ClientConnection {
  send(type: string, message: unknown): void;
}

/** The client's side of a room connection (a Colyseus SDK room has it). */
export interface RoomConnection {
  // The SDK types a handler's payload as `any`; the typed helpers below give it its type.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  onMessage(type: string, handler: (message: any) => void): unknown;
  send(type: string, payload: unknown): void;
}

/** Sends a server message to one connection. */
export function sendToClient<K extends ServerMessageName>(client: ClientConnection, type: K, message: ServerMessages[K]): void {
  client.send(type, message);
}

/** Listens for one kind of server message. */
export function onServerMessage<K extends ServerMessageName>(room: RoomConnection, type: K, handler: (message: ServerMessages[K]) => void): void {
  room.onMessage(type, handler);
}

/** Sends a client message to the room. */
export function sendToServer<K extends ClientMessageName>(room: RoomConnection, type: K, payload: ClientMessages[K]): void {
  room.send(type, payload);
}

/**
 * Keeps a seat's view from a connection: the whole view ("view"), then each numbered
 * change applied to it ("change"); a missed change asks for the whole view again with
 * "sync". `onView` gets every view the seat goes through and the server's clock.
 */
export function followViews<V extends object = DebateView>(room: RoomConnection, onView: (view: V, serverNow: number) => void): void {
  let n = 0;
  let current: V | null = null;
  onServerMessage(room, SERVER_MESSAGE.view, (m) => {
    n = m.n;
    current = m.view as unknown as V;
    onView(current, m.serverNow);
  });
  onServerMessage(room, SERVER_MESSAGE.change, (m) => {
    if (!current || m.n !== n + 1) {
      sendToServer(room, CLIENT_MESSAGE.sync, {});
      return;
    }
    n = m.n;
    current = applyViewChange(current, m.change);
    onView(current, m.serverNow);
  });
}
