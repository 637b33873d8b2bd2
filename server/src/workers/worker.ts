import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread on a TypeScript module (Node strips its types) and hands
 * `onMessage` the worker's own messages. Under `node --watch` (`npm run dev`) Node also
 * posts the modules a worker loads, as { 'watch:import': [...] } or { 'watch:require': [...] },
 * on the same channel (nodejs/node#65044): those never reach `onMessage`.
 */
export function startWorker<M>(module: URL, options: WorkerOptions, onMessage: (message: M) => void): Worker {
  const worker = new Worker(module, options);
  worker.on('message', (message: unknown) => {
    if (typeof message === 'object' && message !== null && Object.keys(message).some((k) => k.startsWith('watch:'))) return;
    onMessage(message as M);
  });
  return worker;
}
