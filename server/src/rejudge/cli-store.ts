import { existsSync } from 'node:fs';
import path from 'node:path';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/store.ts';

/**
 * The store a command works on: $DATABASE_URL, else the embedded database the server
 * uses, <data-dir>/db. A <data-dir> that is itself an embedded database (what
 * `arena import nyu --data-dir <dir>` writes) is opened as it is.
 */
export function commandStore(dataDir: string): Promise<Store> {
  const url = process.env.DATABASE_URL;
  if (url) return openStore({ databaseUrl: url });
  const nested = path.join(dataDir, 'db');
  const direct = !existsSync(nested) && existsSync(path.join(dataDir, 'PG_VERSION'));
  return openStore({ dataDir: direct ? dataDir : nested });
}
