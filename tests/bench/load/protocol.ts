/** What the load benchmark's processes say to each other (over IPC, wrapped as { load: … }). */

export const LOAD_TOKEN = 'load-benchmark-researcher-token';

/** Parent → server. */
export type ServeRequest = 'sample' | 'stop';

/** Server → parent: its CPU so far (all threads) and its heap after a GC. */
export interface ServeSample {
  cpuMicros: number;
  heapUsed: number;
}

/** Parent → generator (as its argument). */
export interface GeneratorTask {
  kind: 'arena' | 'bare';
  port: number;
  debates: number;
  rounds: number;
  thinkMs: number;
  seed: string;
}

/** Generator → parent, once its debates are set up; it then waits for "go". */
export interface GeneratorSetup {
  setupSeconds: number;
}

/** Generator → parent, when every debate has played its rounds. */
export interface GeneratorResult {
  latencies: number[];
  actions: number;
  errors: number;
}
