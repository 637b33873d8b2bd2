/**
 * A stored debate reduced to what the reports, the web page and the exports need: one
 * Outcome per finished debate, and its judge turns. Pure: transcripts in, rows out.
 */
import { choiceOf, familyOf, judgedCorrect, questionKeyOf, replay, sidesChosen, sidesOf, tiedForMost, type DebateHeader, type DebaterSeat, type PresetFamily, type TranscriptRecord } from '@arena/shared';

/** The family of a debate's protocol, as its preset says (see shared/src/rules/presets.ts). */
export type Protocol = PresetFamily;

/** An open protocol's choice: which answer the protagonist argued, and whether it was the correct one. */
export interface ChoiceOutcome {
  seat: DebaterSeat;
  /** Shown position of the chosen answer. */
  answer: number;
  correct: boolean;
  /** Time ran out: the drawn answer stood. */
  timedOut: boolean;
}

/** The selection a report, page or export works on. Every field narrows it. */
export interface ReportFilter {
  /** header.source.name ("selfplay", an importer's name…); "none" (or "arena") for debates played here. */
  source?: string;
  pack?: string;
  preset?: string;
  /** "human" or "ai": who judged. */
  judge?: 'human' | 'ai';
  /** Only debates with this agent (or "human") in any seat. */
  agent?: string;
  /** Only imported debates the original analysis included (NYU: includedInPaper). */
  inPaper?: boolean;
  /** Only debates created this way (header.provenance: lobby, researcher, selfplay, study…; "unknown" for those stored before it was recorded). */
  provenance?: string;
  /** Only the counted items of this study. */
  study?: string;
  /** "human" or "ai": who debated (every debater seat of that kind; debates without debaters do not match). */
  debaters?: 'human' | 'ai';
  /** Only the debates of this tournament (header.meta.tournament.id). */
  tournament?: string;
}

/** A study debate's kind (its header's meta.study): only `item` is data; practice items and attention checks are not. */
export function studyKindOf(r: Pick<TranscriptRecord, 'header'>): { study: string; participant: string; kind: string } | undefined {
  const meta = r.header.meta?.['study'] as { id?: unknown; participant?: unknown; kind?: unknown } | undefined;
  return meta && typeof meta.id === 'string' ? { study: meta.id, participant: String(meta.participant), kind: String(meta.kind) } : undefined;
}

/** Who debated: every debater seat a human, every one an agent, both kinds, or no debater (blind). */
export type DebaterKind = 'human' | 'ai' | 'mixed' | null;

export function debaterKindOf(header: Pick<DebateHeader, 'assignment' | 'seats'>): DebaterKind {
  const kinds = new Set(Object.keys(header.assignment.debaters).map((s) => (header.seats[s as DebaterSeat]?.kind === 'agent' ? 'ai' : 'human')));
  if (kinds.size === 0) return null;
  return kinds.size > 1 ? 'mixed' : (kinds.values().next().value as 'human' | 'ai');
}

/** One judge turn of a debate. */
export interface JudgeTurn {
  turn: number;
  probabilities: number[];
  pCorrect: number;
  /** The judge asked for more (not the last turn). */
  continues: boolean;
  /** Seconds since the previous event (null when the data has no times). */
  seconds: number | null;
}

/** One finished debate. */
export interface Outcome {
  id: string;
  source: string;
  pack: string;
  scenario: string;
  /** The story and question, normalised (same key = same question). */
  question: string;
  preset: string;
  protocol: Protocol;
  /** Cluster id of the judge: an agent id, a participant's name when the data has one, else the debate. */
  judge: string;
  judgeKind: 'human' | 'ai';
  /** The judge as reports group it: an agent id or "human". */
  judgeLabel: string;
  /** The debaters as reports group them ("human", an agent id, "x vs y"); "-" for blind. */
  debaters: string;
  /** Who debated (the setting comparisons pair within). */
  debaterKind: DebaterKind;
  /** Per seat, who argued: agent id or participant name (for ratings). */
  debaterIds: Partial<Record<DebaterSeat, string>>;
  /** Per seat, the position (in shown order) of the answer it argued. */
  seatAnswers: Partial<Record<DebaterSeat, number>>;
  /** Strictly the most probability on the correct answer (the tie rule). */
  correct: boolean;
  tie: boolean;
  pCorrect: number;
  /** The judge's first stated p(correct) (its prior under protocols that open with the judge), null if none. */
  pCorrectPrior: number | null;
  probabilities: number[];
  /** Position (in shown order) of the correct answer. */
  correctIndex: number;
  answers: number;
  /** Consultancy: the consultant argued the correct answer (open consultancy: chose it). */
  honest: boolean | null;
  /** Open protocols: the protagonist's choice; null when the seed drew the sides. */
  choice: ChoiceOutcome | null;
  /** The seat that argued the correct answer (debate and consultancy when honest). */
  honestSeat: DebaterSeat | null;
  /** Debate: the debater with the correct answer spoke first in sequential rounds. */
  correctFirst: boolean | null;
  speakingOrder: DebaterSeat[];
  answerOrder: number[];
  judgeScore: number;
  continues: number;
  /** Whether the original analysis of imported data included it (null when not said). */
  inPaper: boolean | null;
  /** A re-judging: the id of the debate it judges again (null otherwise). */
  rejudgeOf: string | null;
  turns: JudgeTurn[];
  /** Seconds from the first to the last event (null without times). */
  seconds: number | null;
}

const protocolOf = (r: TranscriptRecord): Protocol => familyOf(r.header.rules);

/**
 * Which shown answer each debater argued, and the choice under an open protocol (read by
 * replaying the events with the engine, the one place that knows how a choice sets sides).
 */
function sidesPlayed(r: TranscriptRecord): { sides: Partial<Record<DebaterSeat, number>>; choice: ChoiceOutcome | null } {
  const { header } = r;
  if (!sidesChosen(header.rules)) return { sides: header.assignment.debaters, choice: null };
  const state = replay(header as DebateHeader, r.events);
  const made = choiceOf(state);
  const sides = sidesOf(state) ?? header.assignment.debaters;
  if (!made) return { sides, choice: null };
  return { sides, choice: { seat: made.seat, answer: made.answer, correct: made.answer === header.assignment.correctIndex, timedOut: made.timedOut } };
}

const REJUDGE = 'rejudge';

/** The source name reports use: the import's name, "rejudge", or "arena" for debates played here. */
export const sourceOf = (r: TranscriptRecord): string => r.header.source?.name ?? 'arena';

function participants(r: TranscriptRecord): { judge: string | null; debaters: Partial<Record<DebaterSeat, string>> } {
  const nyu = r.header.meta?.['nyu'] as { roles?: Record<string, string> } | undefined;
  const roles = nyu?.roles ?? {};
  const debaters: Partial<Record<DebaterSeat, string>> = {};
  for (const seat of Object.keys(r.header.assignment.debaters) as DebaterSeat[]) {
    const cfg = r.header.seats[seat];
    debaters[seat] = cfg?.kind === 'agent' ? (cfg.agent ?? 'agent') : (roles[`Debater ${seat}`] ?? 'human');
  }
  const j = r.header.seats.judge;
  return { judge: j?.kind === 'agent' ? (j.agent ?? 'agent') : (roles['Judge'] ?? null), debaters };
}

/** Whether a record is in the selection. Re-judgings count only when asked for by their source. */
export function matchesFilter(r: TranscriptRecord, f: ReportFilter): boolean {
  const source = sourceOf(r);
  if (source === REJUDGE && f.source !== REJUDGE) return false;
  if (f.preset && r.header.rules.preset !== f.preset) return false;
  if (f.pack && r.header.scenario.pack !== f.pack) return false;
  if (f.source) {
    const wanted = f.source === 'none' ? 'arena' : f.source;
    if (source !== wanted) return false;
  }
  if (f.judge) {
    const kind = r.header.seats.judge?.kind === 'agent' ? 'ai' : 'human';
    if (kind !== f.judge) return false;
  }
  if (f.agent) {
    const seats = Object.values(r.header.seats).map((s) => (s?.kind === 'agent' ? (s.agent ?? 'agent') : 'human'));
    if (!seats.includes(f.agent)) return false;
  }
  if (f.inPaper !== undefined && (r.header.meta?.['includedInPaper'] === true) !== f.inPaper) return false;
  if (f.provenance && (r.header.provenance ?? 'unknown') !== f.provenance) return false;
  const study = studyKindOf(r);
  if (f.study && study?.study !== f.study) return false;
  // A study's practice items and attention checks are never counted as judgements.
  if (study && study.kind !== 'item') return false;
  if (f.debaters && debaterKindOf(r.header) !== f.debaters) return false;
  if (f.tournament && (r.header.meta?.['tournament'] as { id?: unknown } | undefined)?.id !== f.tournament) return false;
  return true;
}

/** The outcome of a finished debate (null for unfinished ones). */
export function outcomeOf(r: TranscriptRecord): Outcome | null {
  if (r.status !== 'finished' || !r.verdict) return null;
  const { header, verdict } = r;
  const c = verdict.correctIndex;
  const protocol = protocolOf(r);
  const who = participants(r);
  const debaterSeats = Object.keys(header.assignment.debaters).sort() as DebaterSeat[];
  const seatLabel = (s: DebaterSeat) => (header.seats[s]?.kind === 'agent' ? (header.seats[s]?.agent ?? 'agent') : 'human');
  const played = sidesPlayed(r);
  const honestSeat = debaterSeats.find((s) => played.sides[s] === c) ?? null;
  const judgeKind = header.seats.judge?.kind === 'agent' ? 'ai' : 'human';
  // A prior: a judge turn before any speech (protocols that open with the judge).
  const firstJudge = r.events.findIndex((e) => e.seat === 'judge' && e.action.type === 'judge');
  const hasPrior = firstJudge >= 0 && !r.events.slice(0, firstJudge).some((e) => e.action.type === 'speech' || e.action.type === 'forfeit');
  let previousAt = r.events[0]?.at ?? header.createdAt;
  const turns: JudgeTurn[] = [];
  for (const e of r.events) {
    if (e.seat === 'judge' && e.action.type === 'judge') {
      const p = e.action.probabilities;
      turns.push({ turn: turns.length, probabilities: [...p], pCorrect: p[c] ?? 0, continues: !e.action.end, seconds: e.at > 0 && previousAt > 0 ? Math.max(0, (e.at - previousAt) / 1000) : null });
    }
    previousAt = e.at;
  }
  const last = turns.at(-1);
  if (last) last.continues = false;
  const first = r.events[0]?.at;
  const end = r.events.at(-1)?.at;
  const inPaper = header.meta?.['includedInPaper'];
  return {
    id: header.id,
    source: sourceOf(r),
    pack: header.scenario.pack ?? '',
    scenario: header.scenario.id,
    question: questionKeyOf(header),
    preset: header.rules.preset,
    protocol,
    judge: who.judge ?? `${judgeKind}:${header.id}`,
    judgeKind,
    judgeLabel: judgeKind === 'ai' ? (who.judge ?? 'agent') : 'human',
    debaters: debaterSeats.length ? [...new Set(debaterSeats.map(seatLabel))].join(' vs ') : '-',
    debaterKind: debaterKindOf(header),
    debaterIds: who.debaters,
    seatAnswers: { ...header.assignment.debaters },
    correct: judgedCorrect(verdict.probabilities, c),
    tie: tiedForMost(verdict.probabilities, c),
    pCorrect: verdict.probabilities[c] ?? 0,
    pCorrectPrior: hasPrior && turns[0] ? turns[0].pCorrect : null,
    probabilities: verdict.probabilities,
    correctIndex: c,
    answers: verdict.probabilities.length,
    // The consultant is whichever seat argues: honest when its answer is the correct one.
    honest: protocol === 'consultancy' ? honestSeat !== null : null,
    choice: played.choice,
    honestSeat,
    correctFirst: protocol === 'debate' && honestSeat ? header.assignment.speakingOrder[0] === honestSeat : null,
    speakingOrder: header.assignment.speakingOrder,
    answerOrder: header.assignment.answerOrder,
    judgeScore: verdict.judgeScore,
    continues: verdict.continues,
    inPaper: typeof inPaper === 'boolean' ? inPaper : null,
    rejudgeOf: typeof header.meta?.['rejudgeOf'] === 'string' ? header.meta['rejudgeOf'] : null,
    turns,
    seconds: first !== undefined && end !== undefined && first > 0 ? Math.max(0, (end - first) / 1000) : null,
  };
}

/** The outcomes of the finished debates in the selection, and how many debates it has. */
export function selectOutcomes(records: Iterable<TranscriptRecord>, filter: ReportFilter = {}): { debates: number; outcomes: Outcome[] } {
  let debates = 0;
  const outcomes: Outcome[] = [];
  for (const r of records) {
    if (!matchesFilter(r, filter)) continue;
    // Forks are counted only when asked for (provenance fork): a fork repeats its parent's
    // first events and judge turns, so counting both would count that part twice. The
    // training exports, which start a fork's rows at its own first event, take them.
    if (r.header.provenance === 'fork' && filter.provenance !== 'fork') continue;
    debates++;
    const o = outcomeOf(r);
    if (o) outcomes.push(o);
  }
  // A fixed order (by id), so sums and bootstraps do not depend on the order the store returns.
  outcomes.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { debates, outcomes };
}
