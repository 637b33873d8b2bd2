/**
 * Runs pixel-debater searches in worker threads, so a search of any size never holds
 * up the event loop that answers HTTP requests and room messages. At most one worker per
 * core (two at most); further searches wait their turn. A search whose turn is aborted
 * (the agent's time ran out) stops at once: its worker is ended and replaced on demand.
 * Idle workers do not keep the process alive and end after a minute.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../workers/worker.ts';
import type { SearchRequest } from './search.ts';

const MAX_WORKERS = Math.max(1, Math.min(2, availableParallelism()));
const IDLE_MS = 60_000;
const WORKER = new URL('./search-worker.ts', import.meta.url);

interface Job {
  id: number;
  req: SearchRequest;
  resolve: (index: number) => void;
  reject: (err: Error) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

type Reply = { id: number; index: number } | { id: number; error: string };

const idle: { worker: Worker; timer: NodeJS.Timeout }[] = [];
const busy = new Map<Worker, Job>();
const queue: Job[] = [];
let nextId = 1;

function settle(job: Job): void {
  job.signal?.removeEventListener('abort', job.onAbort);
}

function retire(worker: Worker): void {
  busy.delete(worker);
  const i = idle.findIndex((w) => w.worker === worker);
  if (i >= 0) {
    clearTimeout(idle[i]!.timer);
    idle.splice(i, 1);
  }
  void worker.terminate();
}

function spawn(): Worker {
  const worker: Worker = startWorker(WORKER, {}, (reply: Reply) => {
    const job = busy.get(worker);
    if (!job || job.id !== reply.id) return;
    busy.delete(worker);
    settle(job);
    worker.unref();
    const timer = setTimeout(() => retire(worker), IDLE_MS);
    timer.unref();
    idle.push({ worker, timer });
    if ('error' in reply) job.reject(new Error(`pixel search failed: ${reply.error}`));
    else job.resolve(reply.index);
    pump();
  });
  const fail = (err: Error) => {
    const job = busy.get(worker);
    retire(worker);
    if (job) {
      settle(job);
      job.reject(new Error(`pixel search worker stopped: ${err.message}`));
    }
    pump();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => {
    if (busy.has(worker)) fail(new Error(`exit code ${code}`));
  });
  return worker;
}

function pump(): void {
  while (queue.length > 0 && (idle.length > 0 || busy.size < MAX_WORKERS)) {
    const job = queue.shift() as Job;
    const slot = idle.pop();
    if (slot) clearTimeout(slot.timer);
    const worker = slot?.worker ?? spawn();
    worker.ref();
    busy.set(worker, job);
    worker.postMessage({ id: job.id, req: job.req });
  }
}

/**
 * The pixel the debater reveals next (see searchReveal), computed in a worker thread.
 * Rejects with the signal's reason when `signal` aborts first.
 */
export function searchInWorker(req: SearchRequest, signal?: AbortSignal): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const job: Job = {
      id: nextId++,
      req,
      resolve,
      reject,
      signal,
      onAbort: () => {
        const queued = queue.indexOf(job);
        if (queued >= 0) queue.splice(queued, 1);
        for (const [worker, j] of busy) if (j === job) retire(worker);
        settle(job);
        reject(signal?.reason instanceof Error ? signal.reason : new Error('the search was aborted'));
        pump();
      },
    };
    signal?.addEventListener('abort', job.onAbort, { once: true });
    queue.push(job);
    pump();
  });
}

/** Workers alive now (busy or idle), for tests and diagnostics. */
export function searchWorkers(): { busy: number; idle: number; queued: number } {
  return { busy: busy.size, idle: idle.length, queued: queue.length };
}
