import { useEffect, useRef, useState } from 'react';
import { Client } from '@colyseus/sdk';
import {
  CLIENT_MESSAGE,
  followViews,
  onServerMessage,
  PROTOCOL_VERSION,
  ROOM_NAME,
  SERVER_MESSAGE,
  sendToServer,
  type ClientAction,
  type DebateView,
  type Presence,
  type RefusalMessage,
  type Seat,
  type Welcome,
} from '@arena/shared';
import { takeEarlyJoin } from './early-join.ts';
import { joinErrorMessage } from './join-error.ts';
import { store, tokenKey } from './storage.ts';

export type Connection = 'connecting' | 'connected' | 'reconnecting' | 'closed' | 'failed';

export interface DebateRoomState {
  connection: Connection;
  /** Why joining failed or the room closed. */
  error: string | null;
  welcome: Welcome | null;
  view: DebateView | null;
  presence: Presence | null;
  refusal: RefusalMessage | null;
  /** serverNow − Date.now(), to turn server deadlines into time left. */
  clockOffset: number;
  /** True between sending an action and hearing back (a view or a refusal). */
  pending: boolean;
  send(action: ClientAction): void;
  dismissRefusal(): void;
}

/** The room endpoint: this page's own origin, or the API server when on Vite's dev server. */
function endpoint(): string {
  if (import.meta.env.DEV) return `ws://${location.hostname}:2567`;
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
}

/**
 * Joins one seat of a debate and keeps its latest view. The seat's token comes from
 * the link (stored per debate and seat, so a reload rejoins the same seat) or, for an
 * open seat, from the server's welcome.
 */
export function useDebateRoom(debateId: string, seat: Seat, linkToken: string | null): DebateRoomState {
  const [connection, setConnection] = useState<Connection>('connecting');
  const [error, setError] = useState<string | null>(null);
  const [welcome, setWelcome] = useState<Welcome | null>(null);
  const [view, setView] = useState<DebateView | null>(null);
  const [presence, setPresence] = useState<Presence | null>(null);
  const [refusal, setRefusal] = useState<RefusalMessage | null>(null);
  const [clockOffset, setClockOffset] = useState(0);
  const [pending, setPending] = useState(false);
  const roomRef = useRef<Awaited<ReturnType<Client['joinOrCreate']>> | null>(null);

  useEffect(() => {
    let cancelled = false;
    const key = tokenKey(debateId, seat);
    if (linkToken) store.set(key, linkToken);
    const token = linkToken ?? store.get<string>(key) ?? undefined;
    const client = new Client(endpoint());
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    setConnection('connecting');
    setError(null);
    // After a server restart the old connection cannot be resumed: join again with the seat's token, backing off.
    const retry = (attempt: number) => {
      setConnection('reconnecting');
      retryTimer = setTimeout(() => join(attempt + 1), Math.min(10_000, 500 * 2 ** attempt));
    };
    const joinOrCreate = () => client.joinOrCreate(ROOM_NAME, { debateId, seat, ...(token ?? store.get<string>(key) ? { token: token ?? store.get<string>(key) } : {}), protocol: PROTOCOL_VERSION });
    // The first join takes the reservation index.html asked for while the page loaded, if any; a late or refused one joins as usual.
    const early = takeEarlyJoin(debateId, seat);
    const first = () => early!.then((r) => (r ? client.consumeSeatReservation(r).catch(joinOrCreate) : joinOrCreate()));
    const join = (attempt: number) => (attempt === 0 && early ? first() : joinOrCreate())
      .then((room) => {
        if (cancelled) {
          void room.leave(true);
          return;
        }
        roomRef.current = room;
        // Reconnect at once after a drop, however young the connection.
        room.reconnection.minUptime = 0;
        setConnection('connected');
        onServerMessage(room, SERVER_MESSAGE.welcome, (w) => {
          setWelcome(w);
          setClockOffset(w.serverNow - Date.now());
          if (w.token && seat !== 'observer') store.set(key, w.token);
        });
        // The whole view comes on join, reconnect and sync; after that only what changed.
        followViews(room, (v, serverNow) => {
          setView(v);
          setClockOffset(serverNow - Date.now());
          setPending(false);
        });
        onServerMessage(room, SERVER_MESSAGE.presence, setPresence);
        onServerMessage(room, SERVER_MESSAGE.refused, (r) => {
          setRefusal(r);
          setPending(false);
        });
        room.onDrop(() => setConnection('reconnecting'));
        room.onReconnect(() => {
          setConnection('connected');
          sendToServer(room, CLIENT_MESSAGE.sync, {});
        });
        room.onLeave((code) => {
          if (cancelled) return;
          roomRef.current = null;
          setPending(false);
          if (code === 4000) {
            setConnection('closed');
            setError('This seat was opened in another tab or window; this page no longer controls it.');
            return;
          }
          retry(0);
        });
        room.onError((code, message) => setError(`Room error ${code}: ${message ?? ''}`));
      })
      .catch((err: unknown) => {
        if (cancelled) return;
        // While rejoining, a server that is still down is waited for; a refusal is final.
        if (attempt > 0 && !isRefusal(err)) return retry(attempt);
        setConnection('failed');
        setError(joinErrorMessage(err));
      });
    void join(0);
    return () => {
      cancelled = true;
      clearTimeout(retryTimer);
      const room = roomRef.current;
      roomRef.current = null;
      if (room) void room.leave(true);
    };
  }, [debateId, seat, linkToken]);

  return {
    connection,
    error,
    welcome,
    view,
    presence,
    refusal,
    clockOffset,
    pending,
    send(action) {
      const room = roomRef.current;
      if (!room) {
        setRefusal({ code: 'server-error', message: 'Not connected: wait for the connection to come back, then try again.' });
        return;
      }
      setRefusal(null);
      setPending(true);
      sendToServer(room, CLIENT_MESSAGE.action, action);
    },
    dismissRefusal: () => setRefusal(null),
  };
}

/** Whether a join failed because the server said no (a 4xx-style answer), not because it was unreachable. */
function isRefusal(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'number') return false;
  return (code >= 400 && code < 500) || (code >= 4000 && code < 5000 && code !== 4002);
}
