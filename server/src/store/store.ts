import type { DebateEvent, DebateHeader, DebateStatus, DebateSummary, TranscriptRecord, Verdict, Visibility } from '@arena/shared';

export type { DebateSummary };
import { migrate } from './migrations.ts';
import { jsonColumn, type Sql } from './sql.ts';

export interface ListFilter {
  status?: DebateStatus;
  visibility?: Visibility;
  preset?: string;
  pack?: string;
  source?: string | null;
  /** created_at bounds, ms. */
  since?: number;
  until?: number;
  limit?: number;
  offset?: number;
}

interface PendingAppend {
  id: string;
  event: DebateEvent;
  status: DebateStatus;
  verdict: Verdict | null;
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface DebateRow {
  id: string;
  header: DebateHeader;
  status: DebateStatus;
  verdict: Verdict | null;
  scenario_id: string;
  pack: string | null;
  preset: string;
  source: string | null;
  created_at: number;
  updated_at: number;
  visibility: Visibility;
}

interface EventRow {
  seq: number;
  at: number;
  seat: DebateEvent['seat'];
  action: DebateEvent['action'];
  meta: Record<string, unknown> | null;
}

/**
 * Durable transcripts: a header plus append-only events per debate. The status and
 * verdict columns are derived (by the engine) and stored beside them for listing.
 */
export class Store {
  /**
   * The connection, for modules that keep tables of their own in the same database
   * (server/src/studies/study-store.ts): they write SQL both back ends accept and read
   * JSON columns through jsonColumn().
   */
  readonly sql: Sql;

  constructor(sql: Sql) {
    this.sql = sql;
  }

  /** Which back end this is, as the health check reports it. */
  get kind(): Sql['kind'] {
    return this.sql.kind;
  }

  /** A round trip to the database (the health check). */
  async ping(): Promise<void> {
    await this.sql.query('SELECT 1');
  }

  async migrate(): Promise<number[]> {
    return migrate(this.sql);
  }

  /** Creates a debate; returns false (and changes nothing) if the id exists. */
  async createDebate(header: DebateHeader, status: DebateStatus = 'waiting', verdict: Verdict | null = null, visibility: Visibility = 'public'): Promise<boolean> {
    const rows = await this.sql.query(
      `INSERT INTO debates (id, header, status, verdict, scenario_id, pack, preset, source, created_at, updated_at, visibility)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [header.id, header, status, verdict, header.scenario.id, header.scenario.pack ?? null, header.rules.preset, header.source?.name ?? null, header.createdAt, visibility],
    );
    return rows.length === 1;
  }

  /**
   * Appends one event and the state it leads to, atomically; resolves once it is
   * durable. Fails if the seq is taken. Appends from many rooms arriving together
   * are written in one transaction (group commit), which keeps latency flat when
   * hundreds of debates are live on the single-connection embedded database.
   */
  appendEvent(id: string, event: DebateEvent, status: DebateStatus, verdict: Verdict | null): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ id, event, status, verdict, resolve, reject });
      if (!this.flushing) this.flushing = this.flush();
    });
  }

  private pending: PendingAppend[] = [];
  private flushing: Promise<void> | null = null;

  private async flush(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending.splice(0, 500);
      try {
        await this.writeAppends(batch);
        for (const p of batch) p.resolve();
      } catch (err) {
        if (batch.length === 1) {
          batch[0]!.reject(err);
          continue;
        }
        // One bad event must not sink the others: write them one by one.
        for (const p of batch) {
          try {
            await this.writeAppends([p]);
            p.resolve();
          } catch (e) {
            p.reject(e);
          }
        }
      }
    }
    this.flushing = null;
  }

  private async writeAppends(batch: PendingAppend[]): Promise<void> {
    const last = new Map<string, PendingAppend>();
    for (const p of batch) last.set(p.id, p);
    const rows = [...last.values()];
    if (this.sql.dialect === 'sqlite') {
      // In the database's own thread each statement costs microseconds: one request, one commit.
      await this.sql.batch([
        ...batch.map((p) => ({
          text: 'INSERT INTO events (debate_id, seq, at, seat, action, meta) VALUES ($1, $2, $3, $4, $5, $6)',
          params: [p.id, p.event.seq, p.event.at, p.event.seat, p.event.action, p.event.meta ?? null],
        })),
        ...rows.map((p) => ({
          text: 'UPDATE debates SET status = $2, verdict = $3, updated_at = $4 WHERE id = $1',
          params: [p.id, p.status, p.verdict, p.event.at],
        })),
      ]);
      return;
    }
    // Postgres: two statements whatever the batch size, each a network round trip.
    await this.sql.batch([
      {
        text: `INSERT INTO events (debate_id, seq, at, seat, action, meta)
         SELECT d, s, a, st, act::jsonb, m::jsonb FROM unnest($1::text[], $2::int[], $3::float8[], $4::text[], $5::text[], $6::text[]) AS t(d, s, a, st, act, m)`,
        params: [
          batch.map((p) => p.id),
          batch.map((p) => p.event.seq),
          batch.map((p) => p.event.at),
          batch.map((p) => p.event.seat),
          batch.map((p) => JSON.stringify(p.event.action)),
          batch.map((p) => (p.event.meta ? JSON.stringify(p.event.meta) : null)),
        ],
      },
      {
        text: `UPDATE debates SET status = u.st, verdict = u.v::jsonb, updated_at = u.a
         FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[]) AS u(id, st, v, a) WHERE debates.id = u.id`,
        params: [rows.map((p) => p.id), rows.map((p) => p.status), rows.map((p) => (p.verdict ? JSON.stringify(p.verdict) : null)), rows.map((p) => p.event.at)],
      },
    ]);
  }

  /** Stores a whole transcript (an import, a batch debate) unless its id exists. */
  async saveTranscript(record: TranscriptRecord, visibility: Visibility = 'public'): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      const store = new Store(tx);
      const created = await store.createDebate(record.header as DebateHeader, record.status, record.verdict, visibility);
      if (!created) return false;
      for (const e of record.events) {
        await tx.query('INSERT INTO events (debate_id, seq, at, seat, action, meta) VALUES ($1, $2, $3, $4, $5, $6)', [
          record.header.id,
          e.seq,
          e.at,
          e.seat,
          e.action,
          e.meta ?? null,
        ]);
      }
      const last = record.events.at(-1);
      if (last) await tx.query('UPDATE debates SET updated_at = $2 WHERE id = $1', [record.header.id, last.at]);
      return true;
    });
  }

  async getTranscript(id: string): Promise<TranscriptRecord | null> {
    const [row] = await this.sql.query<DebateRow>('SELECT * FROM debates WHERE id = $1', [id]);
    if (!row) return null;
    const events = await this.sql.query<EventRow>('SELECT seq, at, seat, action, meta FROM events WHERE debate_id = $1 ORDER BY seq', [id]);
    return toRecord(row, events);
  }

  async summary(id: string): Promise<DebateSummary | null> {
    const [row] = await this.sql.query<DebateRow>('SELECT * FROM debates WHERE id = $1', [id]);
    return row ? toSummary(row) : null;
  }

  /** The debates that are not over (waiting or running), oldest first: the server resumes them at start. */
  async liveDebateIds(): Promise<string[]> {
    const rows = await this.sql.query<{ id: string }>(`SELECT id FROM debates WHERE status IN ('waiting', 'running') ORDER BY created_at, id`);
    return rows.map((r) => r.id);
  }

  async exists(id: string): Promise<boolean> {
    return (await this.sql.query('SELECT 1 FROM debates WHERE id = $1', [id])).length > 0;
  }

  async listDebates(filter: ListFilter = {}): Promise<DebateSummary[]> {
    const { where, params } = whereClause(filter);
    params.push(filter.limit ?? 1000, filter.offset ?? 0);
    const rows = await this.sql.query<DebateRow>(
      `SELECT * FROM debates ${where} ORDER BY created_at DESC, id LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return rows.map(toSummary);
  }

  async countDebates(filter: ListFilter = {}): Promise<number> {
    const { where, params } = whereClause(filter);
    const [row] = await this.sql.query<{ n: number | string }>(`SELECT count(*) AS n FROM debates ${where}`, params);
    return Number(row?.n ?? 0);
  }

  /** Every transcript matching the filter, oldest first, a page at a time. */
  async *transcripts(filter: ListFilter = {}, pageSize = 200): AsyncGenerator<TranscriptRecord> {
    const { where, params } = whereClause(filter);
    for (let offset = 0; ; offset += pageSize) {
      const rows = await this.sql.query<DebateRow>(
        `SELECT * FROM debates ${where} ORDER BY created_at, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, pageSize, offset],
      );
      if (rows.length === 0) return;
      const ids = rows.map((r) => r.id);
      const events = await this.sql.query<EventRow & { debate_id: string }>(
        `SELECT debate_id, seq, at, seat, action, meta FROM events WHERE debate_id IN (${ids.map((_, i) => `$${i + 1}`).join(', ')}) ORDER BY debate_id, seq`,
        ids,
      );
      const byId = new Map<string, EventRow[]>();
      for (const e of events) {
        const list = byId.get(e.debate_id) ?? [];
        list.push(e);
        byId.set(e.debate_id, list);
      }
      for (const row of rows) yield toRecord(row, byId.get(row.id) ?? []);
      if (rows.length < pageSize) return;
    }
  }

  /** Creates a debate and the secret tokens of its human seats, in one transaction. */
  async createDebateWithTokens(header: DebateHeader, tokens: Partial<Record<string, string>>, visibility: Visibility = 'public'): Promise<void> {
    await this.sql.transaction(async (tx) => {
      const store = new Store(tx);
      if (!(await store.createDebate(header, 'waiting', null, visibility))) throw new Error(`debate ${header.id} exists`);
      await store.setSeatTokens(header.id, tokens);
    });
  }

  /** Makes a debate public or private (e.g. private once it is being re-judged). */
  async setVisibility(id: string, visibility: Visibility): Promise<void> {
    await this.sql.query('UPDATE debates SET visibility = $2 WHERE id = $1', [id, visibility]);
  }

  /** Records the secret token of each human seat (seat links carry it). */
  async setSeatTokens(id: string, tokens: Partial<Record<string, string>>): Promise<void> {
    for (const [seat, token] of Object.entries(tokens)) {
      await this.sql.query('INSERT INTO seat_tokens (debate_id, seat, token) VALUES ($1, $2, $3)', [id, seat, token]);
    }
  }

  async seatTokens(id: string): Promise<Map<string, { token: string; claimed: boolean }>> {
    const rows = await this.sql.query<{ seat: string; token: string; claimed: boolean }>(
      'SELECT seat, token, claimed FROM seat_tokens WHERE debate_id = $1',
      [id],
    );
    // SQLite keeps booleans as 0 and 1.
    return new Map(rows.map((r) => [r.seat, { token: r.token, claimed: Boolean(r.claimed) }]));
  }

  /** Marks an open seat as claimed; false if someone claimed it first. */
  async claimSeat(id: string, seat: string): Promise<boolean> {
    const rows = await this.sql.query(
      'UPDATE seat_tokens SET claimed = true WHERE debate_id = $1 AND seat = $2 AND claimed = false RETURNING seat',
      [id, seat],
    );
    return rows.length === 1;
  }

  /** Every debate's id and source, oldest first. */
  async debateSources(): Promise<{ id: string; source: string | null }[]> {
    return this.sql.query<{ id: string; source: string | null }>('SELECT id, source FROM debates ORDER BY created_at, id');
  }

  /**
   * Every debate that is over or imported (the candidates for re-judging): id, source,
   * pack and the study that made it (null for others), oldest first.
   */
  async storedDebates(): Promise<{ id: string; source: string | null; pack: string | null; study: string | null }[]> {
    return this.sql.query(
      `SELECT id, source, pack, header->'meta'->'study'->>'id' AS study FROM debates
       WHERE source IS NOT NULL OR status IN ('finished', 'ended') ORDER BY created_at, id`,
    );
  }

  /** The debates of one source whose header's `meta[key]` is `value`, oldest first. */
  async debatesWithMeta(source: string, key: string, value: string): Promise<{ id: string; status: DebateStatus; createdAt: number; header: DebateHeader; verdict: Verdict | null }[]> {
    // The key is spelled into the SQL (a parameter there is ambiguous to Postgres), so it must be a plain name.
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`invalid meta key "${key}"`);
    const rows = await this.sql.query<Pick<DebateRow, 'id' | 'status' | 'created_at' | 'header' | 'verdict'>>(
      `SELECT id, status, created_at, header, verdict FROM debates WHERE source = $1 AND header->'meta'->>'${key}' = $2 ORDER BY created_at, id`,
      [source, value],
    );
    return rows.map((r) => ({ id: r.id, status: r.status, createdAt: Number(r.created_at), header: json(r.header), verdict: json(r.verdict) }));
  }

  close(): Promise<void> {
    return this.sql.close();
  }
}

const json = jsonColumn;

function whereClause(filter: ListFilter): { where: string; params: unknown[] } {
  const conds: string[] = [];
  const params: unknown[] = [];
  const add = (cond: string, value: unknown) => {
    params.push(value);
    conds.push(cond.replace('?', `$${params.length}`));
  };
  if (filter.status) add('status = ?', filter.status);
  if (filter.visibility) add('visibility = ?', filter.visibility);
  if (filter.preset) add('preset = ?', filter.preset);
  if (filter.pack) add('pack = ?', filter.pack);
  if (filter.source === null) conds.push('source IS NULL');
  else if (filter.source) add('source = ?', filter.source);
  if (filter.since !== undefined) add('created_at >= ?', filter.since);
  if (filter.until !== undefined) add('created_at < ?', filter.until);
  return { where: conds.length ? `WHERE ${conds.join(' AND ')}` : '', params };
}

function toRecord(row: DebateRow, events: EventRow[]): TranscriptRecord {
  return {
    header: json(row.header),
    status: row.status,
    verdict: json(row.verdict),
    events: events.map((e) => ({ seq: e.seq, at: e.at, seat: e.seat, action: json(e.action), ...(e.meta ? { meta: json(e.meta) } : {}) })),
  } as TranscriptRecord;
}

function toSummary(row: DebateRow): DebateSummary {
  const header = json(row.header);
  const verdict = json(row.verdict);
  return {
    id: row.id,
    scenarioId: row.scenario_id,
    title: header.scenario.title,
    pack: row.pack,
    preset: row.preset,
    source: row.source,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    visibility: row.visibility,
    outcome:
      row.status === 'finished' && verdict
        ? { correct: verdict.correct, judgeScore: verdict.judgeScore, continues: verdict.continues }
        : null,
  };
}
