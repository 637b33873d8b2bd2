/** `arena pixels …`: the MNIST pixel-debate experiment (Irving, Christiano & Amodei 2018). */
import type { Command } from 'commander';
import { runTrainCommand } from '../pixels/train-command.ts';
import { DEFAULT_EVAL, formatPixelsTable, runPixelsEval } from '../pixels/eval.ts';
import type { PixelsEvalOptions } from '../pixels/eval.ts';
import { PACK_DEFAULTS, packJudgeAccuracy, writePack } from '../pixels/pack.ts';

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${v}`);
  return n;
};
const num = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${v}`);
  return n;
};

export function registerPixels(program: Command): void {
  const pixels = program.command('pixels').description('MNIST pixel debate: sparse judge training and the debate experiment');

  pixels
    .command('train')
    .description('train the sparse judge on random masks of k nonzero pixels and write its weights')
    .option('--k <k>', 'revealed pixels (4 or 6)', int('--k'), 6)
    .option('--steps <n>', 'minibatches', int('--steps'))
    .option('--seed <seed>', 'training seed')
    .option('--hidden <n>', 'hidden units', int('--hidden'))
    .option('--lr <lr>', 'peak Adam learning rate', num('--lr'))
    .option('--batch <n>', 'minibatch size', int('--batch'))
    .option('--train-size <n>', 'training digits (rest are held out)', int('--train-size'))
    .option('--out <path>', 'weights file (default server/src/pixels/weights/judge-k<k>.json)')
    .option('--no-progress', 'no progress bar')
    .action((o: { k: number; steps?: number; seed?: string; hidden?: number; lr?: number; batch?: number; trainSize?: number; out?: string; progress: boolean }) => {
      runTrainCommand(o);
    });

  pixels
    .command('eval')
    .description('judge alone vs debate (MCTS debaters), with and without precommit, both move orders, 95% Wilson intervals')
    .option('--images <n>', 'test images (seeded sample of the 2,000 held-out digits)', int('--images'), DEFAULT_EVAL.images)
    .option('--full', 'use the whole test set (2,000 digits)', false)
    .option('--rollouts <n>', 'MCTS rollouts a move', int('--rollouts'), DEFAULT_EVAL.rollouts)
    .option('--k <list>', 'pixel budgets, comma-separated (4,6)', DEFAULT_EVAL.ks.join(','))
    .option('--precommit <which>', 'yes | no | both', 'both')
    .option('--order <which>', 'honest-first | liar-first | both', 'both')
    .option('--prior <prior>', 'MCTS prior: judge | uniform', DEFAULT_EVAL.prior)
    .option('--c <c>', 'PUCT exploration constant', num('--c'), DEFAULT_EVAL.c)
    .option('--no-exact-last-move', 'plain MCTS inside the search (the real last move stays exact)')
    .option('--baseline-masks <n>', 'random masks per image for the judge-alone row', int('--baseline-masks'), DEFAULT_EVAL.baselineMasks)
    .option('--seed <seed>', 'experiment seed', DEFAULT_EVAL.seed)
    .option('--workers <n>', 'worker threads', int('--workers'), DEFAULT_EVAL.workers)
    .option('--json', 'print the report as JSON', false)
    .option('--no-progress', 'no progress bar')
    .action(async (o: { images: number; full: boolean; rollouts: number; k: string; precommit: string; order: string; prior: string; c: number; exactLastMove: boolean; baselineMasks: number; seed: string; workers: number; json: boolean; progress: boolean }) => {
      const ks = o.k.split(',').map((x) => Number(x.trim()));
      if (ks.some((k) => !Number.isInteger(k) || k < 1)) throw new Error(`--k: expected e.g. 4,6, got ${o.k}`);
      const pick = <T,>(v: string, name: string, map: Record<string, T[]>): T[] => {
        const r = map[v];
        if (!r) throw new Error(`${name}: expected one of ${Object.keys(map).join(', ')}, got ${v}`);
        return r;
      };
      if (o.prior !== 'judge' && o.prior !== 'uniform') throw new Error(`--prior: expected judge or uniform, got ${o.prior}`);
      const opts: Partial<PixelsEvalOptions> = {
        ks,
        images: o.images,
        full: o.full,
        rollouts: o.rollouts,
        precommit: pick(o.precommit, '--precommit', { both: [true, false], yes: [true], no: [false] }),
        orders: pick(o.order, '--order', { both: ['honest-first', 'liar-first'], 'honest-first': ['honest-first'], 'liar-first': ['liar-first'] } as Record<string, PixelsEvalOptions['orders']>),
        prior: o.prior,
        c: o.c,
        exactLastMove: o.exactLastMove,
        baselineMasks: o.baselineMasks,
        seed: o.seed,
        workers: Math.max(1, o.workers),
        progress: o.progress && process.stderr.isTTY === true,
      };
      const report = await runPixelsEval(opts, o.progress ? (l) => console.error(l) : () => {});
      console.log(o.json ? JSON.stringify(report, null, 2) : formatPixelsTable(report));
    });

  pixels
    .command('pack')
    .description('write a scenario pack of held-out MNIST digits for live pixel debates (question, true label and a confusable false label)')
    .option('--count <n>', 'digits', int('--count'), PACK_DEFAULTS.count)
    .option('--seed <seed>', 'which digits, answer order and judge masks', PACK_DEFAULTS.seed)
    .option('--out <dir>', 'pack folder', PACK_DEFAULTS.out)
    .option('--masks <n>', 'random 6-pixel masks a digit for picking the confusable label', int('--masks'), PACK_DEFAULTS.masks)
    .action((o: { count: number; seed: string; out: string; masks: number }) => {
      if (o.count < 1) throw new Error('--count must be at least 1');
      const { files, scenarios } = writePack(o);
      const acc = packJudgeAccuracy(scenarios, 6, 20, o.seed);
      console.log(`wrote ${files.length} files to ${o.out} (${scenarios.length} digits)`);
      console.log(`judge alone (k=6, 20 random masks a digit, choosing between the two answers): ${(100 * acc).toFixed(1)}%`);
    });
}
