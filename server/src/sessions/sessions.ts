import { replay, type Refusal } from '@arena/shared';
import { DebateSession, type SessionDeps, type SessionEvent } from './debate-session.ts';

/**
 * The live debates of one server process: each is loaded from its stored events at
 * most once, runs whether or not anyone is connected, and is dropped when it is over
 * and nobody watches it. Transports ask for a session here; nothing else holds them.
 */
export class Sessions {
  private readonly live = new Map<string, Promise<DebateSession | null>>();
  private readonly listeners = new Set<(id: string, e: SessionEvent) => void>();
  private closed = false;

  constructor(private readonly deps: SessionDeps) {}

  /** The session of a debate, loaded from the store on first use; null when there is no such debate. */
  get(id: string): Promise<DebateSession | null> {
    let session = this.live.get(id);
    if (!session) {
      session = this.load(id);
      this.live.set(id, session);
      // A failed or empty load is not cached: the next caller tries again.
      session.then((s) => !s && this.live.delete(id), () => this.live.delete(id));
    }
    return session;
  }

  private async load(id: string): Promise<DebateSession | null> {
    if (this.closed) return null;
    const record = await this.deps.store.getTranscript(id);
    if (!record) return null;
    const session = new DebateSession(replay(record.header, record.events), this.deps);
    session.on((e) => {
      for (const l of this.listeners) l(id, e);
      if (e.type === 'finished' || e.type === 'ended') this.release(id, session);
    });
    await session.resume();
    return session;
  }

  /** A debate was just created: load it, so that an all-agent debate starts and a waiting one can expire. */
  async created(id: string): Promise<void> {
    await this.get(id);
  }

  /** At start: resumes every waiting and running debate from its stored events (timers re-armed, agents carry on). */
  async resumeAll(): Promise<number> {
    const ids = await this.deps.store.liveDebateIds();
    await Promise.all(ids.map((id) => this.get(id)));
    return ids.length;
  }

  /** Ends an unfinished debate without a verdict; null when done, else why not. */
  async cancel(id: string, reason: string): Promise<Refusal | null> {
    const session = await this.get(id);
    if (!session) return { code: 'not-found', message: `no debate "${id}"` };
    return session.abandon(reason);
  }

  /** Lifecycle events of every session (started, appended, finished, ended). */
  on(listener: (id: string, e: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Drops an over debate once its last subscriber leaves; transports call this when they let go. */
  release(id: string, session: DebateSession): void {
    if (session.live || session.subscribers > 0) return;
    void this.live.get(id)?.then((s) => s === session && this.live.delete(id));
  }

  /** Number of sessions held (tests, health). */
  get size(): number {
    return this.live.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    const sessions = await Promise.all([...this.live.values()].map((p) => p.catch(() => null)));
    for (const s of sessions) s?.close();
    this.live.clear();
  }
}
