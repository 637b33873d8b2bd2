import path from 'node:path';
import { loadConfig } from '../config.ts';
import { privateDataDir, privateTree } from '../data-dir.ts';
import type { Store } from '../store/store.ts';
import { openStores, type Stores } from '../stores.ts';

/**
 * The store a command works on, the same one the server uses: Postgres when
 * DATABASE_URL is set, else the embedded database in <data-dir>/db (the data folder
 * defaults to ARENA_DATA_DIR or ./data). It does not take the server's lock: SQLite
 * in WAL mode lets a command and a running server share the database.
 */
export async function commandStore(dataDir?: string): Promise<Store> {
  // The debate store closes the database it shares with the others.
  return (await commandStores(dataDir)).debates;
}

/** All the stores a command may need (the reports read the studies' exclusions beside the debates), over the same database as commandStore. */
export async function commandStores(dataDir?: string): Promise<Stores> {
  const config = loadConfig();
  if (config.databaseUrl) return openStores({ databaseUrl: config.databaseUrl });
  const dir = dataDir ?? config.dataDir;
  await privateDataDir(dir);
  const stores = await openStores({ dataDir: path.join(dir, 'db') });
  privateTree(dir);
  return stores;
}
