/**
 * Agents for the seats of a live pixel debate (image evidence, e.g. the `pixels`
 * preset over the MNIST pack). Like every agent they see only their seat's view:
 * the judge reads `view.reveals` (never the image), debaters read `view.image`.
 *
 * - `builtin:pixel-judge`: the committed sparse judge (k = 6 weights when the debate
 *   has revealed at least 6 pixels, else k = 4) on the revealed pixels; probabilities
 *   are a softmax of the logits of the shown answers' labels, clamped to [0.01, 0.99]
 *   and summing to 1. Ends the debate as soon as the rules allow.
 * - `builtin:pixel-debater`: MCTS over reveals (mcts.ts) against that judge, arguing
 *   its label against the opponent's (precommit: both labels are in the view), with
 *   a one-line templated message.
 */
import { decodeImage, roundKindAt, type DebateView, type DebaterSeat, type LegalAction } from '@arena/shared';
import type { Agent, AgentReply, AgentTurn } from '../agents/agent.ts';
import { answerOf, decisionSeed, toProbabilities } from '../agents/builtin/common.ts';
import { loadJudge, type SparseJudge } from './judge-model.ts';
import { DEFAULT_MCTS, type MctsOptions } from './mcts.ts';
import { searchReveal, type SearchRequest } from './search.ts';
import { searchInWorker } from './search-pool.ts';

/** A shown answer as a digit label, or null when it is not a single digit. */
export function labelOf(answer: string | undefined): number | null {
  const m = /^\s*(\d)\s*$/.exec(answer ?? '');
  return m ? Number(m[1]) : null;
}

/** The judge weights a debate of `reveals` pixels is judged with (k = 6 from 6 reveals, else k = 4). */
export function judgeFor(reveals: number): { k: 4 | 6; judge: SparseJudge } {
  const k = reveals >= 6 ? 6 : 4;
  return { k, judge: loadJudge(k).judge };
}

/** The pixel judge's probabilities over the shown answers, from the revealed pixels alone. */
export function pixelJudgement(view: Pick<DebateView, 'answers' | 'reveals'>): { probabilities: number[]; logits: number[]; k: number } {
  const { k, judge } = judgeFor(view.reveals.length);
  const z = judge.logits(view.reveals.map(({ index, value }) => ({ index, value })));
  const labels = view.answers.map(labelOf);
  const logits = labels.map((l) => (l === null ? Number.NEGATIVE_INFINITY : (z[l] as number)));
  const finite = logits.filter(Number.isFinite);
  const mx = finite.length ? Math.max(...finite) : 0;
  const weights = finite.length ? logits.map((x) => (Number.isFinite(x) ? Math.exp(x - mx) : 0)) : logits.map(() => 1);
  return { probabilities: toProbabilities(weights), logits: logits.map((x) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : Number.NaN)), k };
}

/** Every inked pixel of an image, as reveals. */
function inkedPixels(image: NonNullable<DebateView['image']>): DebateView['reveals'] {
  const values = decodeImage(image.width, image.height, image.pixels).values;
  return [...values.keys()].filter((i) => (values[i] ?? 0) > 0).map((index) => ({ index, value: values[index] as number, seat: 'A' as const }));
}

export class PixelJudge implements Agent {
  readonly id: string;

  constructor(id: string) {
    this.id = id;
  }

  async act(turn: AgentTurn): Promise<AgentReply> {
    const { view } = turn;
    const legal = turn.legal.find((l): l is Extract<LegalAction, { type: 'judge' }> => l.type === 'judge');
    if (!legal) throw new Error(`${this.id}: it is not the judge's turn`);
    // An expert judge sees the whole image: every inked pixel counts as revealed.
    const { probabilities, logits, k } = pixelJudgement(view.image && view.status !== 'finished' ? { answers: view.answers, reveals: inkedPixels(view.image) } : view);
    const shown = view.answers.map((a, i) => `${a}: ${Number.isNaN(logits[i]) ? '–' : (logits[i] as number).toFixed(2)}`).join(', ');
    const comment = view.image && view.status !== 'finished' ? `From the whole image, the ${k}-pixel judge's logits are ${shown}.` : `From ${view.reveals.length} revealed pixel${view.reveals.length === 1 ? '' : 's'}, the ${k}-pixel judge's logits are ${shown}.`;
    return { action: { type: 'judge', probabilities, end: legal.canEnd, comment }, meta: { agent: this.id, k, logits } };
  }
}

export interface PixelDebaterOptions {
  /** MCTS rollouts a move (the last reveal of the debate is solved exactly). */
  rollouts?: number;
  c?: number;
  prior?: 'judge' | 'uniform';
}

export const DEFAULT_LIVE_ROLLOUTS = 200;

/**
 * The debaters who reveal from now to the end of the debate, one entry a reveal, in
 * order, planned from the view's rules (every speech round up to maxSpeechRounds).
 */
export function revealSchedule(view: DebateView): DebaterSeat[] {
  const { rules } = view;
  const out: DebaterSeat[] = [];
  const start = view.turn?.round ?? view.rounds.length;
  let speechRounds = view.speechRounds;
  for (let i = start; i < start + 200; i++) {
    const kind = roundKindAt(rules, i);
    if (kind === null) break;
    if (kind === 'judge') continue;
    if (speechRounds >= rules.maxSpeechRounds) break;
    speechRounds++;
    const spoken = new Set(i === start ? (view.rounds[i]?.speeches ?? []).map((s) => s.seat) : []);
    for (const seat of view.speakingOrder) if (!spoken.has(seat)) for (let r = 0; r < rules.revealsPerSpeech; r++) out.push(seat);
  }
  return out;
}

/**
 * The search runs in a worker thread (search-pool.ts), so even a large one leaves the
 * server's event loop free; `inline: true` runs it in the calling thread instead (batch
 * experiments that manage their own threads).
 */
export class PixelDebater implements Agent {
  private readonly opts: MctsOptions;
  private readonly inline: boolean;

  readonly id: string;
  private readonly seed: string;

  constructor(id: string, seed: string, options: PixelDebaterOptions & { inline?: boolean } = {}) {
    this.id = id;
    this.seed = seed;
    this.opts = { ...DEFAULT_MCTS, rollouts: options.rollouts ?? DEFAULT_LIVE_ROLLOUTS, ...(options.c ? { c: options.c } : {}), ...(options.prior ? { prior: options.prior } : {}) };
    this.inline = options.inline ?? false;
  }

  async act(turn: AgentTurn): Promise<AgentReply> {
    const { view } = turn;
    const legal = turn.legal.find((l) => l.type === 'speech');
    if (!legal) throw new Error(`${this.id}: it is not this debater's turn`);
    const seat = view.seat as DebaterSeat;
    const ownIndex = answerOf(view, seat);
    const opponent = view.debaters.find((d) => d.seat !== seat);
    const own = labelOf(ownIndex === undefined ? undefined : view.answers[ownIndex]);
    const other = labelOf(opponent ? view.answers[opponent.answerIndex] : undefined);
    if (own === null || other === null) throw new Error(`${this.id}: the answers are not digit labels`);
    const image = view.image;
    if (!image) throw new Error(`${this.id}: a pixel debater needs the image in its view`);
    const schedule = revealSchedule(view);
    const done = view.reveals.length;
    const started = performance.now();
    const { k } = judgeFor(done + schedule.length);
    let index = -1;
    if (schedule[0] === seat) {
      const req: SearchRequest = {
        k,
        image: { width: image.width, height: image.height, pixels: image.pixels },
        own,
        other,
        liarMoves: [...view.reveals.map((r) => r.seat === seat), ...schedule.map((s) => s === seat)],
        revealed: view.reveals.map((r) => r.index),
        opts: this.opts,
        seed: decisionSeed(this.seed, view, turn.refusal ? 1 : 0),
      };
      index = this.inline ? searchReveal(req) : await searchInWorker(req, turn.signal);
    }
    const ms = Math.round(performance.now() - started);
    const meta = { agent: this.id, rollouts: this.opts.rollouts, k, ms };
    if (index < 0) return { action: { type: 'speech', text: `It is a ${own}, not a ${other}.` }, meta };
    const width = view.image?.width ?? 28;
    const row = Math.floor(index / width) + 1;
    const col = (index % width) + 1;
    const text = ` Pixel at row ${row}, column ${col} is inked: it fits a ${own}, not a ${other}.`;
    return { action: { type: 'speech', segments: [{ reveal: index }, { text }] }, meta: { ...meta, pixel: index } };
  }
}
