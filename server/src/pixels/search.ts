/**
 * One move of the live pixel debater, as a pure computation that can run in a worker
 * thread: the request carries plain data (the image as its view shows it, the labels,
 * who reveals when, what is revealed, the search options and the seed), the answer is
 * the pixel to reveal. Search positions are cached per image and judge, since a debater
 * searches the same image on every move.
 */
import { decodeImage, rngFromSeed } from '@arena/shared';
import { nonzeroPixels } from './game.ts';
import { loadJudge } from './judge-model.ts';
import { MarginEvaluator, PixelPosition, chooseMove, type MctsOptions } from './mcts.ts';

export interface SearchRequest {
  /** Which committed judge the debate is judged with (4 or 6 revealed pixels). */
  k: 4 | 6;
  image: { width: number; height: number; pixels: string };
  /** The searching debater's label and its opponent's. */
  own: number;
  other: number;
  /** For every reveal of the debate, past and planned: true when the searching debater makes it. */
  liarMoves: boolean[];
  /** Pixel indices revealed so far, in order. */
  revealed: number[];
  opts: MctsOptions;
  /** Seed of the search's random playouts. */
  seed: string;
}

const positions = new Map<string, PixelPosition>();

function positionFor(req: SearchRequest): PixelPosition {
  const key = `${req.k}/${req.image.width}x${req.image.height}/${req.image.pixels}`;
  let pos = positions.get(key);
  if (!pos) {
    const decoded = decodeImage(req.image.width, req.image.height, req.image.pixels);
    pos = new PixelPosition(loadJudge(req.k).judge, decoded.values, nonzeroPixels(decoded.values));
    // A handful of live debates at a time: keep the most recent few images.
    if (positions.size >= 16) positions.delete(positions.keys().next().value as string);
    positions.set(key, pos);
  }
  return pos;
}

/** The pixel (row-major index) the debater reveals next, or -1 when no inked pixel is left. */
export function searchReveal(req: SearchRequest): number {
  const pos = positionFor(req);
  // The search's liar side is the searching debater: it maximises logit[own] − logit[other].
  const ev = new MarginEvaluator(pos, req.other, req.own);
  const revealed = req.revealed.map((i) => pos.candidates.indexOf(i)).filter((c) => c >= 0);
  if (revealed.length >= pos.n) return -1;
  const c = chooseMove({ ev, k: req.liarMoves.length, honestFirst: false, opts: req.opts, liarMoves: req.liarMoves }, revealed, rngFromSeed(req.seed));
  return c >= 0 ? (pos.candidates[c] as number) : -1;
}
