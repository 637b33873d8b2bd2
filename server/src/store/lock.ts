import { closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';

export class StoreInUseError extends Error {
  override name = 'StoreInUseError';
}

/**
 * Holds an exclusive OS lock on `file` until the returned function is called or the
 * process ends, however it ends: the kernel drops the lock with the process, so a
 * crash, a SIGKILL, a restart as PID 1 or a reused PID never leaves a stale lock.
 * The lock is SQLite's own (POSIX fcntl locks on a small database kept in
 * exclusive locking mode), which also keeps two openings within one process apart.
 */
export function holdLock(file: string, what: string): () => void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  const db = new DatabaseSync(file, { timeout: 0 });
  try {
    db.exec('PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = MEMORY');
    // The first write takes the exclusive lock; in this mode it is kept until close.
    db.exec('CREATE TABLE IF NOT EXISTS lock_owner (pid integer, started real)');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('DELETE FROM lock_owner');
    db.prepare('INSERT INTO lock_owner VALUES (?, ?)').run(process.pid, Date.now());
    db.exec('COMMIT');
  } catch (err) {
    db.close();
    const e = err as { errcode?: number };
    // SQLITE_BUSY (5) or SQLITE_LOCKED (6): somebody holds it.
    if ((e.errcode ?? 0) % 256 === 5 || (e.errcode ?? 0) % 256 === 6) {
      const pid = lockHolder(file);
      throw new StoreInUseError(
        `${what} is in use by ${pid === null ? 'another process' : pid === process.pid ? `process ${pid} (this one)` : `process ${pid}`}: ` +
          'stop that server first, or let several servers share one Postgres through DATABASE_URL',
      );
    }
    throw err;
  }
  return () => db.close();
}

/** The process holding a POSIX lock on the file, from Linux's /proc/locks (null elsewhere). */
function lockHolder(file: string): number | null {
  try {
    const inode = statSync(file).ino;
    for (const line of readFileSync('/proc/locks', 'utf8').split('\n')) {
      // "1: POSIX  ADVISORY  WRITE 12345 fd:01:2345678 0 EOF"
      const f = line.trim().split(/\s+/);
      if (f[1] === 'POSIX' && f[5]?.split(':')[2] === String(inode)) return Number(f[4]);
    }
  } catch {
    // Not Linux, or the file is gone: no name to give.
  }
  return null;
}
