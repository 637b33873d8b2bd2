// Entry of every worker thread the server starts. A worker thread does not inherit the
// TypeScript loader that `tsx/esm/api`'s register() installs in the main thread (the
// `arena` bin does that), so each worker registers it before importing its TypeScript
// module (workerData.module, a file URL). Under `tsx` itself a second registration is harmless.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
