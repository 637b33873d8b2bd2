/**
 * One step at a time on each study, across every server process. Within a process, a
 * study's steps queue behind each other; on Postgres each step also holds a transaction
 * advisory lock keyed by the study, so processes sharing the database never interleave
 * (two arrivals through two processes never draw one slot). The embedded database has
 * one process by construction, so the in-process queue is enough there, as it is for the
 * in-memory stores (made without a database).
 */
import type { Sql } from '../store/sql.ts';

/** The first key of the study locks (the migrator uses 716231 alone). */
const STUDY_LOCK_SPACE = 716232;

export class StudyLocks {
  private readonly queues = new Map<string, Promise<unknown>>();

  private readonly sql: Sql | null;

  constructor(sql: Sql | null = null) {
    this.sql = sql;
  }

  /** Runs `work` while holding the study's lock; steps on one study run one after another. */
  run<T>(studyId: string, work: () => Promise<T>): Promise<T> {
    const postgres = this.sql?.kind === 'postgres' ? this.sql : null;
    const step = () => (postgres ? this.acrossProcesses(postgres, studyId, work) : work());
    const prev = this.queues.get(studyId) ?? Promise.resolve();
    const next = prev.then(step, step);
    const settled = next.catch(() => {});
    this.queues.set(studyId, settled);
    // Forget a study's queue once nothing waits on it.
    void settled.then(() => this.queues.get(studyId) === settled && this.queues.delete(studyId));
    return next;
  }

  /**
   * Holds pg_advisory_xact_lock(space, hashtext(study)) on one pooled connection for the
   * step's length; the step's own queries run on others, and the lock goes with the commit
   * (or with the connection, should the process die).
   */
  private acrossProcesses<T>(sql: Sql, studyId: string, work: () => Promise<T>): Promise<T> {
    return sql.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [STUDY_LOCK_SPACE, studyId]);
      return work();
    });
  }
}
