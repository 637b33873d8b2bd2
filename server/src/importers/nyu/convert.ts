/**
 * One NYU debate room → one arena transcript (header + events), replayed with the
 * shared engine. Pure: no I/O.
 */
import {
  ENGINE_VERSION,
  PROBABILITY_MAX,
  PROBABILITY_MIN,
  Rules,
  SystemAction,
  TRANSCRIPT_FORMAT,
  TranscriptSchema,
  apply,
  initialState,
  passageIndex,
  questionKey,
  spanText,
  type Action,
  type Actor,
  type DebateEvent,
  type DebateHeader,
  type DebateState,
  type DebaterSeat,
  type RoundKind,
  type SeatConfig,
  type SegmentInput,
  type TranscriptRecord,
} from '@arena/shared';
import { buildPassage, mapSpan, type NyuPassage } from './passage.ts';
import { DEBATER_ROLE, NyuRoom, metadataJudgement, type NyuContent, type NyuMetadata, type NyuRoundType, type NyuSpeech } from './schema.ts';
import { NYU_SOURCE } from '../../report/sources.ts';

export { NYU_SOURCE };
export const NYU_SCENARIO_SOURCE = 'QuALITY / Project Gutenberg via NYU debate 2023';
export const NYU_LICENCE = 'CC-BY-4.0';
export const NYU_URL = 'https://github.com/julianmichael/debate';

/** What a converted room needs beyond the transcript, for the import summary. */
export interface ConvertedRoom {
  record: TranscriptRecord;
  /** 'finished' rooms replayed to the data's verdict; the others explain in `problems`. */
  replay: 'finished' | 'running';
  /** The data says the room is complete. */
  completeInData: boolean;
  /** Why the replay did not reach the data's end (empty when it did). */
  problems: string[];
  /** Where the rules had to bend (limits raised, rounds the engine has no kind for). */
  notes: string[];
}

export class MalformedRoomError extends Error {
  override name = 'MalformedRoomError';
}

/** The setting label used in reports. */
export function settingLabel(s: { isHuman: boolean; isDebate: boolean }): string {
  return `${s.isHuman ? 'Human' : 'AI'} ${s.isDebate ? 'debate' : 'consultancy'}`;
}

/** The arena's meta block for an NYU room (header.meta.nyu). */
export interface NyuMeta {
  room: string;
  setting: { isHuman: boolean; isDebate: boolean; label: string };
  includedInPaper: boolean;
  roles: Record<string, string>;
  offlineJudges: Record<string, unknown>;
  /** The room's rules as the dataset states them. */
  rules: unknown;
  articleId: string;
  metadata: NyuMetadata | null;
  feedback: Record<string, unknown>;
  scratchpads: Record<string, unknown>;
  /** Rounds that are not moves in the engine (NegotiateEnd votes, OfflineJudgments), by index in `rounds`. */
  extraRounds: { index: number; round: unknown }[];
  /** Rounds the engine refused, kept verbatim so the export loses nothing. */
  unreplayedRounds: { index: number; round: unknown }[];
  /** Only for rooms whose tokens the arena tokenizer cannot reproduce. */
  tokens?: string[];
  notes: string[];
}

/** Whether the engine has the system action that records a seat's forfeited (empty) turn. */
const FORFEIT_SUPPORTED = SystemAction.safeParse({ type: 'forfeit', seat: 'A', reason: 'probe' }).success;

const KIND: Record<string, RoundKind | null> = {
  JudgeFeedbackRound: 'judge',
  SimultaneousSpeechesRound: 'simultaneous',
  SequentialSpeechesRound: 'sequential',
  NegotiateEndRound: null,
  OfflineJudgingRound: null,
};

function roundTypeName(t: NyuRoundType): string {
  return Object.keys(t)[0] as string;
}

function kindsOf(types: readonly NyuRoundType[], notes: Set<string>): RoundKind[] {
  const out: RoundKind[] = [];
  for (const t of types) {
    const name = roundTypeName(t);
    const kind = KIND[name];
    if (kind) out.push(kind);
    else notes.add(`${name} rounds have no engine counterpart; their contents are kept in meta.nyu.extraRounds`);
  }
  return out;
}

function limitsOf(types: readonly NyuRoundType[]) {
  let speech = 0;
  let quote = 0;
  let judge = 0;
  let quoteUnlimited = false;
  for (const t of types) {
    const v = Object.values(t)[0] as { charLimit?: number; quoteLimit?: number | null };
    if ('JudgeFeedbackRound' in t) judge = Math.max(judge, v.charLimit ?? 0);
    else if ('SimultaneousSpeechesRound' in t || 'SequentialSpeechesRound' in t) {
      speech = Math.max(speech, v.charLimit ?? 0);
      if (v.quoteLimit === null || v.quoteLimit === undefined) quoteUnlimited = true;
      else quote = Math.max(quote, v.quoteLimit);
    }
  }
  return { speech, quote, judge, quoteUnlimited };
}

const debaterIndex = (key: string) => Number(key);
const seatOfIndex = (i: number): DebaterSeat => (['A', 'B', 'C', 'D'] as const)[i] as DebaterSeat;

function commentOf(content: readonly NyuContent[]): string {
  return content.map((c) => ('Text' in c ? c.Text.text : `[${c.Quote.span[0]}, ${c.Quote.span[1]})`)).join('');
}

/** The canonical dataset form of a judge comment (what the exporter writes back). */
export function commentContent(comment: string): NyuContent[] {
  return comment ? [{ Text: { text: comment } }] : [];
}

export function convertRoom(name: string, raw: unknown, metadata: NyuMetadata | null): ConvertedRoom {
  const parsed = NyuRoom.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new MalformedRoomError(first.join('; '));
  }
  const room = parsed.data;
  const { setup } = room;
  const source = setup.sourceMaterial.QuALITYSourceMaterial;
  if (setup.correctAnswerIndex >= setup.answers.length) throw new MalformedRoomError('correctAnswerIndex is not one of the answers');

  let passage: NyuPassage;
  try {
    passage = buildPassage(source.contents);
  } catch (e) {
    throw new MalformedRoomError(`story tokens: ${(e as Error).message}`);
  }
  const index = passageIndex(passage.text);
  const notes = new Set<string>();
  if (!passage.exact) {
    notes.add('the story uses an older tokenization (line tokens or empty tokens): spans were mapped onto the arena tokens; the original tokens and spans are kept in meta');
  }

  // Seats: the dataset's Debater A argues answers[0], Debater B answers[1], and so on.
  const debaterIdx = new Set<number>();
  for (const role of Object.keys(setup.roles)) {
    const m = DEBATER_ROLE.exec(role);
    if (m) debaterIdx.add((m[1] as string).charCodeAt(0) - 65);
  }
  for (const r of room.rounds) {
    const sp = 'SimultaneousSpeeches' in r ? r.SimultaneousSpeeches : 'SequentialSpeeches' in r ? r.SequentialSpeeches : null;
    if (sp) for (const k of Object.keys(sp.speeches)) debaterIdx.add(debaterIndex(k));
  }
  const nAnswers = setup.answers.length;
  for (const i of debaterIdx) if (i >= nAnswers || i > 3) throw new MalformedRoomError(`debater ${i} has no answer to argue`);
  const hasJudgeRounds = [...setup.rules.fixedOpening, ...setup.rules.repeatingStructure].some((t) => 'JudgeFeedbackRound' in t);
  const isDebateByRules = [...setup.rules.fixedOpening, ...setup.rules.repeatingStructure].some((t) => 'SimultaneousSpeechesRound' in t);
  const speakers = room.rounds.flatMap((r) =>
    'SimultaneousSpeeches' in r ? Object.values(r.SimultaneousSpeeches.speeches) : 'SequentialSpeeches' in r ? Object.values(r.SequentialSpeeches.speeches) : [],
  );
  const setting = metadata?.setting ?? {
    isDebate: isDebateByRules || debaterIdx.size > 1,
    isHuman: !Object.values(setup.roles).includes('GPT-4') && !speakers.some((s) => s.speaker === 'GPT-4'),
  };

  const seatsSorted = [...debaterIdx].sort((a, b) => a - b).map(seatOfIndex);
  const debaters: Partial<Record<DebaterSeat, number>> = {};
  for (const i of [...debaterIdx].sort((a, b) => a - b)) debaters[seatOfIndex(i)] = i;
  const seats: DebateHeader['seats'] = {};
  for (const seat of seatsSorted) {
    const who = setup.roles[`Debater ${seat}`];
    seats[seat] = who === 'GPT-4' || (!who && !setting.isHuman) ? ({ kind: 'agent', agent: who ?? 'GPT-4' } satisfies SeatConfig) : { kind: 'human' };
  }
  if (setup.roles['Judge'] !== undefined || hasJudgeRounds) seats.judge = { kind: 'human' };

  // Rules: the dataset's round structure, limits and scoring, as close as the engine allows.
  const opening = kindsOf(setup.rules.fixedOpening, notes);
  const repeating = kindsOf(setup.rules.repeatingStructure, notes);
  if (setup.rules.fixedClosing) {
    notes.add(`fixedClosing (${setup.rules.fixedClosing.rounds.map(roundTypeName).join(', ')}; at most ${setup.rules.fixedClosing.maxRepeatCycles} repeat cycles) has no engine counterpart; kept in meta.nyu.rules`);
  }
  if (setup.rules.globalQuoteRestriction != null) notes.add(`globalQuoteRestriction ${setup.rules.globalQuoteRestriction} is not enforced by the engine`);
  const declared = limitsOf([...setup.rules.fixedOpening, ...setup.rules.repeatingStructure, ...(setup.rules.fixedClosing?.rounds ?? [])]);
  const penaltyOf = Object.values(setup.rules.scoringFunction ?? {})[0]?.perTurnPenalty;

  // Observed sizes, in the engine's count (quote text is the passage text of the span).
  let maxChars = 0;
  let maxQuote = 0;
  let maxComment = 0;
  let endAfterSpeechRounds = Number.POSITIVE_INFINITY;
  let speechRoundsSeen = 0;
  for (const r of room.rounds) {
    const sp = 'SimultaneousSpeeches' in r ? r.SimultaneousSpeeches : 'SequentialSpeeches' in r ? r.SequentialSpeeches : null;
    if (sp) {
      speechRoundsSeen++;
      for (const s of Object.values(sp.speeches)) {
        let chars = 0;
        let quote = 0;
        for (const c of s.content) {
          if ('Text' in c) chars += c.Text.text.length;
          else {
            const span = mapSpan(passage, c.Quote.span);
            if (span && span[1] <= index.tokens.length && span[0] >= 0) {
              const n = spanText(index, span[0], span[1]).length;
              chars += n;
              quote += n;
            }
          }
        }
        maxChars = Math.max(maxChars, chars);
        maxQuote = Math.max(maxQuote, quote);
      }
    } else if ('JudgeFeedback' in r) {
      maxComment = Math.max(maxComment, commentOf(r.JudgeFeedback.feedback.content).length);
      if (r.JudgeFeedback.endDebate) endAfterSpeechRounds = Math.min(endAfterSpeechRounds, speechRoundsSeen);
    }
  }
  const ENGINE_MAX = 20000;
  const raise = (what: string, declaredValue: number, observed: number): number => {
    if (observed <= declaredValue) return declaredValue;
    notes.add(`${what} raised from ${declaredValue} to ${observed} (the data's longest, in the arena's count)`);
    return Math.min(ENGINE_MAX, observed);
  };
  const speechChars = raise('speechChars', Math.max(1, declared.speech), maxChars);
  const declaredQuote = declared.quoteUnlimited ? speechChars : Math.min(declared.quote, speechChars);
  if (declared.quoteUnlimited) notes.add('quoteLimit null (no quote limit): quoteChars set to speechChars');
  const quoteChars = Math.min(speechChars, raise('quoteChars', declaredQuote, maxQuote));
  const judgeCommentChars = raise('judgeCommentChars', Math.max(declared.judge, hasJudgeRounds ? 0 : 750), maxComment);
  const minSpeechRoundsBeforeEnd = Math.min(1, endAfterSpeechRounds);
  if (minSpeechRoundsBeforeEnd < 1) notes.add('minSpeechRoundsBeforeEnd lowered to 0: the judge ended before any speech');

  const rulesInput = {
    preset: setting.isDebate ? 'debate' : 'consultancy',
    debaters: setting.isDebate ? 'all' : 'one',
    opening: opening.length ? opening : ['judge'],
    repeating,
    speechChars,
    quoteChars,
    maxSpeechRounds: 50,
    minSpeechRoundsBeforeEnd,
    speechSeconds: null,
    judgeSeconds: null,
    judgePenalty: penaltyOf ?? 0.05,
    judgeCommentChars,
  };
  const rulesParsed = Rules.safeParse(rulesInput);
  if (!rulesParsed.success) throw new MalformedRoomError(`rules: ${rulesParsed.error.issues.map((i) => i.message).join('; ')}`);
  if (speechRoundsSeen > 50) notes.add(`the room has ${speechRoundsSeen} speech rounds; the engine allows 50`);

  const speakingOrder = seatsSorted;
  const id = `nyu-${name}`;
  const nyuMeta: NyuMeta = {
    room: name,
    setting: { ...setting, label: settingLabel(setting) },
    includedInPaper: metadata?.includedInPaper ?? false,
    roles: setup.roles,
    offlineJudges: setup.offlineJudges,
    rules: setup.rules,
    articleId: source.articleId,
    metadata,
    feedback: room.feedback,
    scratchpads: room.scratchpads,
    extraRounds: [],
    unreplayedRounds: [],
    notes: [],
  };
  if (!passage.exact) nyuMeta.tokens = [...source.contents];

  const header: DebateHeader = {
    format: TRANSCRIPT_FORMAT,
    engine: ENGINE_VERSION,
    id,
    createdAt: setup.creationTime,
    seed: `${NYU_SOURCE}/${name}`,
    scenario: {
      id: `nyu-${name}`.toLowerCase().replace(/[^a-z0-9._-]/g, '-'),
      title: source.title,
      question: setup.question,
      answers: setup.answers,
      correctIndex: setup.correctAnswerIndex,
      evidence: { kind: 'passage', text: passage.text },
      source: NYU_SCENARIO_SOURCE,
      licence: NYU_LICENCE,
      tags: ['nyu-debate-2023', 'quality'],
      pack: NYU_SOURCE,
    },
    rules: rulesParsed.data,
    seats,
    assignment: {
      answerOrder: [...Array(nAnswers).keys()],
      correctIndex: setup.correctAnswerIndex,
      debaters,
      speakingOrder,
    },
    source: { name: NYU_SOURCE, id: name, url: NYU_URL },
    provenance: 'import',
    meta: { includedInPaper: nyuMeta.includedInPaper, setting: nyuMeta.setting.label, questionKey: questionKey(source.title, setup.question), nyu: nyuMeta },
  };

  // Events, applied one by one: a refusal stops the replay and is reported.
  const events: DebateEvent[] = [];
  const problems: string[] = [];
  let state: DebateState = initialState(header);
  let stopped = false;
  const push = (seat: Actor, action: Action, at: number, meta?: Record<string, unknown>): boolean => {
    if (stopped) return false;
    const result = apply(state, action, seat, at);
    if (!result.ok) {
      problems.push(`${seat} ${action.type} refused: ${result.refusal.code} (${result.refusal.message})`);
      stopped = true;
      return false;
    }
    state = result.state;
    events.push({ seq: events.length, at, seat, action, ...(meta ? { meta } : {}) });
    return true;
  };
  push('system', { type: 'start' }, setup.creationTime);

  const speechAction = (s: NyuSpeech, seat: DebaterSeat, roundIndex: number): { action: Action; meta: Record<string, unknown>; system?: boolean } | string => {
    const segments: SegmentInput[] = [];
    let clipped = false;
    const originalSpans: [number, number][] = [];
    for (const c of s.content) {
      if ('Text' in c) segments.push({ text: c.Text.text });
      else {
        const mapped = mapSpan(passage, c.Quote.span);
        if (!mapped) return `quote span [${c.Quote.span[0]}, ${c.Quote.span[1]}) covers no story text`;
        // The dataset's viewer clips a span that runs past the story's end; so does the import.
        const span: [number, number] = [mapped[0], Math.min(mapped[1], index.tokens.length)];
        if (span[1] !== mapped[1]) notes.add(`a quote span ran past the story's end (${mapped[1]} > ${index.tokens.length} tokens) and was clipped as the dataset's viewer shows it; the original is kept in the event's meta`);
        if (span[0] >= span[1]) return `quote span [${c.Quote.span[0]}, ${c.Quote.span[1]}) lies outside the story`;
        segments.push({ quote: span });
        originalSpans.push([c.Quote.span[0], c.Quote.span[1]]);
        if (passage.exact && span[1] !== c.Quote.span[1]) clipped = true;
      }
    }
    const keepSpans = !passage.exact || clipped;
    const meta: Record<string, unknown> = { nyu: { speaker: s.speaker, round: roundIndex, ...(keepSpans ? { spans: originalSpans } : {}) } };
    if (segments.length === 0 || segments.every((g) => 'text' in g && !g.text.trim())) {
      // An empty speech: the engine refuses those from a debater, but records a forfeited turn as an empty speech.
      if (!FORFEIT_SUPPORTED) return 'an empty speech (the engine has no forfeit action to record it)';
      notes.add('an empty speech in the data is recorded as a forfeited turn (an empty speech in the engine)');
      return { action: { type: 'forfeit', seat, reason: 'empty speech in the NYU data' }, meta: { nyu: { ...(meta['nyu'] as object), content: s.content } }, system: true };
    }
    return { action: { type: 'speech', segments }, meta };
  };

  for (const [ri, round] of room.rounds.entries()) {
    if (stopped) {
      nyuMeta.unreplayedRounds.push({ index: ri, round: (raw as { rounds: unknown[] }).rounds[ri] });
      continue;
    }
    if ('NegotiateEnd' in round || 'OfflineJudgments' in round) {
      nyuMeta.extraRounds.push({ index: ri, round: (raw as { rounds: unknown[] }).rounds[ri] });
      continue;
    }
    if ('JudgeFeedback' in round) {
      const j = round.JudgeFeedback;
      const comment = commentOf(j.feedback.content);
      const canonical = JSON.stringify(commentContent(comment)) === JSON.stringify(j.feedback.content);
      const meta: Record<string, unknown> = { nyu: { speaker: j.feedback.speaker, round: ri, ...(canonical ? {} : { content: j.feedback.content }) } };
      const out = j.distribution.some((p) => p < PROBABILITY_MIN - 1e-9 || p > PROBABILITY_MAX + 1e-9);
      if (out) notes.add('a judgement lies outside the engine\'s [0.01, 0.99] range');
      push('judge', { type: 'judge', probabilities: [...j.distribution], comment, end: j.endDebate }, j.feedback.timestamp, meta);
    } else {
      const simultaneous = 'SimultaneousSpeeches' in round;
      const speeches = simultaneous ? round.SimultaneousSpeeches.speeches : (round as { SequentialSpeeches: { speeches: Record<string, NyuSpeech> } }).SequentialSpeeches.speeches;
      const entries = Object.entries(speeches).map(([k, s]) => ({ seat: seatOfIndex(debaterIndex(k)), s }));
      // Simultaneous speeches enter in the order they were written; sequential ones in speaking order.
      entries.sort((a, b) => (simultaneous ? a.s.timestamp - b.s.timestamp : 0) || speakingOrder.indexOf(a.seat) - speakingOrder.indexOf(b.seat));
      for (const { seat, s } of entries) {
        const made = speechAction(s, seat, ri);
        if (typeof made === 'string') {
          problems.push(made);
          stopped = true;
          break;
        }
        push(made.system ? 'system' : seat, made.action, s.timestamp, made.meta);
      }
      if (stopped) {
        // Keep the whole round verbatim; the speeches of it that were applied stay as events too.
        nyuMeta.unreplayedRounds.push({ index: ri, round: (raw as { rounds: unknown[] }).rounds[ri] });
      }
    }
  }

  const completeInData = metadata ? 'Complete' in metadata.status : room.rounds.some((r) => 'JudgeFeedback' in r && r.JudgeFeedback.endDebate);
  const expected = metadata ? metadataJudgement(metadata) : null;
  if (state.status === 'finished' && state.verdict) {
    const lastJudge = [...room.rounds].reverse().find((r) => 'JudgeFeedback' in r);
    const dataFinal = expected?.finalJudgement ?? (lastJudge && 'JudgeFeedback' in lastJudge ? lastJudge.JudgeFeedback.distribution : null);
    if (dataFinal && JSON.stringify(dataFinal) !== JSON.stringify(state.verdict.probabilities)) {
      problems.push(`final judgement ${JSON.stringify(state.verdict.probabilities)} differs from the data's ${JSON.stringify(dataFinal)}`);
    }
    if (expected && expected.numContinues !== state.verdict.continues) {
      notes.add(`the data counts ${expected.numContinues} continues; the engine ${state.verdict.continues}`);
    }
  } else if (completeInData && !stopped) {
    if (!hasJudgeRounds) problems.push('no live judge: the debaters ended it by mutual agreement (judged offline only); the engine ends a debate only by a judge');
    else problems.push('the data marks the room complete but no judge turn ended it');
  }
  nyuMeta.notes = [...notes];

  const record: TranscriptRecord = TranscriptSchema.parse({ header, events, status: state.status, verdict: state.verdict });
  return { record, replay: state.status === 'finished' ? 'finished' : 'running', completeInData, problems, notes: nyuMeta.notes };
}
