import type { DebateEvent, DebateHeader, DebateStatus, DebateSummary, TranscriptRecord, Verdict, Visibility } from '@arena/shared';

export type { DebateSummary };

export interface ListFilter {
  /** Leaves out the debates over these scenarios (a running study's items, to anyone outside it). */
  exceptScenarios?: readonly string[];
  status?: DebateStatus;
  visibility?: Visibility;
  preset?: string;
  pack?: string;
  source?: string | null;
  /** created_at bounds, ms. */
  since?: number;
  until?: number;
  /**
   * Values in the header's `meta`, by dotted path of plain names (`study.id` is
   * `header.meta.study.id`): a debate matches when each is that string.
   */
  meta?: Record<string, string>;
  /** Only the forks of this debate (its direct branches: `header.parent.id`). */
  parent?: string;
  limit?: number;
  offset?: number;
}

/** A debate that can be re-judged (see DebateStore.storedDebates). */
export interface StoredDebate {
  id: string;
  source: string | null;
  pack: string | null;
  /** The header's free-form metadata (null when it has none). */
  meta: Record<string, unknown> | null;
}

/** One debate's header and outcome, found by its metadata (see DebateStore.debatesWithMeta). */
export interface DebateWithMeta {
  id: string;
  status: DebateStatus;
  createdAt: number;
  header: DebateHeader;
  verdict: Verdict | null;
}

/**
 * An append refused because another process has taken the debate over since the
 * appender claimed it: its fencing token is no longer the debate's. Nothing was stored.
 */
export class OwnershipLost extends Error {
  override name = 'OwnershipLost';
  constructor(id: string, seq: number) {
    super(`debate ${id}: event ${seq} was not stored: another process now serves this debate`);
  }
}

/**
 * Durable transcripts: a header plus append-only events per debate, the secret tokens
 * of its human seats, and its visibility. The status and verdict are derived (by the
 * engine) and stored beside them for listing. Implemented over SQL (sql-debates.ts:
 * the embedded SQLite database or Postgres) and in memory (memory-debates.ts); both
 * pass one contract suite (tests/integration/store-contract.test.ts).
 */
export interface DebateStore {
  /** Which back end this is, as the health check reports it. */
  readonly kind: 'embedded' | 'postgres' | 'memory';
  /** A round trip to the database (the health check). */
  ping(): Promise<void>;
  /** Creates a debate; false (and nothing changes) if the id exists. A debate is public only when its creator asked. */
  createDebate(header: DebateHeader, status: DebateStatus, verdict: Verdict | null, visibility: Visibility): Promise<boolean>;
  /** Creates a debate and the secret tokens of its human seats, in one transaction; throws `debate <id> exists`. */
  createDebateWithTokens(header: DebateHeader, tokens: Partial<Record<string, string>>, visibility: Visibility): Promise<void>;
  /**
   * Appends one event and the state it leads to, atomically; resolves once it is durable.
   * Fails if the seq is taken, and with OwnershipLost (storing nothing) when `epoch`, the
   * appender's fencing token from claimDebate, is no longer the debate's. A null epoch
   * appends unfenced: only for a tool that has the database to itself.
   */
  appendEvent(id: string, event: DebateEvent, status: DebateStatus, verdict: Verdict | null, epoch?: number | null): Promise<void>;
  /**
   * Takes a debate's session for the caller: raises the debate's fencing token and returns
   * it (null when there is no such debate). From then on appends that carry an older token
   * store nothing; read the debate's events after claiming it, and they are every event
   * that will ever be stored under an older token.
   */
  claimDebate(id: string): Promise<number | null>;
  /** Stores a whole transcript (an import, a batch debate) unless its id exists, in one transaction. */
  saveTranscript(record: TranscriptRecord, visibility: Visibility): Promise<boolean>;
  getTranscript(id: string): Promise<TranscriptRecord | null>;
  summary(id: string): Promise<StoredSummary | null>;
  /** The debates that are not over (waiting or running), oldest first: the server resumes them at start. */
  liveDebateIds(): Promise<string[]>;
  exists(id: string): Promise<boolean>;
  /** Newest first; at most `limit` (default 1000). */
  listDebates(filter?: ListFilter): Promise<StoredSummary[]>;
  countDebates(filter?: ListFilter): Promise<number>;
  /** Every transcript matching the filter, oldest first, a page at a time. */
  transcripts(filter?: ListFilter, pageSize?: number): AsyncGenerator<TranscriptRecord>;
  /** Makes a debate public or private (e.g. private once it is being re-judged). */
  setVisibility(id: string, visibility: Visibility): Promise<void>;
  /** Records the secret token of each human seat (seat links carry it); a seat given twice fails. */
  setSeatTokens(id: string, tokens: Partial<Record<string, string>>): Promise<void>;
  seatTokens(id: string): Promise<Map<string, { token: string; claimed: boolean }>>;
  /** Marks an open seat as claimed; false if someone claimed it first. */
  claimSeat(id: string, seat: string): Promise<boolean>;
  /** Every debate's id and source, oldest first. */
  debateSources(): Promise<{ id: string; source: string | null }[]>;
  /** Every debate that is over or imported (the candidates for re-judging), oldest first. */
  storedDebates(): Promise<StoredDebate[]>;
  /** The debates of one source whose header's `meta[key]` is `value`, oldest first. */
  debatesWithMeta(source: string, key: string, value: string): Promise<DebateWithMeta[]>;
  /** Closes the database (shared with the study and agent-key stores opened with it). */
  close(): Promise<void>;
}

/** The name most of the code knows the debate store by. */
export type Store = DebateStore;

/** The names of a dotted `meta` path, checked: each is spelled into SQL, so each must be a plain name. */
export function metaPath(path: string): string[] {
  const names = path.split('.');
  for (const n of names) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(n)) throw new Error(`invalid meta key "${path}"`);
  return names;
}

/** The value at a dotted `meta` path of a header (undefined when absent). */
export function metaAt(header: DebateHeader, path: string): unknown {
  let v: unknown = header.meta;
  for (const n of metaPath(path)) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[n] : undefined;
  return v;
}

/** What a debate's summary is made from, as every store keeps it. */
export interface StoredDebateRow {
  header: DebateHeader;
  status: DebateStatus;
  verdict: Verdict | null;
  createdAt: number;
  updatedAt: number;
  visibility: Visibility;
}

/**
 * A debate's summary as the store has it: what lists show of it, and whether its rules let
 * a participant learn the outcome (a study that gives no feedback does not). What a caller
 * receives of it is decided by the access policy (`summaryFor`).
 */
export interface StoredSummary extends DebateSummary {
  revealOutcome: boolean;
}

/** A debate's summary: what lists show of it. */
export function summaryOf(d: StoredDebateRow): StoredSummary {
  const { header, status, verdict } = d;
  return {
    id: header.id,
    scenarioId: header.scenario.id,
    title: header.scenario.title,
    pack: header.scenario.pack ?? null,
    preset: header.rules.preset,
    source: header.source?.name ?? null,
    status,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    visibility: d.visibility,
    outcome: status === 'finished' && verdict ? { correct: verdict.correct, judgeScore: verdict.judgeScore, continues: verdict.continues } : null,
    revealOutcome: header.rules.revealOutcome !== false,
  };
}
