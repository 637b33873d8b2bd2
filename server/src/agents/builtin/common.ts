import { PROBABILITY_MAX, PROBABILITY_MIN, rngFromSeed, segmentText, type DebateView, type DebaterSeat, type Rng, type SpeechView } from '@arena/shared';


/**
 * The random stream for one decision: a function of the agent's seed, the debate, the
 * seat, the round and the attempt, so a decision does not depend on what ran before it.
 */
export function decisionRng(seed: string, view: DebateView, attempt: number): Rng {
  return rngFromSeed(decisionSeed(seed, view, attempt));
}

/** The seed string decisionRng draws from (for work handed to another thread). */
export function decisionSeed(seed: string, view: DebateView, attempt: number): string {
  return `${seed}/${view.debateId}/${view.seat}/${view.turn?.round ?? -1}/${attempt}`;
}

/** The shown answer a debater seat argues, from its view. */
export function answerOf(view: DebateView, seat: DebaterSeat): number | undefined {
  return view.debaters.find((d) => d.seat === seat)?.answerIndex;
}

/** All visible speeches with the round they belong to, oldest first. */
export function speechesIn(view: DebateView): { round: number; speech: SpeechView }[] {
  return view.rounds.flatMap((r) => r.speeches.map((speech) => ({ round: r.index, speech })));
}

/** Plain text of a speech, quotes marked. */
export function speechText(s: SpeechView): string {
  return s.segments.map(segmentText).join('');
}

/** Clamps to [0.01, 0.99] and normalises so the numbers sum to exactly 1 (in floating point, within 1e-12). */
export function toProbabilities(weights: readonly number[]): number[] {
  const n = weights.length;
  const min = PROBABILITY_MIN;
  const max = PROBABILITY_MAX;
  const w = weights.map((x) => (Number.isFinite(x) && x > 0 ? x : 0));
  const total = w.reduce((a, b) => a + b, 0);
  let p = total > 0 ? w.map((x) => x / total) : w.map(() => 1 / n);
  // Clamp-and-rescale a few times: the free mass is spread over the unclamped entries.
  for (let k = 0; k < 8; k++) {
    const fixed = p.map((x) => x < min || x > max);
    p = p.map((x) => Math.min(max, Math.max(min, x)));
    const sum = p.reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) < 1e-12) break;
    const freeMass = p.reduce((a, x, i) => a + (fixed[i] ? 0 : x), 0);
    const target = 1 - p.reduce((a, x, i) => a + (fixed[i] ? x : 0), 0);
    if (freeMass <= 0) {
      p = p.map((x) => x / sum);
      continue;
    }
    p = p.map((x, i) => (fixed[i] ? x : (x * target) / freeMass));
  }
  // Round to 4 decimals (readable transcripts), then put the rounding residue on the
  // entry with the most room from both bounds, so the fix never pushes one out of range.
  const rounded = p.map((x) => Math.round(x * 10000) / 10000);
  const residue = 1 - rounded.reduce((a, b) => a + b, 0);
  let roomiest = 0;
  rounded.forEach((x, i) => {
    const room = Math.min(x - min, max - x);
    if (room > Math.min((rounded[roomiest] as number) - min, max - (rounded[roomiest] as number))) roomiest = i;
  });
  rounded[roomiest] = Math.round(((rounded[roomiest] as number) + residue) * 10000) / 10000;
  return rounded;
}
