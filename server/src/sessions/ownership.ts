import { Redis } from 'ioredis';

/**
 * Who serves each live debate. Every live debate session is owned by exactly one
 * process at a time: the owner runs its engine, timers and agents, and its Colyseus
 * room is created there. One process owns everything; several processes share leases
 * in Redis that their owner renews, so a debate whose process dies is taken over by
 * another from its stored events once the lease runs out.
 */
export interface Ownership {
  /** This process's id (Colyseus's process id, so rooms can be routed to owners). */
  readonly processId: string;
  /** Becomes the owner of a debate's session if nobody else is; true when this process owns it. */
  acquire(id: string): Promise<boolean>;
  /** Gives a debate up (it is over, or this process is stopping). */
  release(id: string): Promise<void>;
  /** The owning process of a debate, or null when none holds it. */
  owner(id: string): Promise<string | null>;
  /** The owners of many debates at once (null where none). */
  owners(ids: string[]): Promise<(string | null)[]>;
  close(): Promise<void>;
}

/** One process: it owns every debate. */
export class LocalOwnership implements Ownership {
  constructor(readonly processId: string) {}
  async acquire(): Promise<boolean> {
    return true;
  }
  async release(): Promise<void> {}
  async owner(): Promise<string> {
    return this.processId;
  }
  async owners(ids: string[]): Promise<string[]> {
    return ids.map(() => this.processId);
  }
  async close(): Promise<void> {}
}

const key = (id: string) => `arena:session:${id}`;

// Renews or deletes a lease only while it is still ours.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Leases in Redis: SET NX with an expiry, renewed by the owner; a dead owner's lease runs out. */
export class RedisOwnership implements Ownership {
  private readonly redis: Redis;
  private readonly held = new Set<string>();
  private readonly renewal: NodeJS.Timeout;

  /**
   * @param leaseMs how long a lease lasts without renewal: the longest a dead process's debates wait to be taken over.
   * @param onLost called when a lease could not be renewed (another process took the debate): stop serving it.
   */
  constructor(
    url: string,
    readonly processId: string,
    private readonly leaseMs = 10_000,
    private readonly onLost: (id: string) => void = () => {},
  ) {
    this.redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 });
    this.renewal = setInterval(() => void this.renew(), Math.max(500, Math.floor(leaseMs / 3)));
    this.renewal.unref();
  }

  async acquire(id: string): Promise<boolean> {
    if (this.held.has(id)) return true;
    const set = await this.redis.set(key(id), this.processId, 'PX', this.leaseMs, 'NX');
    const ours = set === 'OK' || (await this.redis.get(key(id))) === this.processId;
    if (ours) this.held.add(id);
    return ours;
  }

  async release(id: string): Promise<void> {
    this.held.delete(id);
    await this.redis.eval(RELEASE, 1, key(id), this.processId);
  }

  async owner(id: string): Promise<string | null> {
    return this.redis.get(key(id));
  }

  async owners(ids: string[]): Promise<(string | null)[]> {
    return ids.length ? this.redis.mget(ids.map(key)) : [];
  }

  private async renew(): Promise<void> {
    for (const id of [...this.held]) {
      try {
        const renewed = await this.redis.eval(RENEW, 1, key(id), this.processId, String(this.leaseMs));
        if (renewed !== 1) {
          this.held.delete(id);
          this.onLost(id);
        }
      } catch {
        // Redis unreachable for a moment: the next round tries again before the lease runs out.
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.renewal);
    await Promise.all([...this.held].map((id) => this.release(id).catch(() => {})));
    this.redis.disconnect();
  }
}
