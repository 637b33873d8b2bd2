/** Worker thread for eval.ts: runs debate tasks and posts their results. */
import { parentPort, workerData } from 'node:worker_threads';
import { runTask } from './eval.ts';
import type { EvalTask, WorkerConfig } from './eval.ts';
import { loadMnist } from './mnist-data.ts';

const cfg = workerData as WorkerConfig;
const digits = loadMnist();
parentPort?.on('message', (task: EvalTask) => {
  parentPort?.postMessage(runTask(task, cfg, digits));
});
