import { Worker } from 'node:worker_threads';

const BOOT = new URL('./boot.mjs', import.meta.url);

/**
 * Starts a worker thread running the TypeScript module `module` (a file URL), the same
 * way under `npm start` (tsx), the `arena` bin (tsx's register()) and the tests.
 * `data` reaches the module as workerData.data.
 */
export function startWorker(module: URL, data?: unknown): Worker {
  return new Worker(BOOT, { workerData: { module: module.href, data } });
}
