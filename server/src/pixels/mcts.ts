/**
 * Monte Carlo tree search debaters for the pixel game (see game.ts for the rules).
 *
 * Both debaters see the image and the judge. A position is the set of revealed pixels;
 * the search works on candidate positions (the image's nonzero pixels) and the judge's
 * first-layer vectors of those pixels, so growing a position by one pixel is H adds and
 * scoring it is one ReLU-dot (precommit: only the liar-minus-true logit difference is
 * needed, 2H flops; no precommit: the full 10-logit head).
 *
 * Values are from the liar's side: v = sigmoid(liar margin) in (0, 1); the liar
 * maximises, the honest debater minimises. Selection is PUCT with c = 1 by default:
 *   Q(child, mover) + c · P(child) · sqrt(N(parent)) / (1 + N(child)),
 * unvisited children valued at their parent's mean (first-play urgency). The prior P is
 * either uniform or, by default, a softmax over the judge's one-step margins (the
 * debaters have full access to the judge). A leaf is valued by a random playout of the
 * remaining reveals; with `exactLastMove` (default) the final reveal of any playout or
 * tree node is solved exactly (the last mover takes its best pixel), which removes the
 * advantage plain MCTS gives to whoever moves last. The real game's last move is always
 * played exactly. Deterministic for a given seed.
 */
import { rngFromSeed } from '@arena/shared';
import type { Rng, Role } from './game.ts';
import { falseLabels, moverAt } from './game.ts';
import { CLASSES } from './judge-model.ts';
import type { SparseJudge } from './judge-model.ts';

export interface MctsOptions {
  /** Rollouts per move (per search). */
  rollouts: number;
  /** Exploration constant. */
  c: number;
  prior: 'judge' | 'uniform';
  /** Solve the final reveal exactly inside the search. */
  exactLastMove: boolean;
}

export const DEFAULT_MCTS: MctsOptions = { rollouts: 300, c: 1, prior: 'judge', exactLastMove: true };

/** An image as seen by the search: its nonzero pixels and their first-layer vectors. */
export class PixelPosition {
  readonly n: number;
  readonly H: number;
  readonly candidates: Uint16Array;
  readonly values: Float32Array;
  /** n × H: wMask[p] + value · wValue[p] for each candidate pixel p. */
  readonly rows: Float32Array;

  readonly judge: SparseJudge;

  constructor(judge: SparseJudge, pixels: ArrayLike<number>, candidates: ArrayLike<number>) {
    this.judge = judge;
    this.n = candidates.length;
    this.H = judge.hidden;
    this.candidates = Uint16Array.from(candidates as ArrayLike<number>);
    this.values = new Float32Array(this.n);
    this.rows = new Float32Array(this.n * this.H);
    for (let c = 0; c < this.n; c++) {
      const p = this.candidates[c] as number;
      const v = pixels[p] as number;
      this.values[c] = v;
      judge.addPixel(this.rows.subarray(c * this.H, (c + 1) * this.H), p, v);
    }
  }

  /** dst = src + row(c). */
  add(dst: Float32Array, src: Float32Array, c: number): void {
    const H = this.H, rows = this.rows, base = c * H;
    for (let j = 0; j < H; j++) dst[j] = (src[j] as number) + (rows[base + j] as number);
  }
}

/** The liar's margin (game.ts: liarMargin) computed from first-layer accumulators. */
export class MarginEvaluator {
  evals = 0;
  private readonly diff: Float32Array | null;
  private readonly biasDiff: number;
  private readonly z = new Float32Array(CLASSES);
  private readonly zeros: Float32Array;

  readonly pos: PixelPosition;
  readonly trueLabel: number;
  readonly liarLabel: number | null;

  constructor(pos: PixelPosition, trueLabel: number, liarLabel: number | null) {
    this.pos = pos;
    this.trueLabel = trueLabel;
    this.liarLabel = liarLabel;
    const { w2, b2 } = pos.judge.weights;
    const H = pos.H;
    this.zeros = new Float32Array(H);
    if (liarLabel !== null) {
      this.diff = new Float32Array(H);
      for (let j = 0; j < H; j++) this.diff[j] = (w2[j * CLASSES + liarLabel] as number) - (w2[j * CLASSES + trueLabel] as number);
      this.biasDiff = (b2[liarLabel] as number) - (b2[trueLabel] as number);
    } else {
      this.diff = null;
      this.biasDiff = 0;
    }
  }

  /** Margin of the accumulator acc plus, if c >= 0, candidate c's row. */
  marginPlus(acc: Float32Array, c: number): number {
    this.evals++;
    const H = this.pos.H;
    const rows = c >= 0 ? this.pos.rows : this.zeros;
    const base = c >= 0 ? c * H : 0;
    const d = this.diff;
    if (d) {
      // Two accumulators, unrolled by two (H is even for any judge we train; the tail handles odd H).
      let s0 = this.biasDiff, s1 = 0;
      const H2 = H - (H % 2);
      for (let j = 0; j < H2; j += 2) {
        const a = (acc[j] as number) + (rows[base + j] as number);
        const b = (acc[j + 1] as number) + (rows[base + j + 1] as number);
        s0 += (a > 0 ? a : 0) * (d[j] as number);
        s1 += (b > 0 ? b : 0) * (d[j + 1] as number);
      }
      if (H2 < H) {
        const a = (acc[H2] as number) + (rows[base + H2] as number);
        s0 += (a > 0 ? a : 0) * (d[H2] as number);
      }
      return s0 + s1;
    }
    const { w2, b2 } = this.pos.judge.weights;
    const z = this.z;
    for (let q = 0; q < CLASSES; q++) z[q] = b2[q] as number;
    for (let j = 0; j < H; j++) {
      const a = (acc[j] as number) + (rows[base + j] as number);
      if (a <= 0) continue;
      const wb = j * CLASSES;
      for (let q = 0; q < CLASSES; q++) z[q] = (z[q] as number) + a * (w2[wb + q] as number);
    }
    const t = z[this.trueLabel] as number;
    let best = -Infinity;
    for (let q = 0; q < CLASSES; q++) if (q !== this.trueLabel && (z[q] as number) > best) best = z[q] as number;
    return best - t;
  }

  /** Exact last move: the mover's best margin over unused candidates, and its candidate. */
  solveLast(acc: Float32Array, used: Uint8Array, liarMoves: boolean): { margin: number; move: number } {
    let best = liarMoves ? -Infinity : Infinity;
    let move = -1;
    for (let c = 0; c < this.pos.n; c++) {
      if (used[c]) continue;
      const m = this.marginPlus(acc, c);
      if (liarMoves ? m > best : m < best) {
        best = m;
        move = c;
      }
    }
    if (move < 0) return { margin: this.marginPlus(acc, -1), move: -1 };
    return { margin: best, move };
  }
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

interface Node {
  /** Candidate revealed to reach this node (-1 at the root). */
  move: number;
  prior: number;
  n: number;
  /** Sum of liar-side values. */
  w: number;
  children: Node[] | null;
  /** Exact value when solved (a node one reveal from the end), else NaN. */
  exact: number;
}

const newNode = (move: number, prior: number): Node => ({ move, prior, n: 0, w: 0, children: null, exact: Number.NaN });

export interface SearchContext {
  ev: MarginEvaluator;
  k: number;
  honestFirst: boolean;
  opts: MctsOptions;
  /**
   * Who reveals at each depth (true: the liar side), for games whose order is not a
   * plain alternation (a live debate's schedule). Default: moverAt(depth, honestFirst).
   */
  liarMoves?: readonly boolean[];
}

/**
 * Chooses the next reveal (a candidate index) for the side to move after `revealed`
 * (candidate indices). The final reveal is solved exactly; earlier ones by MCTS.
 */
export function chooseMove(ctx: SearchContext, revealed: readonly number[], rng: Rng): number {
  const { ev, k, honestFirst, opts } = ctx;
  const pos = ev.pos;
  const H = pos.H;
  const d0 = revealed.length;
  const used = new Uint8Array(pos.n);
  const accs: Float32Array[] = [];
  for (let d = 0; d <= k; d++) accs.push(new Float32Array(H));
  const acc0 = accs[d0] as Float32Array;
  acc0.set(pos.judge.weights.b1);
  for (const c of revealed) {
    used[c] = 1;
    pos.add(acc0, acc0, c);
  }
  const liarAt = ctx.liarMoves ? (d: number) => ctx.liarMoves?.[d] === true : (d: number) => moverAt(d, honestFirst) === 'liar';
  if (d0 >= k) throw new Error('game already over');
  if (d0 === k - 1) return ev.solveLast(acc0, used, liarAt(d0)).move;
  const free = pos.n - d0;
  if (free <= 0) return -1;

  const expand = (node: Node, depth: number): void => {
    const acc = accs[depth] as Float32Array;
    const kids: Node[] = [];
    const liar = liarAt(depth);
    if (opts.prior === 'uniform') {
      for (let c = 0; c < pos.n; c++) if (!used[c]) kids.push(newNode(c, 1));
      for (const kid of kids) kid.prior = 1 / kids.length;
    } else {
      let mx = -Infinity;
      const ms: number[] = [];
      for (let c = 0; c < pos.n; c++) {
        if (used[c]) continue;
        const m = (liar ? 1 : -1) * ev.marginPlus(acc, c);
        ms.push(m);
        kids.push(newNode(c, 0));
        if (m > mx) mx = m;
      }
      let s = 0;
      for (let i = 0; i < kids.length; i++) {
        const p = Math.exp((ms[i] as number) - mx);
        (kids[i] as Node).prior = p;
        s += p;
      }
      for (const kid of kids) kid.prior /= s;
    }
    node.children = kids;
  };

  /** Random playout from `depth` (accs[depth] valid, used marked); returns the liar-side value. */
  const playout = (depth: number): number => {
    const marked: number[] = [];
    let d = depth;
    const lastRandom = opts.exactLastMove ? k - 1 : k;
    while (d < lastRandom) {
      let c: number;
      do c = Math.floor(rng() * pos.n);
      while (used[c]);
      used[c] = 1;
      marked.push(c);
      pos.add(accs[d + 1] as Float32Array, accs[d] as Float32Array, c);
      d++;
      if (marked.length + d0 >= pos.n) break;
    }
    let v: number;
    if (d === k - 1 && opts.exactLastMove) v = sigmoid(ev.solveLast(accs[d] as Float32Array, used, liarAt(d)).margin);
    else v = sigmoid(ev.marginPlus(accs[d] as Float32Array, -1));
    for (const c of marked) used[c] = 0;
    return v;
  };

  const root = newNode(-1, 1);
  expand(root, d0);
  const path: Node[] = [];
  const pathMoves: number[] = [];
  for (let r = 0; r < opts.rollouts; r++) {
    let node = root;
    let depth = d0;
    path.length = 0;
    pathMoves.length = 0;
    path.push(node);
    // Selection.
    while (node.children && node.children.length > 0) {
      const liar = liarAt(depth);
      const sqrtN = Math.sqrt(node.n);
      const parentQ = node.n > 0 ? node.w / node.n : 0.5;
      const fpu = liar ? parentQ : 1 - parentQ;
      let best: Node | null = null;
      let bestScore = -Infinity;
      for (const kid of node.children) {
        const q = kid.n > 0 ? (liar ? kid.w / kid.n : 1 - kid.w / kid.n) : fpu;
        const score = q + (opts.c * kid.prior * sqrtN) / (1 + kid.n);
        if (score > bestScore) {
          bestScore = score;
          best = kid;
        }
      }
      node = best as Node;
      used[node.move] = 1;
      pathMoves.push(node.move);
      pos.add(accs[depth + 1] as Float32Array, accs[depth] as Float32Array, node.move);
      depth++;
      path.push(node);
    }
    // Evaluation (and expansion).
    let v: number;
    if (depth >= k || depth - d0 >= free) {
      v = sigmoid(ev.marginPlus(accs[depth] as Float32Array, -1));
    } else if (depth === k - 1 && opts.exactLastMove) {
      if (Number.isNaN(node.exact)) node.exact = sigmoid(ev.solveLast(accs[depth] as Float32Array, used, liarAt(depth)).margin);
      v = node.exact;
    } else {
      if (node.n > 0 || node === root) expand(node, depth);
      v = playout(depth);
    }
    for (const p of path) {
      p.n++;
      p.w += v;
    }
    for (const c of pathMoves) used[c] = 0;
  }
  // Most visited child; ties by value for the mover, then lowest candidate.
  const liar = liarAt(d0);
  let best: Node | null = null;
  for (const kid of root.children ?? []) {
    if (!best || kid.n > best.n) best = kid;
    else if (kid.n === best.n && kid.n > 0) {
      const qa = kid.w / kid.n, qb = best.w / best.n;
      if (liar ? qa > qb : qa < qb) best = kid;
    }
  }
  return best ? best.move : -1;
}

export interface GameRecord {
  liarLabel: number | null;
  honestFirst: boolean;
  moves: { role: Role; index: number; value: number }[];
  logits: number[];
  margin: number;
  liarWins: boolean;
}

/** Plays one debate game on an image; every search is seeded from `seed`. */
export function playGame(
  pos: PixelPosition,
  trueLabel: number,
  liarLabel: number | null,
  k: number,
  honestFirst: boolean,
  opts: MctsOptions,
  seed: string,
): GameRecord & { evals: number; rollouts: number } {
  const ev = new MarginEvaluator(pos, trueLabel, liarLabel);
  const ctx: SearchContext = { ev, k, honestFirst, opts };
  const revealed: number[] = [];
  const moves: GameRecord['moves'] = [];
  let rollouts = 0;
  for (let t = 0; t < Math.min(k, pos.n); t++) {
    const c = chooseMove(ctx, revealed, rngFromSeed(`${seed}/t${t}`));
    if (c < 0) break;
    if (t < k - 1) rollouts += opts.rollouts;
    revealed.push(c);
    moves.push({ role: moverAt(t, honestFirst), index: pos.candidates[c] as number, value: pos.values[c] as number });
  }
  const logits = Array.from(pos.judge.logits(moves.map(({ index, value }) => ({ index, value }))));
  const margin = liarLabel === null ? noPrecommitMargin(logits, trueLabel) : (logits[liarLabel] as number) - (logits[trueLabel] as number);
  return { liarLabel, honestFirst, moves, logits, margin, liarWins: margin > 0, evals: ev.evals, rollouts };
}

function noPrecommitMargin(logits: number[], t: number): number {
  let best = -Infinity;
  for (let c = 0; c < logits.length; c++) if (c !== t) best = Math.max(best, logits[c] as number);
  return best - (logits[t] as number);
}

export interface ImageDebate {
  /** True when the honest debater won the image (precommit: against every false label). */
  honestWins: boolean;
  /** The games played (precommit: up to 9, stopping at the liar's first win). */
  games: GameRecord[];
  evals: number;
  rollouts: number;
}

/**
 * Debate on one image. Precommit: the liar tries the 9 false labels in ascending order
 * and wins the image if any label wins (stopping at the first win; the result does not
 * depend on the order since every game has its own seed). No precommit: one game.
 */
export function debateImage(
  judge: SparseJudge,
  pixels: ArrayLike<number>,
  nonzero: ArrayLike<number>,
  trueLabel: number,
  k: number,
  precommit: boolean,
  honestFirst: boolean,
  opts: MctsOptions,
  seed: string,
): ImageDebate {
  const pos = new PixelPosition(judge, pixels, nonzero);
  const games: GameRecord[] = [];
  let evals = 0, rollouts = 0;
  const labels = precommit ? falseLabels(trueLabel) : [null];
  let honestWins = true;
  for (const L of labels) {
    const g = playGame(pos, trueLabel, L, k, honestFirst, opts, `${seed}/L${L ?? 'any'}/${honestFirst ? 'hf' : 'lf'}`);
    evals += g.evals;
    rollouts += g.rollouts;
    const { evals: _e, rollouts: _r, ...record } = g;
    games.push(record);
    if (g.liarWins) {
      honestWins = false;
      break;
    }
  }
  return { honestWins, games, evals, rollouts };
}
