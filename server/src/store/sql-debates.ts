import type { DebateEvent, DebateHeader, DebateStatus, TranscriptRecord, Verdict, Visibility } from '@arena/shared';
import { jsonColumn, type Sql } from './sql.ts';
import { metaPath, OwnershipLost, summaryOf, type DebateStore, type StoredSummary, type DebateWithMeta, type ListFilter, type StoredDebate } from './store.ts';

interface PendingAppend {
  id: string;
  event: DebateEvent;
  status: DebateStatus;
  verdict: Verdict | null;
  /** The appender's fencing token; null: unfenced. */
  epoch: number | null;
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
 * The debate store over SQL: the embedded SQLite database or Postgres, through one set
 * of statements both accept (see sql.ts). The status and verdict columns are derived
 * (by the engine) and stored beside the events for listing.
 */
export class SqlDebateStore implements DebateStore {
  private readonly sql: Sql;

  constructor(sql: Sql) {
    this.sql = sql;
  }

  get kind(): Sql['kind'] {
    return this.sql.kind;
  }

  async ping(): Promise<void> {
    await this.sql.query('SELECT 1');
  }

  async createDebate(header: DebateHeader, status: DebateStatus, verdict: Verdict | null, visibility: Visibility): Promise<boolean> {
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
  appendEvent(id: string, event: DebateEvent, status: DebateStatus, verdict: Verdict | null, epoch: number | null = null): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ id, event, status, verdict, epoch, resolve, reject });
      if (!this.flushing) this.flushing = this.flush();
    });
  }

  private pending: PendingAppend[] = [];
  private flushing: Promise<void> | null = null;

  private async flush(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending.splice(0, 500);
      const settle = (p: PendingAppend, stored: Set<PendingAppend>) => (stored.has(p) ? p.resolve() : p.reject(new OwnershipLost(p.id, p.event.seq)));
      try {
        const stored = await this.writeAppends(batch);
        for (const p of batch) settle(p, stored);
      } catch (err) {
        if (batch.length === 1) {
          batch[0]!.reject(err);
          continue;
        }
        // One bad event must not sink the others: write them one by one.
        for (const p of batch) {
          try {
            settle(p, await this.writeAppends([p]));
          } catch (e) {
            p.reject(e);
          }
        }
      }
    }
    this.flushing = null;
  }

  /**
   * Writes a batch of appends in one transaction; returns those stored. An append whose
   * fencing token is not its debate's current one stores nothing (neither its event nor
   * the debate's new status): the debate's row is updated only where the token matches,
   * which locks the row against a concurrent claim, and events are inserted only for the
   * rows so updated.
   */
  private async writeAppends(batch: PendingAppend[]): Promise<Set<PendingAppend>> {
    const last = new Map<string, PendingAppend>();
    for (const p of batch) last.set(p.id, p);
    const rows = [...last.values()];
    let inserted: Record<string, unknown>[];
    if (this.sql.dialect === 'sqlite') {
      // In the database's own thread each statement costs microseconds: one request, one commit.
      const results = await this.sql.batch([
        ...rows.map((p) => ({
          text: 'UPDATE debates SET status = $2, verdict = $3, updated_at = $4 WHERE id = $1 AND ($5 IS NULL OR owner_epoch = $5)',
          params: [p.id, p.status, p.verdict, p.event.at, p.epoch],
        })),
        ...batch.map((p) => ({
          text: `INSERT INTO events (debate_id, seq, at, seat, action, meta)
           SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM debates WHERE id = $1 AND ($7 IS NULL OR owner_epoch = $7))
           RETURNING debate_id, seq`,
          params: [p.id, p.event.seq, p.event.at, p.event.seat, p.event.action, p.event.meta ?? null, p.epoch],
        })),
      ]);
      inserted = results.slice(rows.length).flat();
    } else {
      // Postgres: one statement whatever the batch size, one network round trip.
      [inserted] = (await this.sql.batch([
        {
          text: `WITH fenced AS (
             UPDATE debates SET status = u.st, verdict = u.v::jsonb, updated_at = u.a
             FROM unnest($7::text[], $8::text[], $9::text[], $10::float8[], $11::int[]) AS u(id, st, v, a, e)
             WHERE debates.id = u.id AND (u.e IS NULL OR debates.owner_epoch = u.e)
             RETURNING debates.id)
           INSERT INTO events (debate_id, seq, at, seat, action, meta)
           SELECT d, s, a, st, act::jsonb, m::jsonb FROM unnest($1::text[], $2::int[], $3::float8[], $4::text[], $5::text[], $6::text[]) AS t(d, s, a, st, act, m)
           WHERE t.d IN (SELECT id FROM fenced)
           RETURNING debate_id, seq`,
          params: [
            batch.map((p) => p.id),
            batch.map((p) => p.event.seq),
            batch.map((p) => p.event.at),
            batch.map((p) => p.event.seat),
            batch.map((p) => JSON.stringify(p.event.action)),
            batch.map((p) => (p.event.meta ? JSON.stringify(p.event.meta) : null)),
            rows.map((p) => p.id),
            rows.map((p) => p.status),
            rows.map((p) => (p.verdict ? JSON.stringify(p.verdict) : null)),
            rows.map((p) => p.event.at),
            rows.map((p) => p.epoch),
          ],
        },
      ])) as [Record<string, unknown>[]];
    }
    const stored = new Set(inserted.map((r) => `${String(r.debate_id)}\u0000${Number(r.seq)}`));
    return new Set(batch.filter((p) => stored.has(`${p.id}\u0000${p.event.seq}`)));
  }

  async claimDebate(id: string): Promise<number | null> {
    const rows = await this.sql.query<{ owner_epoch: number }>('UPDATE debates SET owner_epoch = owner_epoch + 1 WHERE id = $1 RETURNING owner_epoch', [id]);
    return rows[0] ? Number(rows[0].owner_epoch) : null;
  }

  async saveTranscript(record: TranscriptRecord, visibility: Visibility): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      const store = new SqlDebateStore(tx);
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

  async summary(id: string): Promise<StoredSummary | null> {
    const [row] = await this.sql.query<DebateRow>('SELECT * FROM debates WHERE id = $1', [id]);
    return row ? toSummary(row) : null;
  }

  async liveDebateIds(): Promise<string[]> {
    const rows = await this.sql.query<{ id: string }>(`SELECT id FROM debates WHERE status IN ('waiting', 'running') ORDER BY created_at, id`);
    return rows.map((r) => r.id);
  }

  async exists(id: string): Promise<boolean> {
    return (await this.sql.query('SELECT 1 FROM debates WHERE id = $1', [id])).length > 0;
  }

  async listDebates(filter: ListFilter = {}): Promise<StoredSummary[]> {
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

  async *transcripts(filter: ListFilter = {}, pageSize = 200): AsyncGenerator<TranscriptRecord> {
    const { where, params } = whereClause(filter);
    // Keyset pages (after the last row's created_at and id), not OFFSET: each page is an index
    // range, so reading every debate stays linear in their number.
    const n = params.length;
    const afterLast = `${where ? `${where} AND` : 'WHERE'} (created_at > $${n + 1} OR (created_at = $${n + 1} AND id > $${n + 2}))`;
    let last: DebateRow | null = null;
    for (;;) {
      const rows: DebateRow[] = await this.sql.query<DebateRow>(
        last
          ? `SELECT * FROM debates ${afterLast} ORDER BY created_at, id LIMIT $${n + 3}`
          : `SELECT * FROM debates ${where} ORDER BY created_at, id LIMIT $${n + 1}`,
        last ? [...params, last.created_at, last.id, pageSize] : [...params, pageSize],
      );
      if (rows.length === 0) return;
      last = rows.at(-1) ?? null;
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

  async createDebateWithTokens(header: DebateHeader, tokens: Partial<Record<string, string>>, visibility: Visibility): Promise<void> {
    await this.sql.transaction(async (tx) => {
      const store = new SqlDebateStore(tx);
      if (!(await store.createDebate(header, 'waiting', null, visibility))) throw new Error(`debate ${header.id} exists`);
      await store.setSeatTokens(header.id, tokens);
    });
  }

  async setVisibility(id: string, visibility: Visibility): Promise<void> {
    await this.sql.query('UPDATE debates SET visibility = $2 WHERE id = $1', [id, visibility]);
  }

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

  async claimSeat(id: string, seat: string): Promise<boolean> {
    const rows = await this.sql.query(
      'UPDATE seat_tokens SET claimed = true WHERE debate_id = $1 AND seat = $2 AND claimed = false RETURNING seat',
      [id, seat],
    );
    return rows.length === 1;
  }

  async debateSources(): Promise<{ id: string; source: string | null }[]> {
    return this.sql.query<{ id: string; source: string | null }>('SELECT id, source FROM debates ORDER BY created_at, id');
  }

  async storedDebates(): Promise<StoredDebate[]> {
    const rows = await this.sql.query<{ id: string; source: string | null; pack: string | null; meta: Record<string, unknown> | string | null }>(
      `SELECT id, source, pack, header->'meta' AS meta FROM debates WHERE source IS NOT NULL OR status IN ('finished', 'ended') ORDER BY created_at, id`,
    );
    return rows.map((r) => ({ id: r.id, source: r.source, pack: r.pack, meta: r.meta === null ? null : json(r.meta) }));
  }

  async debatesWithMeta(source: string, key: string, value: string): Promise<DebateWithMeta[]> {
    const { where, params } = whereClause({ source, meta: { [key]: value } });
    const rows = await this.sql.query<Pick<DebateRow, 'id' | 'status' | 'created_at' | 'header' | 'verdict'>>(
      `SELECT id, status, created_at, header, verdict FROM debates ${where} ORDER BY created_at, id`,
      params,
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
  for (const id of filter.exceptScenarios ?? []) add('scenario_id <> ?', id);
  if (filter.parent !== undefined) add(`header->'parent'->>'id' = ?`, filter.parent);
  // Each name is checked by metaPath and spelled into the SQL (a parameter there is ambiguous to Postgres).
  for (const [path, value] of Object.entries(filter.meta ?? {})) {
    const names = metaPath(path);
    add(`header->'meta'${names.slice(0, -1).map((n) => `->'${n}'`).join('')}->>'${names.at(-1)}' = ?`, value);
  }
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

function toSummary(row: DebateRow): StoredSummary {
  return summaryOf({
    header: json(row.header),
    status: row.status,
    verdict: json(row.verdict),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    visibility: row.visibility,
  });
}
