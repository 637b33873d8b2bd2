/**
 * Tournaments: debaters meet in rounds (round-robin, Swiss or power-paired) over a pack
 * with one judge, each match a set of self-play debates through the batch path (so in the
 * server, live sessions). Before the rounds, every debater also plays a baseline: debates
 * against a copy of itself and consultancies, over the same questions, so the report can
 * set each debater's rating against the judge's accuracy under debate and under
 * consultancy (Khan et al. 2024). Resumable: every debate's id follows from the
 * tournament's id, round, agents, question and seed, and pairings from the stored results,
 * so running a tournament again skips what is stored and pairs the same way.
 */
import { createHash } from 'node:crypto';
import { ELO_PER_LOG, fitBradleyTerry, type Scenario, type TranscriptRecord } from '@arena/shared';
import { matchesOf } from '../report/ratings.ts';
import { outcomeOf } from '../report/outcomes.ts';
import { planDebates, runPlanned, selectScenarios, type BatchOptions, type BatchSummary, type PlannedDebate } from '../selfplay/batch.ts';
import { pairByStanding, pairKey, roundRobin, type Pair, type RoundPairing } from './pairing.ts';

export const TOURNAMENT_FORMATS = ['round-robin', 'swiss', 'power'] as const;
export type TournamentFormat = (typeof TOURNAMENT_FORMATS)[number];

/** A tournament id: letters, digits, ".", "_" and "-" (it becomes part of debate seeds and ids). */
export const TOURNAMENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$/;

export interface TournamentSpec {
  id: string;
  /** The debaters (at least two, all different). */
  agents: string[];
  judge: string;
  format: TournamentFormat;
  /** Rounds to play (round-robin: at most its number of rounds; default all of them). */
  rounds?: number;
  /** Debates per question per match, and per question in each baseline (default 2: each side of the truth once). */
  seeds?: number;
  scenarios: Scenario[];
}

/** What a tournament's debates record in their header's meta (`tournament`). */
export interface TournamentMeta {
  id: string;
  format: TournamentFormat;
  /** 0: the baseline (self-play debates and consultancies); 1…: the rounds. */
  round: number;
  /** A hash of the settings: a second run with other settings is refused. */
  fingerprint: string;
}

export interface MatchResult {
  round: number;
  a: string;
  b: string;
  /** Debates of the match played and stored finished. */
  debates: number;
  /** Each side's debate wins (the judge put more probability on its answer than on the other's; equal counts half). */
  scoreA: number;
  scoreB: number;
}

export interface RoundResult {
  round: number;
  pairs: Pair[];
  bye: string | null;
  matches: MatchResult[];
}

export interface Standing {
  agent: string;
  /** Match points: 1 a match won (and a bye), 0.5 drawn. */
  points: number;
  /** Debate wins in the matches (ties count half), and matches played. */
  debateWins: number;
  matches: number;
  /** Bradley–Terry log-strength on the tournament's matches (one per debater, a weak prior), Elo-scaled around 1500: what power pairing pairs by. */
  rating: number;
}

export interface TournamentSummary extends BatchSummary {
  id: string;
  format: TournamentFormat;
  rounds: RoundResult[];
  standings: Standing[];
  /** Rounds not played because a round before was left unfinished (stopped, failed debates): run again to resume. */
  unplayedRounds: number;
}

export class TournamentMismatch extends Error {
  override name = 'TournamentMismatch';
}

/** The number of rounds a tournament plays: round-robin all its rounds unless fewer are asked; Swiss and power ⌈log2 n⌉ unless said. */
export function roundsOf(spec: Pick<TournamentSpec, 'agents' | 'format' | 'rounds'>): number {
  const n = spec.agents.length;
  const all = n % 2 === 0 ? n - 1 : n;
  if (spec.format === 'round-robin') return Math.min(spec.rounds ?? all, all);
  return spec.rounds ?? Math.max(1, Math.ceil(Math.log2(n)));
}

/**
 * A tournament's questions: the two-answer scenarios of the selection (one debater per
 * answer, so every debate is a game between two debaters), passages only.
 */
export function tournamentScenarios(all: readonly Scenario[], opts: { pack?: string; ids?: string[] }): Scenario[] {
  return selectScenarios([...all], { presets: ['debate', 'consultancy'], ...opts }).filter((s) => s.answers.length === 2);
}

/** Checks a specification; throws with the reason. */
export function checkSpec(spec: TournamentSpec): void {
  if (!TOURNAMENT_ID.test(spec.id)) throw new Error(`tournament id "${spec.id}": letters, digits, ".", "_" and "-", at most 60`);
  if (spec.agents.length < 2) throw new Error('a tournament needs at least two debaters');
  if (new Set(spec.agents).size !== spec.agents.length) throw new Error('a debater is named twice');
  if (spec.agents.length > 20) throw new Error('at most 20 debaters');
  if (spec.scenarios.length === 0) throw new Error('no scenarios');
  if (spec.scenarios.some((s) => s.answers.length !== 2)) throw new Error('tournament debates need two-answer scenarios (one debater per answer)');
}

function fingerprintOf(spec: TournamentSpec): string {
  const settings = [spec.format, spec.agents, spec.judge, roundsOf(spec), spec.seeds ?? 2, spec.scenarios.map((s) => s.id).sort()];
  return createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 16);
}

const seedsOf = (spec: TournamentSpec, stem: string) => Array.from({ length: spec.seeds ?? 2 }, (_, i) => `${spec.id}-${stem}-s${i + 1}`);

function tagged(items: PlannedDebate[], meta: TournamentMeta): PlannedDebate[] {
  return items.map((item) => ({ ...item, meta: { tournament: meta } }));
}

/** The baseline: each debater against a copy of itself, and as consultant, over every question. */
function baselineDebates(spec: TournamentSpec): PlannedDebate[] {
  const meta: TournamentMeta = { id: spec.id, format: spec.format, round: 0, fingerprint: fingerprintOf(spec) };
  return tagged(planDebates({ scenarios: spec.scenarios, presets: ['debate', 'consultancy'], assignments: spec.agents.map((a) => ({ debaters: [a], judge: spec.judge })), seeds: seedsOf(spec, 'base') }), meta);
}

/** A round's matches: every question × seed for each pair, the two debaters taking the correct answer in turn. */
function matchDebates(spec: TournamentSpec, round: number, pairs: readonly Pair[]): PlannedDebate[] {
  const meta: TournamentMeta = { id: spec.id, format: spec.format, round, fingerprint: fingerprintOf(spec) };
  return tagged(planDebates({ scenarios: spec.scenarios, presets: ['debate'], assignments: pairs.map(([a, b]) => ({ debaters: [a, b], judge: spec.judge })), seeds: seedsOf(spec, `r${round}`) }), meta);
}

/** How many debates the whole tournament plays (pairings aside, which do not change the count). */
export function plannedCount(spec: TournamentSpec): number {
  return baselineDebates(spec).length + roundsOf(spec) * Math.floor(spec.agents.length / 2) * spec.scenarios.length * (spec.seeds ?? 2);
}

/** A match's result from its stored debates. */
function matchResult(round: number, [a, b]: Pair, records: readonly TranscriptRecord[]): MatchResult {
  const result: MatchResult = { round, a, b, debates: 0, scoreA: 0, scoreB: 0 };
  for (const r of records) {
    const o = outcomeOf(r);
    const m = o && matchesOf([o])[0];
    if (!m) continue;
    result.debates++;
    const aScore = m.honest === a ? m.score : 1 - m.score;
    result.scoreA += aScore;
    result.scoreB += 1 - aScore;
  }
  return result;
}

/** Standings after the rounds given: match points, debate wins, and a Bradley–Terry rating over the debates of the matches. */
function standingsOf(agents: readonly string[], rounds: readonly RoundResult[]): Standing[] {
  const table = new Map(agents.map((agent) => [agent, { agent, points: 0, debateWins: 0, matches: 0, rating: 1500 }]));
  const games: { a: string; b: string; score: number; weight: number }[] = [];
  for (const round of rounds) {
    if (round.bye) (table.get(round.bye) as Standing).points += 1;
    for (const m of round.matches) {
      const a = table.get(m.a) as Standing;
      const b = table.get(m.b) as Standing;
      a.matches++;
      b.matches++;
      a.debateWins += m.scoreA;
      b.debateWins += m.scoreB;
      a.points += m.scoreA > m.scoreB ? 1 : m.scoreA === m.scoreB ? 0.5 : 0;
      b.points += m.scoreB > m.scoreA ? 1 : m.scoreA === m.scoreB ? 0.5 : 0;
      if (m.debates > 0) games.push({ a: m.a, b: m.b, score: m.scoreA / m.debates, weight: m.debates });
    }
  }
  const fit = fitBradleyTerry([...agents], games, { prior: 1 });
  for (const s of table.values()) s.rating = 1500 + ELO_PER_LOG * (fit.strength.get(s.agent) ?? 0);
  return [...table.values()];
}

/** The pairing of round `round` (1-based) given the rounds before it. */
export function pairingFor(spec: TournamentSpec, round: number, before: readonly RoundResult[]): RoundPairing {
  if (spec.format === 'round-robin') return roundRobin(spec.agents)[round - 1] as RoundPairing;
  const standings = new Map(standingsOf(spec.agents, before).map((s) => [s.agent, s]));
  const met = new Set(before.flatMap((r) => r.pairs.map(([a, b]) => pairKey(a, b))));
  const byes = new Map<string, number>();
  for (const r of before) if (r.bye) byes.set(r.bye, (byes.get(r.bye) ?? 0) + 1);
  const standing = new Map(spec.agents.map((a) => [a, spec.format === 'swiss' ? (standings.get(a) as Standing).points : (standings.get(a) as Standing).rating]));
  return pairByStanding({ players: spec.agents, standing, met, byes });
}

/** Throws TournamentMismatch when debates of this tournament id were played under other settings. */
export async function checkResumable(store: Pick<BatchOptions['store'], 'debatesWithMeta'>, spec: TournamentSpec): Promise<void> {
  const fingerprint = fingerprintOf(spec);
  for (const d of await store.debatesWithMeta('selfplay', 'tournament.id', spec.id)) {
    const other = (d.header.meta?.['tournament'] as TournamentMeta | undefined)?.fingerprint;
    if (other !== fingerprint) throw new TournamentMismatch(`tournament "${spec.id}" was started with other settings (agents, judge, format, rounds, seeds or questions); give it a new id`);
  }
}

export interface TournamentOptions extends Omit<BatchOptions, 'limit'> {
  /** Called when a round's pairing is known, before its debates. */
  onRound?: (round: number, pairing: RoundPairing) => void;
}

/**
 * Plays a tournament: the baseline with the first round, then each round paired on the
 * stored results of the rounds before. A round left unfinished (stopped, or a debate
 * failed) ends the run there; running it again resumes.
 */
export async function runTournament(spec: TournamentSpec, options: TournamentOptions): Promise<TournamentSummary> {
  checkSpec(spec);
  await checkResumable(options.store, spec);
  const total = roundsOf(spec);
  const summary: TournamentSummary = { id: spec.id, format: spec.format, planned: plannedCount(spec), skipped: 0, played: 0, failed: 0, unfinished: 0, correct: 0, seconds: 0, debatesPerSecond: 0, errors: [], rounds: [], standings: [], unplayedRounds: 0 };
  const started = Date.now();
  const add = (s: BatchSummary) => {
    for (const k of ['skipped', 'played', 'failed', 'unfinished', 'correct'] as const) summary[k] += s[k];
    summary.errors.push(...s.errors);
  };
  for (let round = 1; round <= total; round++) {
    if (options.signal?.aborted) {
      summary.unplayedRounds = total - round + 1;
      break;
    }
    const pairing = pairingFor(spec, round, summary.rounds);
    options.onRound?.(round, pairing);
    const matches = pairing.pairs.map((pair) => ({ pair, items: matchDebates(spec, round, [pair]) }));
    add(await runPlanned([...(round === 1 ? baselineDebates(spec) : []), ...matches.flatMap((m) => m.items)], options));
    const results: MatchResult[] = [];
    let complete = true;
    for (const m of matches) {
      const records = (await Promise.all(m.items.map((i) => options.store.getTranscript(i.id)))).filter((r): r is TranscriptRecord => r !== null);
      if (records.length < m.items.length) complete = false;
      results.push(matchResult(round, m.pair, records));
    }
    summary.rounds.push({ round, pairs: pairing.pairs, bye: pairing.bye, matches: results });
    // The next pairing needs this round's results: an unfinished round stops here (a re-run resumes).
    if (!complete && round < total) {
      summary.unplayedRounds = total - round;
      break;
    }
  }
  summary.standings = standingsOf(spec.agents, summary.rounds).sort((x, y) => y.points - x.points || y.debateWins - x.debateWins || y.rating - x.rating);
  summary.seconds = (Date.now() - started) / 1000;
  summary.debatesPerSecond = summary.played / Math.max(summary.seconds, 1e-3);
  return summary;
}
