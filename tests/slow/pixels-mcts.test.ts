import { describe, expect, it } from 'vitest';
import { rngFromSeed } from '@arena/shared';
import { CLASSES, SparseJudge } from '../../server/src/pixels/judge-model.ts';
import type { JudgeWeights } from '../../server/src/pixels/judge-model.ts';
import { DEFAULT_MCTS, MarginEvaluator, PixelPosition, chooseMove, debateImage, playGame } from '../../server/src/pixels/mcts.ts';
import { asImage, checkReveal, legalReveals, liarMargin, moverAt, revealsPerRole } from '../../server/src/pixels/game.ts';
import { decodeImage, encodePixels, revealProblem } from '@arena/shared';
import { loadJudge } from '../../server/src/pixels/judge-model.ts';
import { splitMnist } from '../../server/src/pixels/mnist-data.ts';

/**
 * A hand-made two-unit judge over ten pixels. True label 0, liar label 1.
 * Units: h1 = ReLU(X + A1 − 2·C1 − 1), h2 = ReLU(X + A2 − 2·C2 − 1); liar margin h1 + h2 − 0.5.
 * Liar moves first, honest second, liar last (k = 3). Revealing X first creates a fork
 * (threats A1 and A2, the honest debater can counter only one): the only winning first move.
 */
const PIX = { X: 100, A1: 101, A2: 102, C1: 103, C2: 104, D1: 105, D2: 106, D3: 107, D4: 108, D5: 109 };
function forkJudge(): SparseJudge {
  const H = 2;
  const wMask = new Float32Array(784 * H);
  const set = (p: number, a: number, b: number) => {
    wMask[p * H] = a;
    wMask[p * H + 1] = b;
  };
  set(PIX.X, 1, 1);
  set(PIX.A1, 1, 0);
  set(PIX.A2, 0, 1);
  set(PIX.C1, -2, 0);
  set(PIX.C2, 0, -2);
  const w2 = new Float32Array(H * CLASSES);
  w2[0 * CLASSES + 1] = 1;
  w2[1 * CLASSES + 1] = 1;
  const b2 = new Float32Array(CLASSES);
  b2[0] = 0.5;
  const w: JudgeWeights = { hidden: H, wMask, wValue: new Float32Array(784 * H), b1: Float32Array.from([-1, -1]), w2, b2 };
  return new SparseJudge(w);
}
const pixels = new Float32Array(784);
for (const p of Object.values(PIX)) pixels[p] = 1;
const nonzero = Object.values(PIX).sort((a, b) => a - b);

describe('pixels: game rules', () => {
  it('alternates movers and splits reveals', () => {
    expect([0, 1, 2, 3].map((t) => moverAt(t, true))).toEqual(['honest', 'liar', 'honest', 'liar']);
    expect(moverAt(0, false)).toBe('liar');
    expect(revealsPerRole(6, true)).toEqual({ honest: 3, liar: 3 });
    expect(revealsPerRole(3, false)).toEqual({ honest: 1, liar: 2 });
  });
  it('refuses zero, repeated and out-of-range reveals', () => {
    const image = asImage(pixels);
    expect(checkReveal(image, [], 0)).toMatch(/blank/);
    expect(checkReveal(image, [PIX.X], PIX.X)).toMatch(/already been revealed/);
    expect(checkReveal(image, [], 784)).toMatch(/outside/);
    expect(checkReveal(image, [], PIX.A1)).toBeNull();
    expect(legalReveals(image, [PIX.X])).toEqual(nonzero.filter((p) => p !== PIX.X));
  });
  it('uses the engine\'s reveal rule: same answers as revealProblem on the decoded scenario image', () => {
    const decoded = decodeImage(28, 28, encodePixels(pixels));
    for (const i of [0, 783, 784, -1, 1.5, ...nonzero]) {
      for (const taken of [[], [PIX.X], nonzero]) {
        expect(checkReveal(asImage(pixels), taken, i)).toBe(revealProblem(decoded, new Set(taken), i));
      }
    }
  });
  it('defines the margins with and without precommit', () => {
    const logits = [2, 1, 3, 0, 0, 0, 0, 0, 0, 0];
    expect(liarMargin(logits, 0, 1)).toBe(-1);
    expect(liarMargin(logits, 0, null)).toBe(1);
    expect(liarMargin([1, 1, 0, 0, 0, 0, 0, 0, 0, 0], 0, null)).toBe(0); // ties go to the honest debater
  });
});

describe('pixels: MCTS debaters', () => {
  const judge = forkJudge();
  const pos = new PixelPosition(judge, pixels, nonzero);
  const xIndex = pos.candidates.indexOf(PIX.X);

  it('the hand-made judge scores as designed', () => {
    const r = (ps: number[]) => liarMargin(judge.logits(ps.map((index) => ({ index, value: 1 }))), 0, 1);
    expect(r([PIX.X, PIX.C1, PIX.A2])).toBeCloseTo(0.5);
    expect(r([PIX.A1, PIX.C1, PIX.X])).toBeCloseTo(-0.5);
  });

  for (const prior of ['judge', 'uniform'] as const) {
    it(`finds the only winning first reveal (prior ${prior})`, () => {
      const ev = new MarginEvaluator(pos, 0, 1);
      for (const seed of ['a', 'b', 'c']) {
        const move = chooseMove({ ev, k: 3, honestFirst: false, opts: { ...DEFAULT_MCTS, prior, rollouts: 300 } }, [], rngFromSeed(seed));
        expect(move).toBe(xIndex);
      }
    });
  }

  it('plays the whole game out: the liar wins, and the honest side blocks one threat', () => {
    const g = playGame(pos, 0, 1, 3, false, { ...DEFAULT_MCTS, rollouts: 300 }, 'game');
    expect(g.moves.map((m) => m.role)).toEqual(['liar', 'honest', 'liar']);
    expect(g.moves[0]!.index).toBe(PIX.X);
    expect([PIX.C1, PIX.C2]).toContain(g.moves[1]!.index);
    expect(g.liarWins).toBe(true);
  });

  it('solves the final move exactly', () => {
    const ev = new MarginEvaluator(pos, 0, 1);
    const acc = Float32Array.from([-1 + 1, -1 + 1]); // b1 + X
    const used = new Uint8Array(pos.n);
    used[xIndex] = 1;
    const liar = ev.solveLast(acc, used, true);
    expect([PIX.A1, PIX.A2]).toContain(pos.candidates[liar.move]);
    expect(liar.margin).toBeCloseTo(0.5);
    const honest = ev.solveLast(acc, used, false);
    expect([PIX.C1, PIX.C2]).toContain(pos.candidates[honest.move]);
  });

  it('is deterministic under a seed on a real digit and the committed judge', () => {
    const { judge: real } = loadJudge(4);
    const d = splitMnist().test[3]!;
    const opts = { ...DEFAULT_MCTS, rollouts: 30 };
    const a = debateImage(real, d.pixels, d.nonzero, d.label, 4, true, true, opts, 'det');
    const b = debateImage(real, d.pixels, d.nonzero, d.label, 4, true, true, opts, 'det');
    expect(b.games).toEqual(a.games);
    expect(a.games[0]!.moves.length).toBe(4);
    for (const m of a.games[0]!.moves) expect(d.pixels[m.index]).toBeGreaterThan(0);
    const c = debateImage(real, d.pixels, d.nonzero, d.label, 4, false, false, opts, 'det');
    expect(c.games.length).toBe(1);
    expect(c.games[0]!.liarLabel).toBeNull();
  }, 60_000);
});
