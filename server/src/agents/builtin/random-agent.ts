import { randomInt, type LegalAction } from '@arena/shared';
import type { Agent, AgentReply, AgentTurn } from '../agent.ts';
import { decisionRng, toProbabilities } from './common.ts';
import { fitQuote, passageUnits } from './text.ts';

/**
 * Takes any seat and acts at random within the rules: a debater quotes one or two random
 * passage sentences (or, choosing its side in an open protocol, a random answer); a judge gives random probabilities and ends, when it may, with
 * probability 1/2. A baseline and a fuzzer; deterministic under its seed.
 */
export class RandomAgent implements Agent {
  readonly id: string;
  private readonly seed: string;

  constructor(id: string, seed: string) {
    this.id = id;
    this.seed = seed;
  }

  async act(turn: AgentTurn): Promise<AgentReply> {
    const { view } = turn;
    const rng = decisionRng(this.seed, view, turn.refusal ? 1 : 0);
    const judge = turn.legal.find((l): l is Extract<LegalAction, { type: 'judge' }> => l.type === 'judge');
    if (judge) {
      const probabilities = toProbabilities(Array.from({ length: judge.answers }, () => 0.05 + rng()));
      const end = judge.canEnd && (!judge.canContinue || rng() < 0.5);
      return { action: { type: 'judge', probabilities, end }, meta: { agent: this.id } };
    }
    const choose = turn.legal.find((l) => l.type === 'choose');
    if (choose?.type === 'choose') return { action: { type: 'choose', answer: Math.floor(rng() * choose.answers) }, meta: { agent: this.id } };
    const question = turn.legal.find((l) => l.type === 'question');
    if (question?.type === 'question') {
      const text = `What does the passage say about your answer (${Math.floor(rng() * 1000)})?`.slice(0, question.maxChars);
      return { action: { type: 'question', text, round: Math.floor(rng() * (question.latestRound + 1)) }, meta: { agent: this.id } };
    }
    const answering = turn.legal.find((l) => l.type === 'answer');
    const limits = answering?.type === 'answer' ? { speechChars: answering.maxChars, quoteChars: answering.maxQuoteChars } : view.rules;
    const passage = view.passage?.text ?? '';
    const units = passageUnits(passage);
    let budget = Math.floor(limits.quoteChars * (turn.refusal ? 0.5 : 1));
    const parts: string[] = ['I maintain my answer.'];
    for (let k = 0; k < 2 && units.length; k++) {
      const unit = units[randomInt(units.length, rng)];
      const fit = unit && fitQuote(passage, unit, Math.min(budget, limits.speechChars - 60));
      if (!fit) continue;
      parts.push(`<quote>${fit.text}</quote>`);
      budget -= fit.quoteChars;
    }
    let text = parts.join(' ');
    if (text.replace(/<\/?quote>/g, '').length > limits.speechChars) text = parts[0] as string;
    return { action: answering ? { type: 'answer', text } : { type: 'speech', text }, meta: { agent: this.id } };
  }
}
