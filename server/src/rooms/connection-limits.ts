/**
 * How many WebSocket connections each client address holds in this process, and the
 * client address of a connection. Colyseus's own `context.ip` believes X-Forwarded-For
 * from anyone; here it is believed only from the proxies named in ARENA_TRUST_PROXY,
 * with the same rule Express applies to HTTP requests.
 */
import express from 'express';
import { JoinRefused } from '../access/join.ts';

export class ConnectionLimits {
  private readonly held = new Map<string, number>();
  readonly perAddress: number;
  readonly observersPerDebate: number;

  constructor(perAddress: number, observersPerDebate: number) {
    this.perAddress = perAddress;
    this.observersPerDebate = observersPerDebate;
  }

  /** Whether the address may open one more connection. */
  mayConnect(address: string): boolean {
    return (this.held.get(address) ?? 0) < this.perAddress;
  }

  /** Why the address may not open one more connection, or null. */
  refusal(address: string): JoinRefused | null {
    if (this.mayConnect(address)) return null;
    return new JoinRefused('too-many-connections', `this address already holds ${this.perAddress} connections to this server, the most one address may hold`);
  }

  opened(address: string): void {
    this.held.set(address, (this.held.get(address) ?? 0) + 1);
  }

  closed(address: string): void {
    const n = (this.held.get(address) ?? 0) - 1;
    if (n > 0) this.held.set(address, n);
    else this.held.delete(address);
  }
}

type Trust = (address: string, hop: number) => boolean;

/**
 * The client address of a connection from its peer's address and its X-Forwarded-For
 * header: the peer, or, while the peer is a trusted proxy, the next address back in the
 * header (Express's `req.ip` rule).
 */
export function clientAddressOf(trustProxy: readonly string[]): (peer: string | undefined, forwardedFor: string | null | undefined) => string {
  // Express compiles the list with the same code that decides `req.ip` for the HTTP routes.
  const trust = express()
    .set('trust proxy', trustProxy.length > 0 ? [...trustProxy] : false)
    .get('trust proxy fn') as Trust;
  return (peer, forwardedFor) => {
    const forwarded = (forwardedFor ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean)
      .reverse();
    const hops = [peer ?? 'unknown', ...forwarded];
    for (let i = 0; i < hops.length - 1; i++) if (!trust(hops[i]!, i)) return hops[i]!;
    return hops.at(-1)!;
  };
}

/** The peer address of a Colyseus WebSocket client (its socket's, before any header). */
export function peerAddress(client: { ref?: unknown }): string | undefined {
  return (client.ref as { _socket?: { remoteAddress?: string } } | undefined)?._socket?.remoteAddress;
}
