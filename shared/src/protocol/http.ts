/**
 * The HTTP API's requests and answers (under /api), as both sides type them: the server's
 * routes answer with these, the web client and the SDK read them. Errors answer with
 * ApiErrorBody and a 4xx/5xx status.
 */
import type { DebateView } from '../game/view-for.ts';
import type { Seat } from './actions.ts';
import type { PresetEntry } from '../rules/presets.ts';
import type { EvidenceKindName } from '../evidence/kinds.ts';
import type { PackInfo, ScenarioSummary } from '../scenario/schema.ts';
import type { DebateSummary, TranscriptRecord, Visibility } from '../transcript/transcript.ts';

/** Every refused request: `error` for people; some refusals add a code and a wait. */
export interface ApiErrorBody {
  error: string;
  code?: string;
  retryAfterSeconds?: number;
}

/** GET /api/health */
export interface HealthResponse {
  ok: true;
  protocol: number;
  /** Researchers only (a store's latency is a timing signal): the store in use, its latency, the uptime. */
  store?: string;
  storeMs?: number;
  uptimeSeconds?: number;
}

/** GET /api/scenarios: the scenarios the caller is offered (no evidence, no correct answer). */
export interface ScenariosResponse {
  publicLobby: boolean;
  packs: PackInfo[];
  scenarios: ScenarioSummary[];
}

/** GET /api/presets: the presets, and the agents this caller may seat. */
export interface PresetsResponse {
  presets: PresetEntry[];
  agents: string[];
  /** What each of `agents` can play: its roles and the kinds of evidence it knows (the lobby's seat menus offer only the agents that fit a seat). */
  agentCapabilities: Record<string, { roles: ('debater' | 'judge')[]; evidence: EvidenceKindName[] }>;
}

/** A seat of a debate to create: a person (open to anyone, or by its link), or an agent by id. */
export interface SeatRequest {
  kind: 'human' | 'agent';
  agent?: string;
  open?: boolean;
}

/** POST /api/debates */
export interface CreateDebateRequest {
  scenarioId: string;
  preset?: string;
  /** Overrides of the preset's rules (limits, timers, rounds). */
  rules?: Record<string, unknown>;
  seats?: Partial<Record<Seat, SeatRequest>>;
  seed?: string;
  /** Researchers only. */
  visibility?: Visibility;
  meta?: Record<string, unknown>;
}

/** A created seat: a human seat's link (its token) unless it is open or an agent's. */
export interface SeatLink {
  kind: string;
  open: boolean;
  token?: string;
  path?: string;
}

/** POST /api/debates → 201 */
export interface CreatedDebate {
  id: string;
  preset: string;
  visibility: Visibility;
  seats: Record<string, SeatLink>;
  observerPath: string;
}

/** One debate of a fork tree: where it branched from (null for the root). */
export interface ForkNode {
  id: string;
  parent: { id: string; at: number } | null;
  status: DebateSummary['status'];
  createdAt: number;
  preset: string;
  outcome: DebateSummary['outcome'];
  /** The seats' agents (null for a person's seat). */
  seats: Record<string, string | null>;
}

/** GET /api/debates/:id/forks (researchers): the root a debate descends from and every fork below it, the root first. */
export interface ForkTree {
  root: string;
  debates: ForkNode[];
}

/** GET /api/debates */
export interface DebatesResponse {
  total: number;
  debates: DebateSummary[];
}

/** GET /api/debates/:id: the summary, the question and who sits where (never a seat's token). */
export type DebateDetail = DebateSummary & {
  question: string;
  seats: Record<string, { kind: string; agent: string | null; open: boolean; claimed: boolean }>;
};

/** GET /api/debates/:id/view?seat=… */
export type ViewResponse = DebateView;

/** GET /api/debates/:id/transcript?seat=<seat>: the seat's view after every event that changed it. */
export interface SeatStepsResponse {
  debateId: string;
  seat: Seat;
  status: string;
  steps: DebateView[];
}

/** GET /api/debates/:id/transcript?seat=full */
export type FullTranscriptResponse = TranscriptRecord;

/** An interval as the report gives it (JSON null where it has no value). */
export interface Interval {
  low: number | null;
  high: number | null;
}

export interface CalibrationBinOut {
  low: number;
  high: number;
  n: number;
  meanProbability: number | null;
  frequency: number | null;
}

/** One protocol's row of the report (the same numbers as `arena report`). */
export interface ResultsRow {
  preset: string;
  n: number;
  judges: number;
  questions: number;
  ties: number;
  accuracy: Interval & { successes: number; n: number; rate: number | null };
  accuracyCluster: Interval;
  balanced: (Interval & { rate: number | null; cluster: Interval; honest: { n: number; rate: number | null }; dishonest: { n: number; rate: number | null } }) | null;
  meanJudgeScore: number | null;
  brier: number | null;
  ece: number | null;
  bins: CalibrationBinOut[];
}

/** Debater ratings of one protocol; Elo scale, null where a role was not played. */
export interface DebaterRatingsOut {
  preset: string;
  debates: number;
  crossPlay: number;
  selfPlay: number;
  honestWins: Interval & { estimate: number | null };
  /** `identified: false`: the data fix only the gap between its honest and dishonest ratings (no level, no interval). */
  agents: { agent: string; debates: number; identified?: boolean; elo: number | null; eloHonest: number | null; eloDishonest: number | null; low: number | null; high: number | null; winRate: number | null }[];
}

/** The judge's accuracy in one protocol, with its 95% Wilson interval (n = 0: none). */
export interface AccuracyOut {
  n: number;
  correct: number;
  rate: number | null;
  low: number | null;
  high: number | null;
}

/** Debater strength against judge accuracy (Khan et al. 2024): one point per judge and debater, and the slope of each protocol. */
export interface StrengthOut {
  preset: string;
  points: { judge: string; agent: string; elo: number | null; low: number | null; high: number | null; debate: AccuracyOut; consultancy: AccuracyOut }[];
  trends: { judge: string; protocol: 'debate' | 'consultancy'; points: number; slopePer100: number | null }[];
}

/** GET /api/results */
export interface ResultsResponse {
  total: number;
  /** Judgements of the selection by study participants their study excluded: shown apart, never counted. */
  excludedJudgements: number;
  report: {
    debates: number;
    finished: number;
    ties: number;
    byProtocol: ResultsRow[];
    /** Paired within each setting; `rooms.label` says which rooms and which pairing a number uses. */
    comparisons: { a: string; b: string; rooms: { label: string }; scoring: string; paired: boolean; questions: number; excluded: number; difference: number | null; normal: Interval; cluster: Interval }[];
    balance: { preset: string; debates: number; questions: number; honest: number; dishonest: number; correctFirst: number; correctLater: number; balancedQuestions: number }[];
    ratings: DebaterRatingsOut[];
    /** Each debater's rating against the judge's accuracy in debate (against itself) and in consultancy; null without both. */
    strength: StrengthOut | null;
    tieRule: string;
    method: string;
  };
  packs: string[];
  sources: string[];
  agents: string[];
}

// ---- studies: participants ----

export type StudyStage = 'consent' | 'instructions' | 'lobby' | 'items' | 'done';
export type StudyItemKind = 'practice' | 'item' | 'check' | 'debate';
export type StudyStatus = 'running' | 'paused' | 'closed';

/** POST /api/studies/:id/enter: the panel's ids from the study link. */
export interface StudyEntryRequest {
  PROLIFIC_PID?: string;
  STUDY_ID?: string;
  SESSION_ID?: string;
  pid?: string;
  role?: 'judge' | 'debater';
  /** A signed link's expiry (Unix seconds) and signature, passed on as the link has them. */
  exp?: string;
  sig?: string;
}

/** POST /api/studies/:id/enter: the participant's study token (sent as a bearer token after). */
export interface StudyEntered {
  token: string;
  participant: string;
}

/** POST /api/studies/:id/me/consent */
export interface StudyConsentRequest {
  agree: boolean;
}

/**
 * GET /api/studies/:id/me (and the answer of every POST /api/studies/:id/me/…): one stage
 * of the participant's path, nothing else.
 */
export interface StudyParticipantPage {
  study: { id: string; title: string };
  stage: StudyStage;
  role?: 'judge' | 'debater';
  consentHtml?: string;
  instructionsHtml?: string;
  /** The judge's seat of an item, or a recruited debater's seat in a debate; no debate yet while waiting for debaters. */
  item?: { position: number; total: number; kind: StudyItemKind; status: string; debateId: string | null; token: string; seat: string };
  /** The current item waits for a study-wide cap on items argued by paid agents: the typed reason, in words, and when it may start. */
  busy?: { code: string; reason: string; retrySeconds?: number };
  /** Waiting for others: a debater for a judge (may leave), a judge for debaters, or a judge on the waitlist for a place others hold (for up to waitSeconds). */
  lobby?: { waitingSince: number | null; waitSeconds?: number; canLeave: boolean };
  /** The comprehension quiz under the instructions (two tries; then the participant is asked to return the study). */
  quiz?: { questions: { question: string; answers: string[] }[]; triesLeft: number; missed: boolean };
  end?: { outcome: string; code: string; redirect: string; feedback?: { item: number; correct: boolean }[] } | null;
  /** When the judge learns whether they were right: after each item, at the end, or never. */
  feedback?: 'afterEach' | 'atEnd' | 'never';
  /** The page stops pasting (paste events are reported either way). */
  blockPaste?: boolean;
  /** Questions after a counted item's verdict, and whether this item's are answered. */
  questions?: { set: StudyQuestion[]; answered: boolean };
}

/** A question the spec asks after a counted item's verdict. */
export interface StudyQuestion {
  id: string;
  prompt: string;
  kind: 'scale' | 'choice' | 'text';
  options?: string[];
  min: number;
  max: number;
  optional: boolean;
}

/** What a participant may do on its page: POST /api/studies/:id/me/<action>. */
/** What a participant's page may post to …/me/<action>; `seen` is the page's heartbeat. */
export type StudyParticipantAction = 'consent' | 'start' | 'next' | 'leave' | 'seen' | 'signals' | 'answers';

// ---- studies: researchers ----

/** GET /api/studies */
export interface StudiesResponse {
  studies: { id: string; title: string; status: StudyStatus; specHash: string; createdAt: number }[];
}

/** POST /api/studies → 201 */
export interface StudyLaunched {
  id: string;
  specHash: string;
  slots: number;
  originals: number;
  /** The study link to give the panel (its placeholders are the panel's). */
  link: string;
  /** The debater link, for a study that recruits debaters. */
  debaterLink?: string;
  /** What the researcher should know before recruiting (items whose answers are public, when the spec allows it). */
  warnings: string[];
}

/** POST /api/studies/:id/pause | resume | close */
export type StudySteer = 'pause' | 'resume' | 'close';
export interface StudyStatusResponse {
  status: StudyStatus;
}

/** POST /api/studies/:id/ticket: a short-lived ticket for the event stream and the downloads. */
export interface StudyTicket {
  ticket: string;
  expiresAt: number;
}

/** GET /api/studies/:id/progress, and each `progress` event of GET /api/studies/:id/events. */
export interface StudyProgress {
  study: { id: string; title: string; status: string; specHash: string; seed: string; createdAt: number; itemsPerParticipant: number; judgementsPerCell: number };
  stages: Record<string, number>;
  outcomes: Record<string, number>;
  plan: { slots: number; planned: number; done: number; assigned: number; open: number };
  /** Judgements by what they count as: data (counted items of participants not excluded), practice, attention checks, and excluded participants' (shown apart). */
  judgements: { counted: number; practice: number; checks: number; excluded: number };
  cells: { cell: string; scenario: string; condition: string; planned: number; done: number; assigned: number; open: number }[];
  balance: {
    condition: string;
    judgements: number;
    /** Judgements with the correct answer shown at position 1, 2, … */
    correctAt: number[];
    honest: number;
    dishonest: number;
    correctFirst: number;
    correctLater: number;
    accuracy: number | null;
  }[];
  dropouts: number;
  refills: number;
  participants: {
    participant: string;
    /** judge, or debater (recruited through the debater link). */
    role: string;
    stage: string;
    outcome: string | null;
    position: number;
    items: number;
    done: number;
    failedChecks: number;
    flags: string[];
    enteredAt: number;
    lastSeen: number;
    finishedAt: number | null;
    /** The participant's conditions in the order drawn (a row of the balanced Latin square). */
    conditions: string[];
  }[];
  flagged: { participant: string; flags: string[] }[];
}

/** One item of a participant, as a researcher sees it. */
export interface StudyItemRow {
  participant: string;
  position: number;
  kind: StudyItemKind;
  slot: string | null;
  scenarioId: string;
  condition: string;
  debateId: string | null;
  status: 'pending' | 'open' | 'done' | 'abandoned';
  startedAt: number | null;
  finishedAt: number | null;
  /** The seat a recruited debater plays (debate items only). */
  seat?: string | null;
}

/** GET /api/studies/:id/participants/:participant (the participant's row without its token). */
export interface StudyParticipantDetail {
  participant: Record<string, unknown> & { participant: string };
  items: StudyItemRow[];
}

/** POST /api/studies/:id/bonuses/paid */
export interface BonusesPaid {
  batch: string;
  recorded: number;
  amount: number;
}

/** The files of GET /api/studies/:id/export/:file. */
export const STUDY_EXPORTS = ['judgements.csv', 'turns.csv', 'transcripts.jsonl', 'spec.json', 'bonuses.csv', 'approvals.csv', 'ledger.csv'] as const;
export type StudyExport = (typeof STUDY_EXPORTS)[number];
