/** Worker thread for search-pool.ts: answers search requests one at a time. */
import { parentPort } from 'node:worker_threads';
import { searchReveal, type SearchRequest } from './search.ts';

parentPort?.on('message', ({ id, req }: { id: number; req: SearchRequest }) => {
  try {
    parentPort?.postMessage({ id, index: searchReveal(req) });
  } catch (err) {
    parentPort?.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
