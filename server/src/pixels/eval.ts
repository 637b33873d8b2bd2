/**
 * The pixel-debate experiment: judge accuracy on k random nonzero pixels versus the
 * accuracy of debate (the honest debater wins), for each k, with and without
 * precommit, in both move orders, with 95% Wilson intervals.
 *
 * Work is split by (k, precommit, order, image) across worker threads (default: one per
 * core, at most 2); every game is seeded by (seed, image id, label, order), so results
 * do not depend on the number of workers.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import cliProgress from 'cli-progress';
import { clusterInterval, weightedMean, wilson } from '@arena/shared';
import { DEFAULT_MCTS, debateImage } from './mcts.ts';
import type { MctsOptions } from './mcts.ts';
import { loadJudge } from './judge-model.ts';
import { splitMnist, sampleDigits } from './mnist-data.ts';
import type { Digit } from './mnist-data.ts';
import { judgeAccuracy } from './train.ts';
import { compareOrders, type ImageOutcome, type OrderComparison } from './order-pairs.ts';
import { startWorker } from '../workers/worker.ts';

export interface PixelsEvalOptions {
  ks: number[];
  /** Test images (ignored when `full`). */
  images: number;
  full: boolean;
  rollouts: number;
  c: number;
  prior: MctsOptions['prior'];
  exactLastMove: boolean;
  seed: string;
  precommit: boolean[];
  orders: ('honest-first' | 'liar-first')[];
  /** Random masks per image for the judge-alone baseline. */
  baselineMasks: number;
  workers: number;
  progress: boolean;
  /** Override the committed judge files: k -> path. */
  judgePaths?: Record<number, string>;
}

export const DEFAULT_EVAL: PixelsEvalOptions = {
  ks: [4, 6],
  images: 100,
  full: false,
  rollouts: 100,
  c: DEFAULT_MCTS.c,
  prior: DEFAULT_MCTS.prior,
  exactLastMove: true,
  seed: 'pixels-eval-v1',
  precommit: [true, false],
  orders: ['honest-first', 'liar-first'],
  baselineMasks: 5,
  workers: Math.max(1, Math.min(2, availableParallelism())),
  progress: true,
};

export interface PixelsEvalRow {
  k: number;
  condition: 'judge alone, random pixels' | 'debate, precommit' | 'debate, no precommit';
  order: 'honest-first' | 'liar-first' | null;
  correct: number;
  n: number;
  rate: number;
  low: number;
  high: number;
  /** Summed wall time of the row's tasks (seconds, added over workers; inflated when the machine is busy). */
  taskSeconds: number;
  /** Reference figure from the paper (Irving et al. 2018), when it reports one. */
  paper: number | null;
}

export interface PixelsEvalReport {
  config: Omit<PixelsEvalOptions, 'progress' | 'judgePaths'> & { imagesUsed: number; judges: Record<number, { path: string; heldOut: number; steps: number }> };
  rows: PixelsEvalRow[];
  /** Per image and (k, precommit): whether the honest debater won under each move order. */
  images: ImageOutcome[];
  /** Honest-first against liar-first on the same images: paired difference, McNemar, bootstrap. */
  orders: OrderComparison[];
  wallSeconds: number;
  judgeEvals: number;
  rollouts: number;
  /** Judge (margin) evaluations per second of task time, i.e. per busy core. */
  judgeEvalsPerCoreSecond: number;
}

const PAPER: Record<string, number> = { 'judge-4': 0.482, 'judge-6': 0.594, 'pre-4': 0.852, 'pre-6': 0.889 };

export interface EvalTask {
  id: number;
  k: number;
  precommit: boolean;
  honestFirst: boolean;
  digitId: number;
}

export interface EvalTaskResult {
  id: number;
  honestWins: boolean;
  games: number;
  evals: number;
  rollouts: number;
  ms: number;
}

export interface WorkerConfig {
  mcts: MctsOptions;
  seed: string;
  judgePaths: Record<number, string>;
}

/** Runs one task in this thread. */
export function runTask(task: EvalTask, cfg: WorkerConfig, digits: readonly Digit[]): EvalTaskResult {
  const t0 = performance.now();
  const d = digits[task.digitId];
  if (!d || d.id !== task.digitId) throw new Error(`digit ${task.digitId} not found`);
  const { judge } = loadJudge(cfg.judgePaths[task.k] ?? task.k);
  const r = debateImage(judge, d.pixels, d.nonzero, d.label, task.k, task.precommit, task.honestFirst, cfg.mcts, `${cfg.seed}/k${task.k}/img${d.id}`);
  return { id: task.id, honestWins: r.honestWins, games: r.games.length, evals: r.evals, rollouts: r.rollouts, ms: performance.now() - t0 };
}

async function runTasks(tasks: EvalTask[], cfg: WorkerConfig, workers: number, onDone: (r: EvalTaskResult) => void): Promise<void> {
  if (workers <= 1 || tasks.length < 2) {
    const { loadMnist } = await import('./mnist-data.ts');
    const digits = loadMnist();
    for (const t of tasks) {
      onDone(runTask(t, cfg, digits));
      // Let the progress bar draw.
      if (t.id % 8 === 0) await new Promise((r) => setImmediate(r));
    }
    return;
  }
  // Longest tasks first (precommit, k = 6) for better load balance.
  const queue = tasks.slice().sort((a, b) => Number(b.precommit) - Number(a.precommit) || b.k - a.k || a.id - b.id);
  const pool: Worker[] = [];
  await new Promise<void>((resolve, reject) => {
    let running = 0;
    const feed = (w: Worker) => {
      const t = queue.shift();
      if (!t) {
        void w.terminate();
        if (--running === 0) resolve();
        return;
      }
      w.postMessage(t);
    };
    for (let i = 0; i < Math.min(workers, tasks.length); i++) {
      const w: Worker = startWorker(new URL('./eval-worker.ts', import.meta.url), { workerData: cfg }, (r: EvalTaskResult) => {
        onDone(r);
        feed(w);
      });
      pool.push(w);
      running++;
      w.on('error', (e) => {
        for (const p of pool) void p.terminate();
        reject(e);
      });
      feed(w);
    }
  });
}

/**
 * The judge-alone accuracy over `masks` random masks per digit: with one mask a digit, a Wilson
 * interval; with several, the masks of a digit are not independent, so the interval is
 * cluster-robust by digit (one-way, t with digits − 1 degrees of freedom).
 */
export function judgeAloneInterval(perDigit: readonly number[], masks: number): { rate: number; low: number; high: number } {
  const correct = perDigit.reduce((s, x) => s + x, 0);
  if (masks <= 1) return wilson(correct, perDigit.length * masks);
  const trials = perDigit.flatMap((right, digit) => Array.from({ length: masks }, (_, m) => ({ judge: 'judge', question: String(digit), hit: m < right ? 1 : 0 })));
  const ci = clusterInterval(trials, (w) => weightedMean(trials, w, (t) => t.hit), { range: [0, 1] });
  return { rate: correct / trials.length, low: ci.low, high: ci.high };
}

export async function runPixelsEval(partial: Partial<PixelsEvalOptions> = {}, log: (line: string) => void = () => {}): Promise<PixelsEvalReport> {
  const o: PixelsEvalOptions = { ...DEFAULT_EVAL, ...partial };
  const t0 = performance.now();
  const split = splitMnist();
  const digits = o.full ? split.test : sampleDigits(split.test, o.images, `${o.seed}/images`);
  const judgePaths: Record<number, string> = {};
  const judges: PixelsEvalReport['config']['judges'] = {};
  for (const k of o.ks) {
    const lj = loadJudge(o.judgePaths?.[k] ?? k);
    judgePaths[k] = lj.path;
    judges[k] = { path: lj.path, heldOut: lj.provenance.heldOut.accuracy, steps: lj.provenance.steps };
  }
  const mcts: MctsOptions = { rollouts: o.rollouts, c: o.c, prior: o.prior, exactLastMove: o.exactLastMove };
  const cfg: WorkerConfig = { mcts, seed: o.seed, judgePaths };

  const rows: PixelsEvalRow[] = [];
  // Baseline: the judge alone on random nonzero pixels, same images.
  for (const k of o.ks) {
    const b0 = performance.now();
    const acc = judgeAccuracy(loadJudge(judgePaths[k] as string).judge, digits, k, `${o.seed}/baseline/k${k}`, o.baselineMasks);
    const w = judgeAloneInterval(acc.perDigit, o.baselineMasks);
    rows.push({ k, condition: 'judge alone, random pixels', order: null, correct: acc.correct, n: acc.n, rate: w.rate, low: w.low, high: w.high, taskSeconds: (performance.now() - b0) / 1000, paper: PAPER[`judge-${k}`] ?? null });
  }

  const tasks: EvalTask[] = [];
  const keyOf = (k: number, pre: boolean, hf: boolean) => `${k}/${pre}/${hf}`;
  const tally = new Map<string, { correct: number; n: number; ms: number }>();
  const perImage = new Map<string, ImageOutcome>();
  for (const k of o.ks)
    for (const pre of o.precommit)
      for (const order of o.orders) {
        tally.set(keyOf(k, pre, order === 'honest-first'), { correct: 0, n: 0, ms: 0 });
        for (const d of digits) {
          tasks.push({ id: tasks.length, k, precommit: pre, honestFirst: order === 'honest-first', digitId: d.id });
          if (!perImage.has(`${k}/${pre}/${d.id}`)) perImage.set(`${k}/${pre}/${d.id}`, { k, precommit: pre, digitId: d.id, honestFirst: null, liarFirst: null });
        }
      }
  log(`debate: ${tasks.length} image-games (k ${o.ks.join(',')}, ${digits.length} images), ${o.rollouts} rollouts a move, ${o.workers} worker(s)`);
  const bar = o.progress
    ? new cliProgress.SingleBar({ format: 'debate [{bar}] {percentage}% {value}/{total} | {duration_formatted} (eta {eta_formatted})', stream: process.stderr }, cliProgress.Presets.shades_classic)
    : null;
  bar?.start(tasks.length, 0);
  let evals = 0, rollouts = 0, cpuMs = 0, done = 0;
  await runTasks(tasks, cfg, o.workers, (r) => {
    const t = tasks[r.id] as EvalTask;
    const s = tally.get(keyOf(t.k, t.precommit, t.honestFirst));
    if (s) {
      s.n++;
      if (r.honestWins) s.correct++;
      s.ms += r.ms;
    }
    const im = perImage.get(`${t.k}/${t.precommit}/${t.digitId}`) as ImageOutcome;
    if (t.honestFirst) im.honestFirst = r.honestWins;
    else im.liarFirst = r.honestWins;
    evals += r.evals;
    rollouts += r.rollouts;
    cpuMs += r.ms;
    done++;
    bar?.update(done);
    if (!bar && (done % Math.max(1, Math.round(tasks.length / 10)) === 0 || done === tasks.length))
      log(`  ${done}/${tasks.length} image-games, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  });
  bar?.stop();
  for (const k of o.ks)
    for (const pre of o.precommit)
      for (const order of o.orders) {
        const s = tally.get(keyOf(k, pre, order === 'honest-first')) as { correct: number; n: number; ms: number };
        const w = wilson(s.correct, s.n);
        rows.push({ k, condition: pre ? 'debate, precommit' : 'debate, no precommit', order, correct: s.correct, n: s.n, rate: w.rate, low: w.low, high: w.high, taskSeconds: s.ms / 1000, paper: pre ? (PAPER[`pre-${k}`] ?? null) : null });
      }
  rows.sort((a, b) => a.k - b.k);
  const { progress: _p, judgePaths: _j, ...config } = o;
  const images = [...perImage.values()];
  return {
    config: { ...config, imagesUsed: digits.length, judges },
    rows,
    images,
    orders: compareOrders(images, `${o.seed}/orders`),
    wallSeconds: (performance.now() - t0) / 1000,
    judgeEvals: evals,
    rollouts,
    judgeEvalsPerCoreSecond: cpuMs > 0 ? evals / (cpuMs / 1000) : 0,
  };
}

const pct = (x: number) => (Number.isNaN(x) ? '  n/a' : `${(x * 100).toFixed(1)}%`);

export function formatPixelsTable(r: PixelsEvalReport): string {
  const lines: string[] = [];
  const c = r.config;
  lines.push(
    `MNIST pixel debate: ${c.imagesUsed} test images, ${c.rollouts} MCTS rollouts a move (c = ${c.c}, prior ${c.prior}, exact last move ${c.exactLastMove ? 'on' : 'off'}), seed ${c.seed}`,
  );
  lines.push('');
  const head = ['k', 'condition', 'order', 'accuracy', '95% CI', 'n', 'paper', 'task s'];
  const body = r.rows.map((row) => [
    String(row.k),
    row.condition,
    row.order ?? '-',
    pct(row.rate),
    `${pct(row.low)}–${pct(row.high)}`,
    String(row.n),
    row.paper === null ? '-' : pct(row.paper),
    row.taskSeconds.toFixed(1),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const fmt = (cells: string[]) => cells.map((x, i) => x.padEnd(widths[i] as number)).join('  ');
  lines.push(fmt(head));
  lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) lines.push(fmt(b));
  if (r.orders.length) {
    lines.push('', 'Move orders on the same images (honest-first − liar-first): both / honest-first only / liar-first only / neither');
    for (const o of r.orders) {
      lines.push(
        `k=${o.k} ${o.precommit ? 'precommit   ' : 'no precommit'}  ${o.images} images  ${o.both}/${o.honestFirstOnly}/${o.liarFirstOnly}/${o.neither}  ` +
          `difference ${o.difference >= 0 ? '+' : ''}${pct(o.difference)} (95% ${o.interval} ${pct(o.low)} to ${pct(o.high)}), McNemar exact p = ${o.mcnemarP.toPrecision(3)}`,
      );
    }
  }
  lines.push('');
  lines.push(
    `judge alone: n = images × ${c.baselineMasks} random masks${c.baselineMasks > 1 ? ', interval cluster-robust by digit (t, digits − 1 df)' : ''}; the other rows: Wilson. Debate: the honest debater wins the image (precommit: against all 9 false labels; no precommit: the judge's argmax is the true label).`,
  );
  lines.push(
    `wall ${r.wallSeconds.toFixed(1)} s with ${c.workers} worker(s); ${r.judgeEvals.toLocaleString('en-US')} judge evaluations (${Math.round(r.judgeEvalsPerCoreSecond).toLocaleString('en-US')}/s per core), ${r.rollouts.toLocaleString('en-US')} rollouts`,
  );
  for (const [k, j] of Object.entries(c.judges)) lines.push(`judge k=${k}: held-out ${pct(j.heldOut)} (${j.steps} steps), ${j.path}`);
  return lines.join('\n');
}
