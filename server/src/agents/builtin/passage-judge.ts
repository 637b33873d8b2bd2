import type { DebateView, DebaterSeat, LegalAction } from '@arena/shared';
import type { Agent, AgentReply, AgentTurn } from '../agent.ts';
import { answerOf, decisionRng, speechesIn, toProbabilities } from './common.ts';
import { Bm25, hasNegation, passageUnits, terms } from './text.ts';

export interface PassageJudgeOptions {
  /** End the debate (when allowed) once this many speech rounds are complete. */
  endAfterRounds?: number;
  /** Softmax sharpness applied to the evidence scores. */
  sharpness?: number;
  /** Weight of quotes cited by the other side when scoring an answer. */
  crossWeight?: number;
  /** Score removed from an answer for each unverified quote cited for it. */
  unverifiedPenalty?: number;
  /** Weight of a verified quote from the other side that mentions an answer's words and denies something. */
  refuteWeight?: number;
}

/**
 * Judges from the verified quotes in its view alone (it never sees the passage): an
 * answer scores by the idf-weighted share of its content words that appear in the
 * verified quotes cited for it (quotes cited by the other side count a little too),
 * less the share that appears in the other side's quotes that deny something ("not",
 * "never", "no" …), minus a penalty for every unverified quote cited for it. Scores become probabilities
 * by a softmax, clamped to [0.01, 0.99] and summing to 1. With no evidence (the blind
 * protocol, the prior) a small question–answer overlap plus a seeded jitter breaks ties.
 * When its view holds the passage (the expert judge), it looks the evidence up itself:
 * for every answer, the passage sentences that best match it (BM25) count as verified
 * quotes cited for that answer.
 */
export class PassageJudge implements Agent {
  readonly id: string;
  private readonly seed: string;
  private readonly options: PassageJudgeOptions;

  constructor(id: string, seed: string, options: PassageJudgeOptions = {}) {
    this.id = id;
    this.seed = seed;
    this.options = options;
  }

  async act(turn: AgentTurn): Promise<AgentReply> {
    const { view } = turn;
    const legal = turn.legal.find((l): l is Extract<LegalAction, { type: 'judge' }> => l.type === 'judge');
    if (!legal) throw new Error(`${this.id}: it is not the judge's turn`);
    const rng = decisionRng(this.seed, view, turn.refusal ? 1 : 0);
    const scores = this.scores(view);
    const sharpness = this.options.sharpness ?? 2;
    const jitter = scores.map(() => (rng() - 0.5) * 0.02);
    const max = Math.max(...scores);
    const weights = scores.map((s, i) => Math.exp(sharpness * (s - max) + (jitter[i] ?? 0)));
    const probabilities = toProbabilities(weights);
    const endAfter = this.options.endAfterRounds ?? 2;
    const end = legal.canEnd && (!legal.canContinue || view.speechRounds >= endAfter);
    return { action: { type: 'judge', probabilities, end }, meta: { agent: this.id, scores: scores.map((s) => Math.round(s * 1000) / 1000) } };
  }

  /** One evidence score per shown answer. */
  scores(view: DebateView): number[] {
    const answerTerms = view.answers.map((a) => [...new Set(terms(a))]);
    // Document frequency over the answers: words every answer shares say nothing.
    const df = new Map<string, number>();
    for (const ts of answerTerms) for (const t of ts) df.set(t, (df.get(t) ?? 0) + 1);
    const idf = (t: string) => Math.log(1 + view.answers.length / (df.get(t) ?? 1));
    const cited: string[][] = view.answers.map(() => []);
    const others: string[][] = view.answers.map(() => []);
    const denials: string[][] = view.answers.map(() => []);
    const unverified = view.answers.map(() => 0);
    const quotes: { side: number; text: string; verified: boolean }[] = [];
    for (const { speech } of speechesIn(view)) {
      const side = answerOf(view, speech.seat as DebaterSeat);
      if (side === undefined) continue;
      for (const g of speech.segments) if (g.kind === 'quote') quotes.push({ side, text: g.text, verified: g.verified });
    }
    if (view.passage) quotes.push(...lookedUp(view.passage.text, view.answers, view.question));
    for (const { side, text, verified } of quotes) {
      if (!verified) {
        unverified[side] = (unverified[side] ?? 0) + 1;
        continue;
      }
      const ts = terms(text);
      const denies = hasNegation(text);
      view.answers.forEach((_, i) => (i === side ? cited[i] : denies ? denials[i] : others[i])?.push(...ts));
    }
    const question = new Set(terms(view.question));
    const crossWeight = this.options.crossWeight ?? 0.5;
    const penalty = this.options.unverifiedPenalty ?? 0.3;
    return answerTerms.map((ts, i) => {
      const total = ts.reduce((a, t) => a + idf(t), 0) || 1;
      const own = new Set(cited[i]);
      const cross = new Set(others[i]);
      const denied = new Set(denials[i]);
      const refute = this.options.refuteWeight ?? 1;
      let s = 0;
      for (const t of ts) {
        if (own.has(t)) s += idf(t);
        else if (cross.has(t)) s += crossWeight * idf(t);
        if (denied.has(t)) s -= refute * idf(t);
        if (question.has(t)) s += 0.05 * idf(t);
      }
      return s / total - penalty * (unverified[i] ?? 0);
    });
  }
}

/** The passage sentences that best support each answer (BM25 against the answer and, a little, the question), as if cited for it. */
function lookedUp(passage: string, answers: readonly string[], question: string): { side: number; text: string; verified: true }[] {
  const units = passageUnits(passage);
  if (units.length === 0) return [];
  const bm25 = new Bm25(units.map((u) => u.terms));
  const q = terms(question);
  return answers.flatMap((answer, side) => {
    const a = terms(answer);
    return units
      .map((u, i) => ({ u, s: bm25.score(i, a) + 0.25 * bm25.score(i, q) }))
      .filter((x) => x.s > 0)
      .sort((x, y) => y.s - x.s)
      .slice(0, 2)
      .map(({ u }) => ({ side, text: u.text, verified: true as const }));
  });
}
