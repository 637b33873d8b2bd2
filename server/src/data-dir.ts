/**
 * The data folder holds transcripts, seat tokens and the researcher token: it is for
 * the server's user only. Folders are 0700 and files 0600 (group and others get
 * nothing), whether the server made them or the embedded database unpacked them (its
 * initial files come out of an archive with mode 0666 whatever the umask).
 */
import { chmodSync, lstatSync, readdirSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

const ownedByMe = (uid: number) => typeof process.getuid !== 'function' || uid === process.getuid();

/** Creates `dir` (0700), or tightens an existing one this user owns. */
export async function privateDataDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const s = await stat(dir);
  if ((s.mode & 0o077) !== 0 && ownedByMe(s.uid)) await chmod(dir, 0o700);
}

/**
 * Removes group and other permissions from every file and folder under `dir` that this
 * user owns (symbolic links are left alone). Returns how many entries it changed.
 */
export function privateTree(dir: string): number {
  let changed = 0;
  const walk = (p: string) => {
    let s;
    try {
      s = lstatSync(p);
    } catch {
      return; // removed meanwhile (the database rotates files)
    }
    if (s.isSymbolicLink()) return;
    if ((s.mode & 0o077) !== 0 && ownedByMe(s.uid)) {
      chmodSync(p, s.mode & 0o700);
      changed++;
    }
    if (s.isDirectory()) for (const name of readdirSync(p)) walk(join(p, name));
  };
  walk(dir);
  return changed;
}
