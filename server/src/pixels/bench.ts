/**
 * Throughput of the pixel-debate core on one core (about 5 s):
 * - judgeEvalsPerSecond: full 10-logit evaluations of the committed k=6 judge on 6
 *   random nonzero pixels, through the public `logits()` API;
 * - mctsRolloutsPerSecond: MCTS rollouts of a precommit debate move search (k = 6,
 *   first move, 200 rollouts a search) on test digits.
 */
import { rngFromSeed } from '@arena/shared';
import { sampleDistinct } from './game.ts';
import { loadJudge } from './judge-model.ts';
import type { Reveal } from './judge-model.ts';
import { DEFAULT_MCTS, MarginEvaluator, PixelPosition, chooseMove } from './mcts.ts';
import { splitMnist } from './mnist-data.ts';

export async function benchPixels(): Promise<{ judgeEvalsPerSecond: number; mctsRolloutsPerSecond: number }> {
  const { judge } = loadJudge(6);
  const { test } = splitMnist();
  const rng = rngFromSeed('bench-pixels');
  const sets: Reveal[][] = [];
  for (let i = 0; i < 1000; i++) {
    const d = test[i % test.length]!;
    sets.push(sampleDistinct(d.nonzero, 6, rng).map((index) => ({ index, value: d.pixels[index] as number })));
  }
  let sink = 0;
  for (let i = 0; i < 2000; i++) sink += judge.logits(sets[i % sets.length]!)[0] as number; // warm-up
  let evals = 0;
  let t0 = performance.now();
  while (performance.now() - t0 < 2000) {
    for (let i = 0; i < 1000; i++) sink += judge.logits(sets[i]!)[0] as number;
    evals += 1000;
  }
  const judgeEvalsPerSecond = evals / ((performance.now() - t0) / 1000);

  const opts = { ...DEFAULT_MCTS, rollouts: 200 };
  let rollouts = 0;
  let i = 0;
  t0 = performance.now();
  while (performance.now() - t0 < 3000) {
    const d = test[i++ % test.length]!;
    const pos = new PixelPosition(judge, d.pixels, d.nonzero);
    const ev = new MarginEvaluator(pos, d.label, (d.label + 1) % 10);
    sink += chooseMove({ ev, k: 6, honestFirst: true, opts }, [], rngFromSeed(`bench/${i}`));
    rollouts += opts.rollouts;
    await new Promise((r) => setImmediate(r));
  }
  const mctsRolloutsPerSecond = rollouts / ((performance.now() - t0) / 1000);
  if (Number.isNaN(sink)) throw new Error('unreachable');
  return { judgeEvalsPerSecond: Math.round(judgeEvalsPerSecond), mctsRolloutsPerSecond: Math.round(mctsRolloutsPerSecond) };
}
