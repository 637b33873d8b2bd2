import type { SeatReservation } from '@colyseus/sdk';
import type { Seat } from '@arena/shared';

/**
 * The seat reservation index.html's inline script asks for as the page starts (see
 * `earlyJoinScript` in client/vite.config.ts): on a /debate/ link the matchmaking request
 * goes out in parallel with the page's JavaScript instead of after it has loaded and run,
 * which on a slow connection saves a whole round trip before the first control.
 */
interface EarlyJoin {
  debateId: string;
  seat: string;
  reservation: Promise<SeatReservation | null>;
}

declare global {
  interface Window {
    __arenaEarlyJoin?: EarlyJoin;
  }
}

/**
 * The early reservation for this debate and seat, once (a second join, a rejoin after a
 * drop or another seat asks the server as usual); resolves null when the early request was
 * refused or failed, and the caller then joins as usual (which says why).
 */
export function takeEarlyJoin(debateId: string, seat: Seat): Promise<SeatReservation | null> | null {
  const early = window.__arenaEarlyJoin;
  delete window.__arenaEarlyJoin;
  return early && early.debateId === debateId && early.seat === seat ? early.reservation : null;
}
