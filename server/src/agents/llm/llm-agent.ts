import { resolveSpeech, type DebateView, type DebaterSeat, type LegalAction, type RoundView } from '@arena/shared';
import type { Agent, AgentReply, AgentTurn } from '../agent.ts';
import { answerOf } from '../builtin/common.ts';
import type { ChatClient, Completion } from './client.ts';
import type { LlmAgentConfig } from './config.ts';
import { providerLimiter } from './limiter.ts';
import { ParseError, parseChoiceReply, parseJudgeReply, trimSpeech } from './parse.ts';
import { buildPrompt, crossInstruction, revisionPrompt } from './prompts.ts';

/** Usage across the calls of one turn, kept in the event's meta. */
interface Usage {
  calls: number;
  tokensIn: number;
  tokensOut: number;
  latencyMs: number;
  model: string;
}

/**
 * A debater or judge backed by a chat model. Prompts come from template files (one per
 * role and protocol), filled from the seat's view only. Debaters' replies are trimmed to
 * the limits; judges' replies are parsed (JSON or "A: 0.7" lines) and an unreadable reply
 * is asked again (up to `parseRetries` times). Errors from the provider propagate, so the
 * driver can retry the transient ones within the turn's budget.
 */
export class LlmAgent implements Agent {
  private readonly parseRetries = 2;

  readonly id: string;
  private readonly config: LlmAgentConfig;
  private readonly client: ChatClient;
  /** Scores best-of-N and refined candidates (a judge agent); required when config.bestOf > 1. Its id is kept in the event's meta beside the candidates (the preference export reads them). */
  private readonly scorer?: Agent;

  constructor(id: string, config: LlmAgentConfig, client: ChatClient, scorer?: Agent) {
    this.id = id;
    this.config = config;
    this.client = client;
    this.scorer = scorer;
  }

  async act(turn: AgentTurn): Promise<AgentReply> {
    const usage: Usage = { calls: 0, tokensIn: 0, tokensOut: 0, latencyMs: 0, model: this.config.model };
    const reply =
      turn.view.role === 'judge' ? await this.judge(turn, usage) : turn.legal.some((l) => l.type === 'choose') ? await this.choose(turn, usage) : await this.debate(turn, usage);
    return { ...reply, meta: { ...reply.meta, agent: this.id, provider: this.config.provider, ...usage } };
  }

  private async call(system: string, user: string, signal: AbortSignal, usage: Usage): Promise<Completion> {
    const limiter = providerLimiter(`${this.config.provider} ${this.config.baseURL ?? ''}`, this.config.concurrency);
    const started = Date.now();
    const result = await limiter.run(() => this.client.complete({ system, user, signal }), signal);
    usage.calls++;
    usage.latencyMs += Date.now() - started;
    usage.tokensIn += result.tokensIn ?? 0;
    usage.tokensOut += result.tokensOut ?? 0;
    usage.model = result.model;
    return result;
  }

  private async judge(turn: AgentTurn, usage: Usage): Promise<AgentReply> {
    const legal = turn.legal.find((l) => l.type === 'judge');
    if (!legal || legal.type !== 'judge') throw new Error(`${this.id}: it is not the judge's turn`);
    return this.askUntilReadable(turn, usage, (text) => {
      const d = parseJudgeReply(text, turn.view.answers.length);
      // Legal by construction: end only when allowed, and always when nothing else is.
      const end = legal.canEnd && (!legal.canContinue || d.end === true);
      const comment = d.comment.slice(0, legal.maxCommentChars);
      return { type: 'judge', probabilities: d.probabilities, end, ...(comment ? { comment } : {}) };
    });
  }

  /** An open protocol's choice of answer: the model names a letter; an unreadable reply is asked again. */
  private async choose(turn: AgentTurn, usage: Usage): Promise<AgentReply> {
    return this.askUntilReadable(turn, usage, (text) => ({ type: 'choose', answer: parseChoiceReply(text, turn.view.answers.length) }));
  }

  /** Asks the model, and again (up to `parseRetries` times) with the reason while `read` cannot make an action of its reply. */
  private async askUntilReadable(turn: AgentTurn, usage: Usage, read: (text: string) => AgentReply['action']): Promise<AgentReply> {
    const prompt = buildPrompt(turn.view, turn.refusal, this.config.promptsDir);
    let user = prompt.user;
    let lastError: ParseError | null = null;
    for (let attempt = 0; attempt <= this.parseRetries; attempt++) {
      const { text } = await this.call(prompt.system, user, turn.signal, usage);
      try {
        return { action: read(text), meta: { parseRetries: attempt } };
      } catch (err) {
        if (!(err instanceof ParseError)) throw err;
        lastError = err;
        user = `${prompt.user}\n\nYour previous reply could not be read (${err.message}). Reply with the JSON object only.`;
      }
    }
    throw lastError ?? new ParseError('no reply');
  }

  /**
   * A cross-examination turn: the debater's prompt with what the turn asks instead of a
   * speech, a question to the opponent (it names no earlier round: the opponent answers as
   * it was when the cross-examination opened), or the answer to the question put to it.
   */
  private async cross(turn: AgentTurn, usage: Usage, legal: Extract<LegalAction, { type: 'question' | 'answer' }>): Promise<AgentReply> {
    const { view } = turn;
    const prompt = buildPrompt(view, turn.refusal, this.config.promptsDir);
    const { text } = await this.call(prompt.system, `${prompt.user}\n\n${crossInstruction(legal)}`, turn.signal, usage);
    if (legal.type === 'question') {
      const question = text.replace(/^\s*(question:)?\s*/i, '').trim().slice(0, legal.maxChars);
      if (!question) throw new ParseError('the model returned an empty question');
      return { action: { type: 'question', text: question }, meta: {} };
    }
    const limits = { ...view.rules, speechChars: legal.maxChars, quoteChars: legal.maxQuoteChars };
    const answer = trimSpeech(text, view.passage?.text ?? '', limits);
    if (!answer.trim()) throw new ParseError('the model returned an empty answer');
    return { action: { type: 'answer', text: answer }, meta: {} };
  }

  /**
   * A speech: `bestOf` drafts, the one the scorer believes most kept; then `refineRounds`
   * rounds of critique-and-refine (the model critiques the current speech, then rewrites
   * it). The speech given is the best-scored of the kept draft and its refinements (a tie
   * goes to the later one; with no scorer, the last refinement). Every draft, critique and
   * candidate, with its score, is kept in the event's meta (`candidates`).
   */
  private async debate(turn: AgentTurn, usage: Usage): Promise<AgentReply> {
    const { view } = turn;
    const crossLegal = turn.legal.find((l): l is Extract<LegalAction, { type: 'question' | 'answer' }> => l.type === 'question' || l.type === 'answer');
    if (crossLegal) return this.cross(turn, usage, crossLegal);
    const passage = view.passage?.text ?? '';
    const prompt = buildPrompt(view, turn.refusal, this.config.promptsDir);
    const n = this.scorer ? this.config.bestOf : 1;
    const speak = async (p: { system: string; user: string }) => trimSpeech((await this.call(p.system, p.user, turn.signal, usage)).text, passage, view.rules);
    const drafts = (await Promise.all(Array.from({ length: n }, () => speak(prompt)))).filter((t) => t.trim().length > 0);
    if (drafts.length === 0) throw new ParseError('the model returned an empty speech');
    const score = async (text: string) => (this.scorer ? await scoreCandidate(this.scorer, view, text, turn.signal) : null);
    const candidates: SpeechCandidate[] = [];
    for (const text of drafts) candidates.push({ stage: 'draft', round: 0, text, score: drafts.length > 1 || this.config.refineRounds > 0 ? await score(text) : null });
    const draftScores = candidates.map((c) => c.score ?? 0);
    const bestDraft = draftScores.indexOf(Math.max(...draftScores));
    let chosen = bestDraft;
    let current = candidates[bestDraft] as SpeechCandidate;
    for (let round = 1; round <= this.config.refineRounds; round++) {
      const critique = (await this.call(prompt.system, revisionPrompt(view, prompt, { kind: 'critique', draft: current.text }, this.config.promptsDir).user, turn.signal, usage)).text.trim();
      const refined = await speak(revisionPrompt(view, prompt, { kind: 'refine', draft: current.text, critique }, this.config.promptsDir));
      if (!refined.trim()) {
        candidates.push({ stage: 'refined', round, critique, text: refined, score: null });
        continue;
      }
      const next: SpeechCandidate = { stage: 'refined', round, critique, text: refined, score: await score(refined) };
      candidates.push(next);
      // Without a scorer the refinement stands; with one, it stands unless the scorer believes it less.
      if (next.score === null || current.score === null || next.score >= current.score) {
        current = next;
        chosen = candidates.length - 1;
      }
    }
    const meta: Record<string, unknown> = {};
    if (drafts.length > 1) Object.assign(meta, { bestOf: drafts.length, candidateScores: draftScores, chosen: bestDraft });
    if (drafts.length > 1 || this.config.refineRounds > 0) Object.assign(meta, { candidates, chosenCandidate: chosen, ...(this.scorer ? { scorer: this.scorer.id } : {}) });
    if (this.config.refineRounds > 0) meta.refineRounds = this.config.refineRounds;
    return { action: { type: 'speech', text: current.text }, meta };
  }
}

/** One speech an LLM debater wrote in a turn (kept in the event's meta): a draft, or a refinement with the critique it answered. */
export interface SpeechCandidate {
  stage: 'draft' | 'refined';
  /** 0 for drafts; the critique-and-refine round otherwise. */
  round: number;
  text: string;
  /** The scorer's probability for the debater's answer after this speech (null: not scored). */
  score: number | null;
  critique?: string;
}

/**
 * How much a judge would believe the debater's answer after this speech: the speech is
 * added, as a finished round, to a judge's-eye copy of the debater's view (no passage,
 * no correct answer), and the scorer's probability for the debater's answer is read.
 */
export async function scoreCandidate(scorer: Agent, view: DebateView, text: string, signal: AbortSignal): Promise<number> {
  const seat = view.seat as DebaterSeat;
  const own = answerOf(view, seat);
  if (own === undefined || !view.passage) return 0;
  const resolved = resolveSpeech({ kind: 'passage', text: view.passage.text }, { type: 'speech', text }, view.rules);
  if ('code' in resolved) return -1;
  const round: RoundView = {
    index: view.rounds.length,
    kind: 'sequential',
    complete: true,
    speeches: [{ seat, ...resolved, timedOut: false }],
    judge: null,
  };
  const { passage: _p, correctIndex: _c, verdict: _v, ...rest } = view;
  const legal = [{ type: 'judge' as const, answers: view.answers.length, canEnd: true, canContinue: false, maxCommentChars: view.rules.judgeCommentChars }];
  const judgeView: DebateView = { ...rest, seat: 'judge', role: 'judge', rounds: [...view.rounds, round], legal, speechRounds: view.speechRounds + 1 };
  const reply = await scorer.act({ view: judgeView, legal, signal });
  return reply.action.type === 'judge' ? (reply.action.probabilities[own] ?? 0) : 0;
}
