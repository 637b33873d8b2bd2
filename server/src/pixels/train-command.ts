/** `arena pixels train`: trains one judge and writes its weights with provenance. */
import { relative } from 'node:path';
import { saveJudge, quantised, defaultJudgePath } from './judge-model.ts';
import type { JudgeProvenance } from './judge-model.ts';
import { DEFAULT_SPLIT_SEED, DEFAULT_TRAIN_SIZE, splitMnist } from './mnist-data.ts';
import { DEFAULT_TRAIN, trainJudge, storedAccuracy } from './train.ts';

export interface TrainCommandOptions {
  k: number;
  steps?: number;
  seed?: string;
  hidden?: number;
  lr?: number;
  batch?: number;
  trainSize?: number;
  out?: string;
  progress?: boolean;
}

export function runTrainCommand(o: TrainCommandOptions, log: (line: string) => void = (l) => console.log(l)) {
  const k = o.k;
  if (!Number.isInteger(k) || k < 1 || k > 20) throw new Error(`--k must be an integer in [1, 20], got ${k}`);
  const split = splitMnist(DEFAULT_SPLIT_SEED, o.trainSize ?? DEFAULT_TRAIN_SIZE);
  const opts = {
    k,
    hidden: o.hidden ?? DEFAULT_TRAIN.hidden,
    steps: o.steps ?? DEFAULT_TRAIN.steps,
    batch: o.batch ?? DEFAULT_TRAIN.batch,
    lr: o.lr ?? DEFAULT_TRAIN.lr,
    seed: o.seed ?? DEFAULT_TRAIN.seed,
    progress: o.progress ?? true,
  };
  log(`training judge k=${k}: hidden ${opts.hidden}, ${opts.steps} steps of ${opts.batch}, lr ${opts.lr}, seed ${opts.seed}, ${split.train.length} training digits`);
  const r = trainJudge(split.train, opts, log);
  const acc = storedAccuracy(r.weights, split.test, k, 5);
  const out = o.out ?? defaultJudgePath(k);
  const command =
    `npm run arena -- pixels train --k ${k} --steps ${opts.steps} --seed ${opts.seed} --hidden ${opts.hidden} --lr ${opts.lr} --batch ${opts.batch}` +
    (o.trainSize !== undefined ? ` --train-size ${o.trainSize}` : '');
  const provenance: JudgeProvenance = {
    k,
    command,
    seed: opts.seed,
    splitSeed: split.seed,
    trainSize: split.train.length,
    testSize: split.test.length,
    steps: opts.steps,
    batch: opts.batch,
    learningRate: opts.lr,
    trainSeconds: Math.round(r.seconds * 10) / 10,
    heldOut: { images: split.test.length, masksPerImage: 5, accuracy: acc.accuracy },
    createdAt: new Date().toISOString(),
  };
  saveJudge(out, quantised(r.weights), provenance);
  log(`held-out accuracy (stored int8 weights, ${acc.n} masks of ${k} nonzero pixels): ${(acc.accuracy * 100).toFixed(1)}%; ${r.seconds.toFixed(0)} s; wrote ${relative(process.cwd(), out)}`);
  return provenance;
}
