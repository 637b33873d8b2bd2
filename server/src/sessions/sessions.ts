import { createHash } from 'node:crypto';
import { evidenceKindOf, replay, type DebateHeader, type Refusal } from '@arena/shared';
import { DebateSession, type SessionDeps, type SessionEvent } from './debate-session.ts';
import type { Ownership } from './ownership.ts';

/**
 * One copy of each passage, image, scenario, rule set, seat plan and assignment among the
 * live debates, however many use it: each transcript read from the store brings its own
 * copies, and thousands of live debates share a few scenarios. Headers are never mutated.
 */
class SharedParts {
  private readonly seen = new Map<string, unknown>();

  /** The first value seen with the same JSON, which is equal to it (keyed by a digest: passages are long). */
  share<T>(value: T): T {
    const key = createHash('sha256').update(JSON.stringify(value)).digest('base64');
    const known = this.seen.get(key);
    if (known !== undefined) return known as T;
    if (this.seen.size < 10_000) this.seen.set(key, value);
    return value;
  }

  header(header: DebateHeader): DebateHeader {
    const { evidence } = header.scenario;
    // The kind knows which part of its evidence is bulky (a passage's text, an image's pixels).
    const shared = evidenceKindOf(evidence).shareBulk(evidence, (bulk) => this.share(bulk));
    return {
      ...header,
      scenario: this.share({ ...header.scenario, evidence: shared }),
      rules: this.share(header.rules),
      seats: this.share(header.seats),
      assignment: this.share(header.assignment),
    };
  }
}

/** A request for the process that owns a debate (several processes share these over Colyseus's presence). */
export type SessionCommand = { type: 'cancel'; id: string; reason: string };

/**
 * The live debates of one server process: each is loaded from its stored events at
 * most once, runs whether or not anyone is connected, and is dropped when it is over
 * and nobody watches it. Transports ask for a session here; nothing else holds them.
 * With several processes, a process serves only the debates whose lease it holds
 * (see ownership.ts) and takes over those whose owner died.
 */
export class Sessions {
  private readonly live = new Map<string, Promise<DebateSession | null>>();
  private readonly listeners = new Set<(id: string, e: SessionEvent) => void>();
  private readonly shared = new SharedParts();
  private closed = false;
  private ownership: Ownership | null = null;
  private ready!: () => void;
  private readonly started = new Promise<void>((resolve) => (this.ready = resolve));
  private takeover: NodeJS.Timeout | undefined;
  private publish: (command: SessionCommand) => void = () => {};

  private readonly deps: SessionDeps;

  constructor(deps: SessionDeps) {
    this.deps = deps;
  }

  /**
   * Starts serving once the process knows its id: sets who owns what, how to reach
   * the other processes, resumes this process's share of the live debates, and (with
   * several processes) keeps taking over debates whose owner is gone.
   */
  async start(ownership: Ownership, publish: (command: SessionCommand) => void, takeoverMs?: number): Promise<number> {
    this.ownership = ownership;
    this.publish = publish;
    this.ready();
    const resumed = await this.resumeAll();
    if (takeoverMs) {
      this.takeover = setInterval(() => void this.resumeAll().catch((err) => this.deps.log(`taking over debates failed: ${(err as Error).message}`)), takeoverMs);
      this.takeover.unref();
    }
    return resumed;
  }

  /** A command another process published for the owner of a debate. */
  async handle(command: SessionCommand): Promise<void> {
    if (command.type === 'cancel' && this.live.has(command.id)) await (await this.live.get(command.id))?.abandon(command.reason);
  }

  /**
   * The session of a debate, loaded from the store on first use; null when there is no
   * such debate, or when another process owns it.
   */
  async get(id: string): Promise<DebateSession | null> {
    await this.started;
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
    if (!(await this.ownership!.acquire(id))) return null;
    // The fencing token first, the events after: no event stored under an older token can be missing from them.
    const epoch = await this.deps.store.claimDebate(id);
    const record = epoch === null ? null : await this.deps.store.getTranscript(id);
    if (!record) {
      await this.ownership!.release(id);
      return null;
    }
    const session: DebateSession = new DebateSession(
      replay(this.shared.header(record.header), record.events),
      this.deps,
      (e) => {
        for (const l of this.listeners) l(id, e);
        if (e.type === 'finished' || e.type === 'ended') this.release(id, session);
        if (e.type === 'lost') this.forget(id, session);
      },
      epoch,
    );
    await session.resume();
    return session;
  }

  /** A debate was just created: load it, so that an all-agent debate starts and a waiting one can expire. */
  async created(id: string): Promise<void> {
    await this.get(id);
  }

  /**
   * Resumes every waiting and running debate that no live process serves, from its
   * stored events (timers re-armed, agents carry on): at start, and after another
   * process died. Returns how many this process took.
   */
  async resumeAll(): Promise<number> {
    const ids = (await this.deps.store.liveDebateIds()).filter((id) => !this.live.has(id));
    const owners = await this.ownership!.owners(ids);
    const orphans = ids.filter((_, i) => owners[i] === null || owners[i] === this.ownership!.processId);
    const taken = await Promise.all(orphans.map((id) => this.get(id)));
    return taken.filter(Boolean).length;
  }

  /** Ends an unfinished debate without a verdict, wherever it is served; null when done, else why not. */
  async cancel(id: string, reason: string): Promise<Refusal | null> {
    const session = await this.get(id);
    if (session) return session.abandon(reason);
    const summary = await this.deps.store.summary(id);
    if (!summary) return { code: 'not-found', message: `no debate "${id}"` };
    if (summary.status === 'finished' || summary.status === 'ended') return { code: 'finished', message: 'the debate is over' };
    // Another process serves it: ask that process, and wait for the store to show the end.
    this.publish({ type: 'cancel', id, reason });
    for (let i = 0; i < 100; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      if ((await this.deps.store.summary(id))?.status === 'ended') return null;
    }
    return { code: 'server-error', message: 'the process serving this debate did not answer; nothing changed' };
  }

  /** Lifecycle events of every session (started, appended, finished, ended). */
  on(listener: (id: string, e: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Drops an over debate once its last subscriber leaves; transports call this when they let go. */
  release(id: string, session: DebateSession): void {
    if (session.live || session.subscribers > 0) return;
    void this.live.get(id)?.then((s) => {
      if (s !== session) return;
      this.live.delete(id);
      void this.ownership?.release(id).catch(() => {});
    });
  }

  /** Another process took a debate over (this one's lease lapsed): stop serving it here, and send its clients to the owner. */
  lost(id: string): void {
    const session = this.live.get(id);
    this.live.delete(id);
    void session?.then((s) => s?.moved());
  }

  /** A session that stopped serving its debate (see DebateSession.moved): the next caller loads the debate again, wherever it is owned. */
  private forget(id: string, session: DebateSession): void {
    void this.live.get(id)?.then((s) => {
      if (s !== session) return;
      this.live.delete(id);
      void this.ownership?.release(id).catch(() => {});
    });
  }

  /** Number of sessions held (tests, health). */
  get size(): number {
    return this.live.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.takeover);
    const sessions = await Promise.all([...this.live.values()].map((p) => p.catch(() => null)));
    for (const s of sessions) s?.close();
    this.live.clear();
    await this.ownership?.close();
  }
}
