/**
 * A participant's path through a study, as data (a page sequence in oTree's sense):
 * consent → instructions (→ the waitlist, while every place is held by others) → items → end for a judge (practice items and attention checks
 * are items of their own kind, in the order they were set out), consent → instructions →
 * lobby ⇄ items → end for a recruited debater. Each stage says when it is skipped, which
 * moves it takes and what leaving it by each does (an effect the studies service runs),
 * and its time-out. One function, `transition`, reads the table; nothing else decides
 * what a participant may do at a stage. Pure: the clock is a parameter.
 *
 * A debater's way between the lobby and their debates is the pool's (debater-pool.ts):
 * seated with a judge, back in the lobby after a debate.
 */
import { COMPREHENSION_TRIES, waitlistSeconds, type Outcome, type StudySpec } from './spec.ts';
import type { ItemRow, ParticipantRow, Stage } from './study-store.ts';

/** What a participant does to move along (each the POST of their page). */
export type Move = { type: 'consent'; agree: boolean } | { type: 'start'; answers?: readonly number[] } | { type: 'next' } | { type: 'leave' };
export type MoveType = Move['type'];

/** What the studies service does when a participant leaves a stage. */
export type Effect =
  /** Consent recorded (the study's clock starts). */
  | { type: 'consented' }
  /** A judge's items set out: practice, their drawn queue, attention checks (none left: the waitlist, or the no-capacity code). */
  | { type: 'setOutItems' }
  /** A recruited debater waits in the lobby for a judge. */
  | { type: 'joinLobby' }
  /** On to the participant's next item. */
  | { type: 'advance' }
  /** A comprehension answer was wrong, with a try left: the instructions again. */
  | { type: 'quizMissed' }
  /** The study ends for them, with an outcome (and a flag for the researchers). */
  | { type: 'finish'; outcome: Outcome; flag?: string };

/** Where a move leads: the next stage and what leaving this one does. */
export type Step = { ok: true; to: Stage; effect: Effect };
/**
 * A move that does not apply: `stale` (a move this stage does not take, as a page sent
 * twice does: ignored, the page is shown as it is) or `conflict` (refused, with a reason).
 */
export type NoStep = { ok: false; code: 'stale' | 'conflict'; reason: string };

/** How a participant's study ends now: the outcome and the flag it leaves. */
export interface Ending {
  outcome: Outcome;
  flag: string;
}

/** Where a participant stands: what every rule of the table reads. */
export interface PathState {
  spec: StudySpec;
  p: ParticipantRow;
  /** The participant's items, in order. */
  items: readonly ItemRow[];
  now: number;
}

interface StageRule {
  /** When the path passes this stage by (for a participant entering it from the stage before). */
  skip: (at: PathState) => boolean;
  /** The moves the stage takes, and what leaving it by each does. */
  moves: { [K in MoveType]?: (at: PathState, move: Extract<Move, { type: K }>) => Effect | NoStep };
  /** When the participant has stayed too long (the time-outs every stage shares are in `timeoutOf`). */
  timeout: (at: PathState) => Ending | null;
}

/** The order of the stages; `done` is the end page. */
export const STAGES: readonly Stage[] = ['consent', 'instructions', 'lobby', 'items', 'done'];

/** Wrong tries at the comprehension quiz so far (each leaves a flag). */
export const quizMisses = (p: Pick<ParticipantRow, 'flags'>): number => p.flags.filter((f) => f === 'missed-comprehension').length;

const never = () => false;
const none = () => null;
const current = (at: PathState): ItemRow | undefined => at.items[at.p.position];
const debated = (at: PathState): number => at.items.filter((i) => i.kind === 'debate' && i.status === 'done').length;

export const STAGE_TABLE: Record<Stage, StageRule> = {
  consent: {
    skip: never,
    moves: { consent: (_at, m) => (m.agree ? { type: 'consented' } : { type: 'finish', outcome: 'declined' }) },
    timeout: none,
  },
  instructions: {
    skip: never,
    moves: {
      start: (at, m) => {
        if (at.p.role === 'debater') return { type: 'joinLobby' };
        // The comprehension quiz: every answer right to go on; wrong twice, the return code (a failed comprehension check is not a rejection).
        const quiz = at.spec.comprehension ?? [];
        if (quiz.every((q, i) => m.answers?.[i] === q.correct)) return { type: 'setOutItems' };
        return quizMisses(at.p) + 1 >= COMPREHENSION_TRIES ? { type: 'finish', outcome: 'declined', flag: 'failed-comprehension' } : { type: 'quizMissed' };
      },
    },
    // A judge on the waitlist (every place held by judges at work) waits up to the waitlist's seconds.
    timeout: (at) => {
      if (at.p.role !== 'judge' || at.p.waitingSince === null || at.now - at.p.waitingSince <= waitlistSeconds(at.spec) * 1000) return null;
      return { outcome: 'noCapacity', flag: 'waitlist-timeout' };
    },
  },
  lobby: {
    // Judges wait for recruited debaters at their item, not here.
    skip: (at) => at.p.role !== 'debater',
    moves: { leave: (at) => (debated(at) > 0 ? { type: 'finish', outcome: 'completed' } : { type: 'finish', outcome: 'noCapacity', flag: 'left-lobby' }) },
    timeout: (at) => {
      const wait = at.spec.humanDebaters?.debaterWaitSeconds;
      if (wait === undefined || at.p.waitingSince === null || at.now - at.p.waitingSince <= wait * 1000) return null;
      return { outcome: debated(at) > 0 ? 'completed' : 'noCapacity', flag: 'lobby-timeout' };
    },
  },
  items: {
    // A debater reaches their debates from the lobby, seated by the pool.
    skip: (at) => at.p.role === 'debater',
    moves: {
      next: (at) => {
        if (at.p.role !== 'judge') return { ok: false, code: 'stale', reason: 'a debater moves on when their debate ends' };
        const item = current(at);
        if (item && item.status !== 'done' && item.status !== 'abandoned') return { ok: false, code: 'conflict', reason: 'give your verdict on this item first' };
        if (item?.kind === 'item' && item.status === 'done' && at.spec.postItemQuestions?.length && !item.answers) return { ok: false, code: 'conflict', reason: 'answer the questions about this item first' };
        return at.p.position + 1 >= at.items.length ? { type: 'finish', outcome: 'completed' } : { type: 'advance' };
      },
    },
    timeout: (at) => {
      const item = current(at);
      if (item?.status !== 'open' || item.startedAt === null) return null;
      return at.now - item.startedAt > at.spec.timeLimits.itemMinutes * 60_000 ? { outcome: 'timedOut', flag: 'item-over-time' } : null;
    },
  },
  done: { skip: never, moves: {}, timeout: none },
};

/** A move a stage does not take: ignored (sent twice), except leaving, which ends a study and is refused outside the lobby. */
const NOT_TAKEN: Record<MoveType, NoStep['code']> = { consent: 'stale', start: 'stale', next: 'stale', leave: 'conflict' };
const NOT_TAKEN_REASON: Record<MoveType, string> = {
  consent: 'consent was already given or declined',
  start: 'the instructions were already read',
  next: 'there is no item to move on from',
  leave: 'only a debater waiting in the lobby can leave this way',
};

/** The first stage after `stage` that this participant does not skip. */
export function stageAfter(stage: Stage, at: PathState): Stage {
  for (const s of STAGES.slice(STAGES.indexOf(stage) + 1)) if (!STAGE_TABLE[s].skip(at)) return s;
  return 'done';
}

/** Where a participant's path starts. */
export const firstStage = (at: PathState): Stage => (STAGE_TABLE.consent.skip(at) ? stageAfter('consent', at) : 'consent');

/** What a move does at the participant's stage: the stage it leads to and the effect of leaving, or why not. */
export function transition(at: PathState, move: Move): Step | NoStep {
  const rule = STAGE_TABLE[at.p.stage].moves[move.type] as ((at: PathState, move: Move) => Effect | NoStep) | undefined;
  if (!rule) return { ok: false, code: NOT_TAKEN[move.type], reason: NOT_TAKEN_REASON[move.type] };
  const effect = rule(at, move);
  if ('ok' in effect) return effect;
  const to: Stage = effect.type === 'finish' ? 'done' : effect.type === 'advance' || effect.type === 'quizMissed' ? at.p.stage : stageAfter(at.p.stage, at);
  return { ok: true, to, effect };
}

/**
 * How the participant's study ends now, or null while it goes on: no page open for
 * `idleSeconds` (dropped out), past `participantMinutes` since consent, or the stage's
 * own time-out (an item open past `itemMinutes`, a debater waiting past `debaterWaitSeconds`).
 */
export function timeoutOf(at: PathState): Ending | null {
  const { p, spec, now } = at;
  if (p.stage === 'done') return null;
  if (now - p.lastSeen > spec.timeLimits.idleSeconds * 1000) return { outcome: 'timedOut', flag: 'idle' };
  if (p.consentedAt !== null && now - p.consentedAt > spec.timeLimits.participantMinutes * 60_000) return { outcome: 'timedOut', flag: 'over-time' };
  return STAGE_TABLE[p.stage].timeout(at);
}
