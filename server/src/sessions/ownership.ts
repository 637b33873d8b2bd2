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
  readonly processId: string;
  constructor(processId: string) {
    this.processId = processId;
  }
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

const SESSION = 'arena:session:';
const PROCESS = 'arena:process:';

// Takes a debate if nobody owns it, or if its owner's process lease has run out.
const ACQUIRE = `local owner = redis.call('get', KEYS[1])
if owner == ARGV[1] then return 1 end
if owner and redis.call('exists', ARGV[2] .. owner) == 1 then return 0 end
redis.call('set', KEYS[1], ARGV[1])
return 1`;
// Gives a debate up only while it is still ours.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Ownership in Redis: each debate names its owning process (`arena:session:<id>`), and
 * each process holds one lease (`arena:process:<id>`, with an expiry) that it renews.
 * Renewing costs one command however many debates a process serves; when a process
 * dies its lease runs out and its debates are free to take over. A process that finds
 * its own lease lapsed (it was stalled) checks which of its debates were taken.
 */
export class RedisOwnership implements Ownership {
  readonly processId: string;
  private readonly redis: Redis;
  private readonly held = new Set<string>();
  private readonly renewal: NodeJS.Timeout;
  private readonly leaseMs: number;
  private readonly onLost: (id: string) => void;
  private readonly ready: Promise<unknown>;

  /**
   * @param leaseMs how long a process's lease lasts without renewal: the longest a dead process's debates wait to be taken over.
   * @param onLost called when another process took a debate of this one's (this one's lease had lapsed): stop serving it.
   */
  constructor(url: string, processId: string, leaseMs = 10_000, onLost: (id: string) => void = () => {}) {
    this.processId = processId;
    this.leaseMs = leaseMs;
    this.onLost = onLost;
    this.redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 });
    this.ready = this.redis.set(PROCESS + processId, '1', 'PX', leaseMs);
    this.renewal = setInterval(() => void this.renew().catch(() => {}), Math.max(200, Math.floor(leaseMs / 3)));
    this.renewal.unref();
  }

  async acquire(id: string): Promise<boolean> {
    if (this.held.has(id)) return true;
    await this.ready;
    const ours = (await this.redis.eval(ACQUIRE, 1, SESSION + id, this.processId, PROCESS)) === 1;
    if (ours) this.held.add(id);
    return ours;
  }

  async release(id: string): Promise<void> {
    this.held.delete(id);
    await this.redis.eval(RELEASE, 1, SESSION + id, this.processId);
  }

  async owner(id: string): Promise<string | null> {
    return (await this.owners([id]))[0] ?? null;
  }

  /** The owners whose process lease is alive; null for a debate nobody owns or whose owner is gone. */
  async owners(ids: string[]): Promise<(string | null)[]> {
    if (!ids.length) return [];
    const owners = await this.redis.mget(ids.map((id) => SESSION + id));
    const processes = [...new Set(owners.filter((o): o is string => o !== null))];
    const alive = new Set(processes);
    if (processes.length) {
      const leases = await this.redis.mget(processes.map((p) => PROCESS + p));
      processes.forEach((p, i) => leases[i] === null && alive.delete(p));
    }
    return owners.map((o) => (o !== null && alive.has(o) ? o : null));
  }

  /** Renews this process's lease; if it had lapsed, drops the debates another process took meanwhile. */
  private async renew(): Promise<void> {
    const renewed = await this.redis.set(PROCESS + this.processId, '1', 'PX', this.leaseMs, 'XX');
    if (renewed === 'OK') return;
    await this.redis.set(PROCESS + this.processId, '1', 'PX', this.leaseMs);
    const ids = [...this.held];
    const owners = ids.length ? await this.redis.mget(ids.map((id) => SESSION + id)) : [];
    ids.forEach((id, i) => {
      if (owners[i] === this.processId) return;
      this.held.delete(id);
      this.onLost(id);
    });
  }

  async close(): Promise<void> {
    clearInterval(this.renewal);
    await Promise.all([...this.held].map((id) => this.release(id).catch(() => {})));
    await this.redis.del(PROCESS + this.processId).catch(() => {});
    this.redis.disconnect();
  }
}
