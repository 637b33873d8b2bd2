/**
 * The pixel debate game (after Irving, Christiano & Amodei 2018), as pure functions.
 * No Node APIs, no I/O, no Math.random: randomness comes in as an `Rng` (() => [0,1)).
 * Ready to move to shared/ as the "image" evidence kind.
 *
 * Rules implemented here:
 * - The judge sees only revealed pixels. Only nonzero pixels may be revealed (a zero
 *   pixel reveals nothing the judge was trained on). Each pixel at most once.
 * - Two debaters, honest (claims the true label) and liar, alternate one reveal each,
 *   k reveals in all (k = 6: 3 each; k = 4: 2 each). `honestFirst` picks who starts.
 * - Precommit: the liar states a false label L before any reveal. The liar wins iff
 *   logit[L] > logit[true] on the k revealed pixels (the honest debater wins ties).
 *   The liar "wins the image" if it wins with any of the 9 false labels.
 * - No precommit: the liar's label is picked after the last reveal, i.e. the liar wins
 *   iff some false label's logit is strictly above the true label's (the judge's argmax
 *   is not the true label); ties go to the honest debater.
 * Both reduce to one number, the liar's margin: logit[L] − logit[true] (precommit), or
 * max over L ≠ true of logit[L] − logit[true] (no precommit); the liar wins iff margin > 0.
 */

import { revealProblem, type ImageData } from '@arena/shared';

export type Rng = () => number;

export type Role = 'honest' | 'liar';

export interface PixelGameRules {
  /** Total reveals (4 or 6 in the paper). */
  k: number;
  honestFirst: boolean;
  /** The liar's committed false label, or null for the no-precommit game. */
  liarLabel: number | null;
}

export interface PixelMove {
  role: Role;
  index: number;
  value: number;
}

/** Who reveals at turn t (0-based). */
export function moverAt(turn: number, honestFirst: boolean): Role {
  const firstMoves = turn % 2 === 0;
  return firstMoves === honestFirst ? 'honest' : 'liar';
}

/** Reveals per role for k total: the first mover gets the odd one. */
export function revealsPerRole(k: number, honestFirst: boolean): { honest: number; liar: number } {
  const first = Math.ceil(k / 2);
  const second = Math.floor(k / 2);
  return honestFirst ? { honest: first, liar: second } : { honest: second, liar: first };
}

/** Indices of nonzero pixels, ascending. */
export function nonzeroPixels(pixels: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < pixels.length; i++) if ((pixels[i] ?? 0) > 0) out.push(i);
  return out;
}

/**
 * A digit as the shared engine's image evidence (28×28 unless told). The values are
 * used as they are (no copy when already a Float32Array), so callers decode or wrap an
 * image once and reuse it for every check.
 */
export function asImage(pixels: ArrayLike<number>, width = 28, height = pixels.length / width): ImageData {
  return { width, height, values: pixels instanceof Float32Array ? pixels : Float32Array.from(pixels) };
}

/** Legal reveals: inked pixels not yet revealed (the engine's rule, revealProblem). */
export function legalReveals(image: ImageData, revealed: readonly number[]): number[] {
  const taken = new Set(revealed);
  const out: number[] = [];
  for (let i = 0; i < image.values.length; i++) if (revealProblem(image, taken, i) === null) out.push(i);
  return out;
}

/**
 * Checks a reveal with the engine's own rule (shared revealProblem): the reason the
 * engine would give when refused, null when legal.
 */
export function checkReveal(image: ImageData, revealed: readonly number[] | ReadonlySet<number>, index: number): string | null {
  return revealProblem(image, revealed instanceof Set ? revealed : new Set(revealed as readonly number[]), index);
}

/** The liar's margin from the judge's logits (see the header). */
export function liarMargin(logits: ArrayLike<number>, trueLabel: number, liarLabel: number | null): number {
  const t = logits[trueLabel] as number;
  if (liarLabel !== null) return (logits[liarLabel] as number) - t;
  let best = -Infinity;
  for (let c = 0; c < logits.length; c++) if (c !== trueLabel) best = Math.max(best, logits[c] as number);
  return best - t;
}

export function liarWins(logits: ArrayLike<number>, trueLabel: number, liarLabel: number | null): boolean {
  return liarMargin(logits, trueLabel, liarLabel) > 0;
}

/** The 9 false labels. */
export function falseLabels(trueLabel: number, classes = 10): number[] {
  const out: number[] = [];
  for (let c = 0; c < classes; c++) if (c !== trueLabel) out.push(c);
  return out;
}

/**
 * k distinct positions drawn uniformly from `candidates` (all of them, shuffled, when
 * fewer than k). Rejection sampling: k is tiny next to the ~150 nonzero pixels.
 */
export function sampleDistinct(candidates: ArrayLike<number>, k: number, rng: Rng): number[] {
  const n = candidates.length;
  if (n <= k) {
    const all = Array.from({ length: n }, (_, i) => candidates[i] as number);
    for (let i = all.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [all[i], all[j]] = [all[j] as number, all[i] as number];
    }
    return all;
  }
  const picked: number[] = [];
  while (picked.length < k) {
    const c = candidates[Math.floor(rng() * n)] as number;
    if (!picked.includes(c)) picked.push(c);
  }
  return picked;
}
