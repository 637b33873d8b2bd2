import { answerLabel, resolveSpeech, type DebateView, type DebaterSeat, type LegalAction, type Rules } from '@arena/shared';
import type { Agent, AgentReply, AgentTurn } from '../agent.ts';
import { Bm25, fitQuote, hasNegation, passageUnits, terms, type Unit } from './text.ts';
import { answerOf, decisionRng, speechesIn } from './common.ts';

export interface PassageDebaterOptions {
  /** Most quotes in one speech. */
  maxQuotes?: number;
  /** Weight of the question's terms relative to the answer's in the retrieval query. */
  questionWeight?: number;
  /** Score multiplier for a passage unit already quoted in this debate. */
  repeatPenalty?: number;
}

/**
 * Argues its assigned answer from the passage: BM25 over the passage's sentences (and
 * clauses of long ones) against its answer and the question, picks the best units not yet
 * quoted, and writes a short templated speech with <quote>…</quote> quotes inside the
 * rules' character and quote limits. In later rounds it opens with a short rebuttal of
 * the opponent's latest speech. Deterministic under its seed; no network.
 */
export class PassageDebater implements Agent {
  readonly id: string;
  private readonly seed: string;
  private readonly options: PassageDebaterOptions;

  constructor(id: string, seed: string, options: PassageDebaterOptions = {}) {
    this.id = id;
    this.seed = seed;
    this.options = options;
  }

  async act(turn: AgentTurn): Promise<AgentReply> {
    const { view } = turn;
    if (turn.legal.some((l) => l.type === 'choose')) return this.choose(view);
    const question = turn.legal.find((l): l is Extract<LegalAction, { type: 'question' }> => l.type === 'question');
    if (question) return this.ask(view, question);
    // Answering a cross-examination question: a short speech under the answer's limits, led by the question.
    const answering = turn.legal.find((l): l is Extract<LegalAction, { type: 'answer' }> => l.type === 'answer');
    const passage = view.passage?.text;
    const seat = view.seat as DebaterSeat;
    const own = answerOf(view, seat);
    if (!passage || own === undefined) throw new Error(`${this.id}: seat ${view.seat} has no passage or no answer to argue`);
    const rules = answering ? { ...view.rules, speechChars: answering.maxChars, quoteChars: answering.maxQuoteChars } : view.rules;
    const rng = decisionRng(this.seed, view, turn.refusal ? 1 : 0);
    const ownText = view.answers[own] ?? '';
    const units = passageUnits(passage);
    const bm25 = new Bm25(units.map((u) => u.terms));
    const query = terms(ownText);
    const qTerms = terms(view.question);
    const weight = this.options.questionWeight ?? 0.25;
    const quoted: [number, number][] = view.quotes.map((q) => q.span);
    for (const { speech } of speechesIn(view)) {
      for (const g of speech.segments) if (g.kind === 'quote' && g.verified) quoted.push(g.span);
    }
    const scored = units
      .map((u, i) => {
        let s = bm25.score(i, query) + weight * bm25.score(i, qTerms);
        if (quoted.some((q) => overlaps(q, u.span))) s *= this.options.repeatPenalty ?? 0.3;
        // A tiny seeded jitter breaks ties between equally good sentences.
        return { u, s: s + rng() * 1e-6 };
      })
      .sort((a, b) => b.s - a.s);

    let rebuttal = answering ? '' : this.rebuttal(view, seat, own);
    // After the opening, lead with a sentence that denies a rival answer, if the passage has one.
    const refutation = view.speechRounds >= 1 && !answering ? this.refutation(view, own, units, bm25, quoted) : null;
    if (refutation) rebuttal = `${rebuttal} Answer ${answerLabel(refutation.answer)} is ruled out: <quote>${refutation.text}</quote>.`.trim();
    // On a refused first attempt, halve the budget: the refusal was about limits.
    const shrink = turn.refusal ? 0.5 : 1;
    const speech = compose(passage, rules, {
      opening: answering ? `The passage answers that, for answer ${answerLabel(own)}.` : `I argue for answer ${answerLabel(own)}: "${ownText.replace(/[.!?]+$/, '')}".`,
      rebuttal,
      units: scored.filter((x) => x.s > 0).map((x) => x.u),
      maxQuotes: answering ? 1 : (this.options.maxQuotes ?? 3),
      shrink,
    });
    const meta = { agent: this.id, quotes: (speech.match(/<quote>/g) ?? []).length };
    return { action: answering ? { type: 'answer', text: speech } : { type: 'speech', text: speech }, meta };
  }

  /**
   * A cross-examination question: which words of the passage show the opponent's answer,
   * put to the opponent as it was when the first speech round opened (before it heard this
   * debater), so its answer cannot lean on what it learned since.
   */
  private ask(view: DebateView, legal: Extract<LegalAction, { type: 'question' }>): AgentReply {
    const theirs = answerOf(view, legal.to);
    const label = theirs === undefined ? 'your answer' : `answer ${answerLabel(theirs)}`;
    const text = `Quote the words of the passage that show ${label}, and say why they are not about another answer.`.slice(0, legal.maxChars);
    const firstSpeech = view.rounds.find((r) => r.kind !== 'judge' && r.kind !== 'choose')?.index ?? legal.latestRound;
    return { action: { type: 'question', text, round: Math.min(firstSpeech, legal.latestRound) }, meta: { agent: this.id } };
  }

  /**
   * An open protocol's choice: the answer the passage supports best (the highest BM25
   * score of any one sentence against the answer, a little of the question added).
   */
  private choose(view: DebateView): AgentReply {
    const passage = view.passage?.text;
    if (!passage) throw new Error(`${this.id}: seat ${view.seat} has no passage to choose from`);
    const units = passageUnits(passage);
    const bm25 = new Bm25(units.map((u) => u.terms));
    const qTerms = terms(view.question);
    const weight = this.options.questionWeight ?? 0.25;
    const support = view.answers.map((a) => {
      const q = terms(a);
      return Math.max(0, ...units.map((_, i) => bm25.score(i, q) + weight * bm25.score(i, qTerms)));
    });
    const answer = support.indexOf(Math.max(...support));
    return { action: { type: 'choose', answer }, meta: { agent: this.id, support: support.map((x) => Math.round(x * 1000) / 1000) } };
  }

  /** The passage unit that best denies a rival answer (it mentions the answer's words and a negation). */
  private refutation(view: DebateView, own: number, units: Unit[], bm25: Bm25, quoted: [number, number][]): { answer: number; text: string } | null {
    let best: { answer: number; unit: Unit; score: number } | null = null;
    view.answers.forEach((answer, i) => {
      if (i === own) return;
      const q = terms(answer);
      units.forEach((u, k) => {
        if (!hasNegation(u.text) || quoted.some((s) => overlaps(s, u.span))) return;
        const score = bm25.score(k, q);
        if (score > 0 && (!best || score > best.score)) best = { answer: i, unit: u, score };
      });
    });
    const chosen = best as { answer: number; unit: Unit; score: number } | null;
    if (!chosen) return null;
    const fit = fitQuote(view.passage?.text ?? '', chosen.unit, Math.floor(view.rules.quoteChars / 2));
    return fit ? { answer: chosen.answer, text: fit.text } : null;
  }

  private rebuttal(view: DebateView, seat: DebaterSeat, own: number): string {
    const theirs = speechesIn(view)
      .filter(({ speech }) => speech.seat !== seat)
      .at(-1);
    if (!theirs) return '';
    const other = answerOf(view, theirs.speech.seat);
    const quotes = theirs.speech.segments.filter((g) => g.kind === 'quote');
    const unverified = quotes.filter((g) => !g.verified).length;
    const ownTerms = new Set(terms(view.answers[own] ?? ''));
    const otherTerms = terms(other === undefined ? '' : (view.answers[other] ?? ''));
    const shared = otherTerms.filter((t) => ownTerms.has(t)).length;
    const parts = [`My opponent's case for ${other === undefined ? 'their answer' : answerLabel(other)} rests on ${quotes.length} quote${quotes.length === 1 ? '' : 's'}`];
    if (unverified) parts.push(`, ${unverified} of them not found in the passage`);
    parts.push(shared ? '; none of it rules out my answer.' : ', and none of them shows what the question asks.');
    return parts.join('');
  }
}

const overlaps = (a: readonly [number, number], b: readonly [number, number]): boolean => a[0] < b[1] && b[0] < a[1];

interface ComposeInput {
  opening: string;
  rebuttal: string;
  units: Unit[];
  maxQuotes: number;
  shrink: number;
}

const LINKS = ['The passage says', 'It also says', 'And again'];

/** Builds the speech, then checks it with the engine's own resolver and drops quotes until it fits. */
function compose(passage: string, rules: Rules, input: ComposeInput): string {
  const charBudget = Math.floor(rules.speechChars * input.shrink);
  let quoteBudget = Math.floor(rules.quoteChars * input.shrink);
  const chosen: string[] = [];
  const spans: [number, number][] = [];
  for (const u of input.units) {
    if (chosen.length >= input.maxQuotes || quoteBudget < 20) break;
    // One speech never quotes the same words twice (a sentence and its own clause).
    if (spans.some((s) => overlaps(s, u.span))) continue;
    const fit = fitQuote(passage, u, quoteBudget);
    if (!fit) continue;
    chosen.push(fit.text);
    spans.push(u.span);
    quoteBudget -= fit.quoteChars;
  }
  const evidence = { kind: 'passage' as const, text: passage };
  const limits: Rules = { ...rules, speechChars: charBudget, quoteChars: Math.floor(rules.quoteChars * input.shrink) };
  for (let n = chosen.length; n >= 0; n--) {
    const body = chosen
      .slice(0, n)
      .map((q, i) => `${LINKS[i] ?? 'Also'}: <quote>${q}</quote>.`)
      .join(' ');
    const closing = n ? 'That is what the evidence shows.' : 'The passage supports this answer.';
    for (const text of [
      [input.rebuttal, input.opening, body, closing].filter(Boolean).join(' '),
      [input.opening, body].filter(Boolean).join(' '),
      body || input.opening,
    ]) {
      const resolved = resolveSpeech(evidence, { type: 'speech', text }, limits);
      if (!('code' in resolved)) return text;
    }
  }
  return input.opening.slice(0, Math.max(1, charBudget));
}
