import type { AgentTurnMessage } from '@arena/shared';

/**
 * What the gateway needs to reach the other server processes: Colyseus's presence
 * (Redis with several processes, in-memory with one) is one.
 */
export interface GatewayBus {
  readonly processId: string;
  publish(topic: string, data: unknown): unknown;
  subscribe(topic: string, callback: (data: never) => void): Promise<unknown>;
  /** Atomic increment: the first caller gets 1 (claims a turn). */
  incr(key: string): Promise<number>;
  expire(key: string, seconds: number): unknown;
}

/** Every process listens here. */
export const ALL = 'arena:agents:all';
/** One process listens here. */
export const to = (processId: string) => `arena:agents:to:${processId}`;
export const claimKey = (claim: string) => `arena:agents:claim:${claim}`;

/**
 * Messages between gateways. A turn whose debate is served by a process without a
 * connection of the agent's name is offered to all (`turn`); the first process with a
 * connection to claim it (an atomic increment) takes it, says so (`claimed`), and sends
 * the acknowledgement back (`reply`), or gives the turn back if its connections drop
 * (`unassigned`). `connected` tells waiting owners that a name has a new connection
 * somewhere; `keys` and `revoked` keep every process's names and connections in step.
 */
export type BusMessage =
  | { type: 'turn'; claim: string; origin: string; name: string; message: AgentTurnMessage }
  | { type: 'claimed'; claim: string; by: string }
  | { type: 'reply'; claim: string; reply: unknown }
  | { type: 'unassigned'; claim: string }
  | { type: 'cancel'; claim: string }
  | { type: 'connected'; name: string; process: string }
  | { type: 'names'; process: string; names: string[]; at: number }
  | { type: 'keys' }
  | { type: 'revoked'; keyId: string };
