/**
 * The server's stores, opened together over one database (or all in memory): the debate
 * store, the study tables and their per-study locks, and the remote agents' keys. The
 * only place that hands a database connection to each; nothing else sees it.
 */
import { MemoryAgentKeys, SqlAgentKeys, type AgentKeys } from './store/agent-keys.ts';
import { MemoryDebateStore } from './store/memory-debates.ts';
import { openSql, type StoreOptions } from './store/open.ts';
import type { Sql } from './store/sql.ts';
import { SqlDebateStore } from './store/sql-debates.ts';
import type { DebateStore } from './store/store.ts';
import { StudyLocks } from './studies/study-lock.ts';
import { MemoryStudyStore } from './studies/study-store-memory.ts';
import { SqlStudyStore, type StudyStore } from './studies/study-store.ts';

export interface Stores {
  debates: DebateStore;
  studies: StudyStore;
  studyLocks: StudyLocks;
  agentKeys: AgentKeys;
  /** Closes the database they share (once, however often it is called). */
  close(): Promise<void>;
}

/** Opens the stores: Postgres with a URL, SQLite in `dataDir` (or in memory), or with `memory` no database at all. */
export async function openStores(options: StoreOptions): Promise<Stores> {
  if (options.memory) {
    const debates = new MemoryDebateStore();
    return { debates, studies: new MemoryStudyStore(), studyLocks: new StudyLocks(), agentKeys: new MemoryAgentKeys(), close: () => debates.close() };
  }
  return storesOver(await openSql(options));
}

/** The stores over one opened database (openStores; tests that also read its tables directly). */
export function storesOver(sql: Sql): Stores {
  return {
    debates: new SqlDebateStore(sql),
    studies: new SqlStudyStore(sql),
    studyLocks: new StudyLocks(sql),
    agentKeys: new SqlAgentKeys(sql),
    close: () => sql.close(),
  };
}
