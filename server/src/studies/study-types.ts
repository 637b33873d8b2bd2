/** The studies service's dependencies, results and refusals (see service.ts). */
import type { DebateHeader, PackInfo, Scenario, Seat, Visibility } from '@arena/shared';
import type { Sessions } from '../sessions/sessions.ts';
import type { Store } from '../store/store.ts';
import type { StudyLaunched } from '@arena/shared';
import type { EntryParams } from '../access/study.ts';
import type { Outcome, StudySpec } from './spec.ts';
import type { StudyLocks } from './study-lock.ts';
import type { ItemKind, Role, Stage, StudyStore } from './study-store.ts';

export interface StudyDeps {
  store: Store;
  /** The study tables. */
  studyStore: StudyStore;
  /** One step at a time on each study. */
  studyLocks: StudyLocks;
  sessions: Sessions;
  scenarios: ReadonlyMap<string, Scenario>;
  /** The scenario packs (which are private: a study's items should be). */
  packs: readonly PackInfo[];
  /** Null when the agent id can be made, else why not. */
  knownAgent: (id: string) => string | null;
  /** The server's debate creation (agents checked against their seats; sessions start there): an item's debate from its header. */
  createDebate: (request: { header: DebateHeader }, visibility: Visibility) => Promise<{ tokens: Partial<Record<Seat, string>> }>;
  log: (line: string) => void;
  /** The value of an ARENA_ENTRY_SECRET… variable of the server's environment (a study's signed links), or undefined. */
  entrySecret?: (name: string) => string | undefined;
  /** Whether an agent's moves may cost money (an LLM or remote agent): items it argues are capped. */
  paidAgent?: (id: string) => boolean;
}

/** Why the service will not: transports map the code (401, 403, 404, 409, 503, 400). */
export type RefusalCode = 'unauthorized' | 'forbidden' | 'not-found' | 'conflict' | 'paused' | 'invalid';
/** `kind`: a typed reason, for refusals a caller tells apart (an unsigned study link, a cap on paid agents…). */
export type Refusal = { ok: false; code: RefusalCode; reason: string; kind?: string };
export type Result<T> = { ok: true; value: T } | Refusal;

export const refuse = (code: RefusalCode, reason: string, kind?: string): Refusal => ({ ok: false, code, reason, ...(kind ? { kind } : {}) });

/** A refusal thrown inside the service, returned as a Refusal at its edge. */
export class StudyError extends Error {
  readonly code: RefusalCode;
  readonly kind: string | undefined;

  constructor(code: RefusalCode, message: string, kind?: string) {
    super(message);
    this.code = code;
    this.kind = kind;
    this.name = 'StudyError';
  }
}

/** The panel's ids from the study link's query string. */
export interface PanelEntry {
  pid: string;
  study: string | null;
  session: string | null;
  /** `debater` for the debater link (recruited debaters); judges otherwise. */
  role?: Role;
  /** The link's entry parameters as sent, and its signature (`sig`), for a study that requires signed links. */
  params?: EntryParams;
  sig?: string | undefined;
}

/** What a participant's page shows now: one stage, nothing else. */
export interface ParticipantPage {
  study: { id: string; title: string };
  stage: Stage;
  role?: Role;
  consentHtml?: string;
  instructionsHtml?: string;
  /** The comprehension quiz under the instructions (without its answers), and the tries left. */
  quiz?: { questions: { question: string; answers: string[] }[]; triesLeft: number; missed: boolean };
  /** The judge's seat of an item, or a recruited debater's seat in a debate; no debate yet while it is being opened or waits for debaters. */
  item?: { position: number; total: number; kind: ItemKind; status: string; debateId: string | null; token: string; seat: string };
  /** The current item waits for a study-wide cap on items argued by paid agents: the typed reason, in words, and when it may start. */
  busy?: { code: string; reason: string; retrySeconds?: number };
  /** Waiting for others: a debater for a judge (may leave), a judge for debaters, or a judge on the waitlist for a place others hold (for up to waitSeconds). */
  lobby?: { waitingSince: number | null; waitSeconds?: number; canLeave: boolean };
  end?: { outcome: Outcome; code: string; redirect: string; feedback?: { item: number; correct: boolean }[] } | null;
  /** When the judge learns whether they were right (the spec's `feedback`): the page shows no verdict's correctness unless `afterEach`. */
  feedback?: 'afterEach' | 'atEnd' | 'never';
  /** The page stops pasting (paste events are reported either way). */
  blockPaste?: boolean;
  /** The spec's post-item questions, asked after a counted item's verdict, and whether this item's are answered. */
  questions?: { set: StudySpec['postItemQuestions']; answered: boolean };
}

/** What launching answers: the shared HTTP type (shared/src/protocol/http.ts). */
export type Launched = StudyLaunched;

export interface StudySummary {
  id: string;
  title: string;
  status: string;
  specHash: string;
  createdAt: number;
}

export interface ExportFile {
  body: string;
  contentType: string;
  filename: string;
}
