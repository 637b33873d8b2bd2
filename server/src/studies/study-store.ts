/**
 * The studies' tables (migration 3): studies, participants, the researcher-only panel ids,
 * the pool of slots, each participant's items, and the bonus ledger. Kept over SQL
 * (SqlStudyStore: plain SQL that runs on the embedded database and on Postgres) or in
 * memory (study-store-memory.ts); both pass one contract suite.
 */
import type { TranscriptRecord } from '@arena/shared';
import { jsonColumn, type Sql } from '../store/sql.ts';
import type { DebateStore } from '../store/store.ts';
import type { Slot, SlotStatus } from './assignment.ts';
import type { Outcome, StudySpec } from './spec.ts';

export type StudyStatus = 'running' | 'paused' | 'closed';
export type Stage = 'consent' | 'instructions' | 'lobby' | 'items' | 'done';
/** A recruited debater's items are their debates (kind `debate`); everyone else judges. */
export type ItemKind = 'practice' | 'item' | 'check' | 'debate';
export type Role = 'judge' | 'debater';
export type ItemStatus = 'pending' | 'open' | 'done' | 'abandoned';

export interface StudyRow {
  id: string;
  spec: StudySpec;
  specHash: string;
  status: StudyStatus;
  secret: string;
  createdAt: number;
  updatedAt: number;
}

export interface ParticipantRow {
  studyId: string;
  participant: string;
  token: string;
  role: Role;
  stage: Stage;
  outcome: Outcome | null;
  position: number;
  failedChecks: number;
  flags: string[];
  enteredAt: number;
  consentedAt: number | null;
  finishedAt: number | null;
  lastSeen: number;
  /** A judge waiting for recruited debaters on their current item, or a debater in the lobby: since when. */
  waitingSince: number | null;
}

export interface ItemRow {
  participant: string;
  position: number;
  kind: ItemKind;
  slot: string | null;
  scenarioId: string;
  condition: string;
  debateId: string | null;
  status: ItemStatus;
  startedAt: number | null;
  finishedAt: number | null;
  /** The seat a recruited debater plays (debate items only). */
  seat?: string | null;
  /** Integrity signals the page reported: paste events, ms the page was hidden, ms it lost focus. */
  pastes?: number;
  hiddenMs?: number;
  blurMs?: number;
  /** Answers to the spec's post-item questions, by question id (null until given). */
  answers?: Record<string, string | number> | null;
}

/** What a participant's page reports about an item since its last report. */
export interface ItemSignals {
  pastes: number;
  hiddenMs: number;
  blurMs: number;
}

export interface SlotRow extends Slot {
  scenarioId: string;
  participant: string | null;
  /** Times the slot was drawn: more than one means it was refilled after a dropout. */
  draws: number;
}

export interface PanelIds {
  participant: string;
  pid: string;
  study: string | null;
  session: string | null;
}

const n = (x: unknown): number => Number(x);
const nn = (x: unknown): number | null => (x === null || x === undefined ? null : Number(x));

function toParticipant(r: Record<string, unknown>): ParticipantRow {
  return {
    studyId: r.study_id as string,
    participant: r.participant as string,
    token: r.token as string,
    role: ((r.role as Role | null) ?? 'judge'),
    stage: r.stage as Stage,
    outcome: (r.outcome as Outcome | null) ?? null,
    position: n(r.position),
    failedChecks: n(r.failed_checks),
    flags: jsonColumn(r.flags as string[] | string | null) ?? [],
    enteredAt: n(r.entered_at),
    consentedAt: nn(r.consented_at),
    finishedAt: nn(r.finished_at),
    lastSeen: n(r.last_seen),
    waitingSince: nn(r.waiting_since),
  };
}

function toItem(r: Record<string, unknown>): ItemRow {
  return {
    participant: r.participant as string,
    position: n(r.position),
    kind: r.kind as ItemKind,
    slot: (r.slot as string | null) ?? null,
    scenarioId: r.scenario_id as string,
    condition: r.condition as string,
    debateId: (r.debate_id as string | null) ?? null,
    status: r.status as ItemStatus,
    startedAt: nn(r.started_at),
    finishedAt: nn(r.finished_at),
    seat: (r.seat as string | null) ?? null,
    pastes: n(r.pastes ?? 0),
    hiddenMs: n(r.hidden_ms ?? 0),
    blurMs: n(r.blur_ms ?? 0),
    answers: jsonColumn(r.answers as Record<string, string | number> | string | null) ?? null,
  };
}

/** The participant fields a step may change. */
export type ParticipantUpdate = Partial<Pick<ParticipantRow, 'stage' | 'outcome' | 'position' | 'failedChecks' | 'flags' | 'consentedAt' | 'finishedAt' | 'lastSeen' | 'waitingSince'>>;
/** The item fields a step may change. */
export type ItemUpdate = Partial<Pick<ItemRow, 'status' | 'debateId' | 'startedAt' | 'finishedAt' | 'slot' | 'scenarioId' | 'condition'>>;
/** A bonus recorded as paid. */
export interface LedgerEntry {
  participant: string;
  amount: number;
  batch: string;
  paidAt: number;
}

/** The study tables. */
export interface StudyStore {
  create(study: Omit<StudyRow, 'updatedAt'>, slots: readonly Slot[]): Promise<boolean>;
  get(id: string): Promise<StudyRow | null>;
  /** Newest first. */
  list(): Promise<StudyRow[]>;
  setStatus(id: string, status: StudyStatus): Promise<void>;
  /** Adds a participant and their panel ids (kept only in the researcher-only table), in one transaction; fails if the participant exists. */
  addParticipant(p: ParticipantRow, panel: Omit<PanelIds, 'participant'>): Promise<void>;
  participant(studyId: string, participant: string): Promise<ParticipantRow | null>;
  participantByToken(studyId: string, token: string): Promise<ParticipantRow | null>;
  /** In order of arrival. */
  participants(studyId: string): Promise<ParticipantRow[]>;
  updateParticipant(studyId: string, participant: string, fields: ParticipantUpdate): Promise<void>;
  panelIds(studyId: string): Promise<Map<string, PanelIds>>;
  /** By cell, then trial. */
  slots(studyId: string): Promise<SlotRow[]>;
  /** Adds top-up slots (trials beyond the plan) to a study's pool, open. */
  addSlots(studyId: string, slots: readonly Slot[]): Promise<void>;
  /** Sets a slot's status and holder; each assignment counts as a draw. */
  setSlot(studyId: string, slot: string, status: SlotStatus, participant: string | null): Promise<void>;
  /** Adds items in one transaction. */
  addItems(studyId: string, items: readonly ItemRow[]): Promise<void>;
  /** One participant's items by position, or everyone's by participant and position. */
  items(studyId: string, participant?: string): Promise<ItemRow[]>;
  itemsByDebate(debateId: string): Promise<(ItemRow & { studyId: string })[]>;
  updateItem(studyId: string, participant: string, position: number, fields: ItemUpdate): Promise<void>;
  /** Records the answers to an item's post-item questions. */
  setAnswers(studyId: string, participant: string, position: number, answers: Record<string, string | number>): Promise<void>;
  /** Adds the signals a page reported to an item's totals. */
  addSignals(studyId: string, participant: string, position: number, signals: ItemSignals): Promise<void>;
  ledger(studyId: string): Promise<LedgerEntry[]>;
  recordPaid(studyId: string, batch: string, entries: readonly { participant: string; amount: number }[]): Promise<string[]>;
}

/** The study tables in the database. */
export class SqlStudyStore implements StudyStore {
  private readonly sql: Sql;

  constructor(sql: Sql) {
    this.sql = sql;
  }

  async create(study: Omit<StudyRow, 'updatedAt'>, slots: readonly Slot[]): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      const rows = await tx.query(
        `INSERT INTO studies (id, spec, spec_hash, status, secret, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [study.id, study.spec, study.specHash, study.status, study.secret, study.createdAt],
      );
      if (rows.length === 0) return false;
      for (const s of slots) {
        await tx.query(
          `INSERT INTO study_slots (study_id, slot, cell, scenario_id, condition, question_key, story_key, trial, status, original_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9)`,
          [study.id, s.id, s.cell, s.scenarioId, s.condition, s.questionKey, s.storyKey, s.trial, s.originalId ?? null],
        );
      }
      return true;
    });
  }

  async get(id: string): Promise<StudyRow | null> {
    const [r] = await this.sql.query('SELECT * FROM studies WHERE id = $1', [id]);
    return r ? this.toStudy(r) : null;
  }

  async list(): Promise<StudyRow[]> {
    return (await this.sql.query('SELECT * FROM studies ORDER BY created_at DESC')).map((r) => this.toStudy(r));
  }

  private toStudy(r: Record<string, unknown>): StudyRow {
    return { id: r.id as string, spec: jsonColumn(r.spec as StudySpec | string), specHash: r.spec_hash as string, status: r.status as StudyStatus, secret: r.secret as string, createdAt: n(r.created_at), updatedAt: n(r.updated_at) };
  }

  async setStatus(id: string, status: StudyStatus): Promise<void> {
    await this.sql.query('UPDATE studies SET status = $2, updated_at = $3 WHERE id = $1', [id, status, Date.now()]);
  }

  async addParticipant(p: ParticipantRow, panel: Omit<PanelIds, 'participant'>): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO study_participants (study_id, participant, token, stage, outcome, position, failed_checks, flags, entered_at, last_seen, role)
         VALUES ($1, $2, $3, $4, $5, 0, 0, '[]', $6, $6, $7)`,
        [p.studyId, p.participant, p.token, p.stage, p.outcome, p.enteredAt, p.role],
      );
      await tx.query('INSERT INTO study_panel_ids (study_id, participant, panel_pid, panel_study, panel_session) VALUES ($1, $2, $3, $4, $5)', [
        p.studyId,
        p.participant,
        panel.pid,
        panel.study,
        panel.session,
      ]);
    });
  }

  async participant(studyId: string, participant: string): Promise<ParticipantRow | null> {
    const [r] = await this.sql.query('SELECT * FROM study_participants WHERE study_id = $1 AND participant = $2', [studyId, participant]);
    return r ? toParticipant(r) : null;
  }

  async participantByToken(studyId: string, token: string): Promise<ParticipantRow | null> {
    const [r] = await this.sql.query('SELECT * FROM study_participants WHERE study_id = $1 AND token = $2', [studyId, token]);
    return r ? toParticipant(r) : null;
  }

  async participants(studyId: string): Promise<ParticipantRow[]> {
    return (await this.sql.query('SELECT * FROM study_participants WHERE study_id = $1 ORDER BY entered_at, participant', [studyId])).map(toParticipant);
  }

  async updateParticipant(
    studyId: string,
    participant: string,
    fields: ParticipantUpdate,
  ): Promise<void> {
    const columns: Record<string, string> = {
      stage: 'stage',
      outcome: 'outcome',
      position: 'position',
      failedChecks: 'failed_checks',
      flags: 'flags',
      consentedAt: 'consented_at',
      finishedAt: 'finished_at',
      lastSeen: 'last_seen',
      waitingSince: 'waiting_since',
    };
    const sets: string[] = [];
    const params: unknown[] = [studyId, participant];
    for (const [k, v] of Object.entries(fields)) {
      params.push(k === 'flags' ? JSON.stringify(v) : v);
      sets.push(`${columns[k]} = $${params.length}${k === 'flags' ? '::jsonb' : ''}`);
    }
    if (sets.length) await this.sql.query(`UPDATE study_participants SET ${sets.join(', ')} WHERE study_id = $1 AND participant = $2`, params);
  }

  async panelIds(studyId: string): Promise<Map<string, PanelIds>> {
    const rows = await this.sql.query<Record<string, string | null>>('SELECT * FROM study_panel_ids WHERE study_id = $1', [studyId]);
    return new Map(rows.map((r) => [r.participant as string, { participant: r.participant as string, pid: r.panel_pid as string, study: r.panel_study ?? null, session: r.panel_session ?? null }]));
  }

  async slots(studyId: string): Promise<SlotRow[]> {
    const rows = await this.sql.query('SELECT * FROM study_slots WHERE study_id = $1 ORDER BY cell, trial', [studyId]);
    return rows.map((r) => ({
      id: r.slot as string,
      cell: r.cell as string,
      scenarioId: r.scenario_id as string,
      condition: r.condition as string,
      ...(r.original_id ? { originalId: r.original_id as string } : {}),
      questionKey: r.question_key as string,
      storyKey: r.story_key as string,
      trial: n(r.trial),
      status: r.status as SlotStatus,
      participant: (r.participant as string | null) ?? null,
      draws: n(r.draws),
    }));
  }

  /** Adds top-up slots (trials beyond the plan) to a study's pool, open. */
  async addSlots(studyId: string, slots: readonly Slot[]): Promise<void> {
    for (const s of slots) {
      await this.sql.query(
        `INSERT INTO study_slots (study_id, slot, cell, scenario_id, condition, question_key, story_key, trial, status, original_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9)`,
        [studyId, s.id, s.cell, s.scenarioId, s.condition, s.questionKey, s.storyKey, s.trial, s.originalId ?? null],
      );
    }
  }

  async setSlot(studyId: string, slot: string, status: SlotStatus, participant: string | null): Promise<void> {
    await this.sql.query(
      `UPDATE study_slots SET status = $3, participant = $4, draws = draws + CASE WHEN $3 = 'assigned' THEN 1 ELSE 0 END WHERE study_id = $1 AND slot = $2`,
      [studyId, slot, status, participant],
    );
  }

  async addItems(studyId: string, items: readonly ItemRow[]): Promise<void> {
    await this.sql.transaction(async (tx) => {
      for (const i of items) {
        await tx.query(
          `INSERT INTO study_items (study_id, participant, position, kind, slot, scenario_id, condition, debate_id, status, started_at, seat) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [studyId, i.participant, i.position, i.kind, i.slot, i.scenarioId, i.condition, i.debateId, i.status, i.startedAt, i.seat ?? null],
        );
      }
    });
  }

  async items(studyId: string, participant?: string): Promise<ItemRow[]> {
    const rows = participant
      ? await this.sql.query('SELECT * FROM study_items WHERE study_id = $1 AND participant = $2 ORDER BY position', [studyId, participant])
      : await this.sql.query('SELECT * FROM study_items WHERE study_id = $1 ORDER BY participant, position', [studyId]);
    return rows.map(toItem);
  }

  async itemsByDebate(debateId: string): Promise<(ItemRow & { studyId: string })[]> {
    const rows = await this.sql.query(`SELECT * FROM study_items WHERE debate_id = $1 ORDER BY kind = 'debate', participant`, [debateId]);
    return rows.map((r) => ({ ...toItem(r), studyId: r.study_id as string }));
  }

  async updateItem(
    studyId: string,
    participant: string,
    position: number,
    fields: ItemUpdate,
  ): Promise<void> {
    const columns: Record<string, string> = { status: 'status', debateId: 'debate_id', startedAt: 'started_at', finishedAt: 'finished_at', slot: 'slot', scenarioId: 'scenario_id', condition: 'condition' };
    const sets: string[] = [];
    const params: unknown[] = [studyId, participant, position];
    for (const [k, v] of Object.entries(fields)) {
      params.push(v);
      sets.push(`${columns[k]} = $${params.length}`);
    }
    if (sets.length) await this.sql.query(`UPDATE study_items SET ${sets.join(', ')} WHERE study_id = $1 AND participant = $2 AND position = $3`, params);
  }

  /** Records the answers to an item's post-item questions. */
  async setAnswers(studyId: string, participant: string, position: number, answers: Record<string, string | number>): Promise<void> {
    await this.sql.query('UPDATE study_items SET answers = $4 WHERE study_id = $1 AND participant = $2 AND position = $3', [studyId, participant, position, JSON.stringify(answers)]);
  }

  /** Adds the signals a page reported to an item's totals. */
  async addSignals(studyId: string, participant: string, position: number, s: ItemSignals): Promise<void> {
    await this.sql.query(
      'UPDATE study_items SET pastes = pastes + $4, hidden_ms = hidden_ms + $5, blur_ms = blur_ms + $6 WHERE study_id = $1 AND participant = $2 AND position = $3',
      [studyId, participant, position, s.pastes, s.hiddenMs, s.blurMs],
    );
  }

  async ledger(studyId: string): Promise<LedgerEntry[]> {
    const rows = await this.sql.query('SELECT * FROM study_bonus_ledger WHERE study_id = $1 ORDER BY paid_at, participant', [studyId]);
    return rows.map((r) => ({ participant: r.participant as string, amount: n(r.amount), batch: r.batch as string, paidAt: n(r.paid_at) }));
  }

  async recordPaid(studyId: string, batch: string, entries: readonly { participant: string; amount: number }[]): Promise<string[]> {
    return this.sql.transaction(async (tx) => {
      const recorded: string[] = [];
      for (const e of entries) {
        const rows = await tx.query(
          `INSERT INTO study_bonus_ledger (study_id, participant, amount, batch, paid_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (study_id, participant) DO NOTHING RETURNING participant`,
          [studyId, e.participant, e.amount, batch, Date.now()],
        );
        if (rows.length) recorded.push(e.participant);
      }
      return recorded;
    });
  }
}

/** The header's `meta` path under which a study's debates name it. */
const STUDY_META_ID = 'study.id';

/** Every debate a study created, with its events, oldest first (exports, balance, the dashboard). */
export function studyTranscripts(store: DebateStore, studyId: string): AsyncGenerator<TranscriptRecord> {
  return store.transcripts({ meta: { [STUDY_META_ID]: studyId } });
}
