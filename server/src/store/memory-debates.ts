import type { DebateEvent, DebateHeader, DebateStatus, TranscriptRecord, Verdict, Visibility } from '@arena/shared';
import { metaAt, OwnershipLost, summaryOf, type DebateStore, type StoredSummary, type StoredDebateRow, type DebateWithMeta, type ListFilter, type StoredDebate } from './store.ts';

interface Debate extends StoredDebateRow {
  /** By seq. */
  events: Map<number, DebateEvent>;
  seats: Map<string, { token: string; claimed: boolean }>;
  /** The fencing token of the debate's current owner (see claimDebate). */
  ownerEpoch: number;
}

/** Values go in and come out as copies, as they would through a database. */
const copy = structuredClone;

/**
 * The debate store in memory, for tests and benchmarks that need no database: the same
 * rules as the SQL store (one event per seq, one claim per seat, a transcript or a
 * debate with its tokens written whole or not at all), checked by the same contract
 * suite. Nothing survives the process.
 */
export class MemoryDebateStore implements DebateStore {
  readonly kind = 'memory';
  private readonly debates = new Map<string, Debate>();
  private closed = false;

  async ping(): Promise<void> {
    this.open();
  }

  async createDebate(header: DebateHeader, status: DebateStatus, verdict: Verdict | null, visibility: Visibility): Promise<boolean> {
    this.open();
    if (this.debates.has(header.id)) return false;
    this.debates.set(header.id, this.newDebate(header, status, verdict, visibility));
    return true;
  }

  async createDebateWithTokens(header: DebateHeader, tokens: Partial<Record<string, string>>, visibility: Visibility): Promise<void> {
    this.open();
    if (this.debates.has(header.id)) throw new Error(`debate ${header.id} exists`);
    const debate = this.newDebate(header, 'waiting', null, visibility);
    for (const [seat, token] of Object.entries(tokens)) if (token !== undefined) debate.seats.set(seat, { token, claimed: false });
    this.debates.set(header.id, debate);
  }

  async appendEvent(id: string, event: DebateEvent, status: DebateStatus, verdict: Verdict | null, epoch: number | null = null): Promise<void> {
    const debate = this.debate(id);
    if (epoch !== null && epoch !== debate.ownerEpoch) throw new OwnershipLost(id, event.seq);
    if (debate.events.has(event.seq)) throw new Error(`debate ${id}: event ${event.seq} exists`);
    debate.events.set(event.seq, copy(event));
    debate.status = status;
    debate.verdict = copy(verdict);
    debate.updatedAt = event.at;
  }

  async claimDebate(id: string): Promise<number | null> {
    this.open();
    const debate = this.debates.get(id);
    if (!debate) return null;
    return ++debate.ownerEpoch;
  }

  async saveTranscript(record: TranscriptRecord, visibility: Visibility): Promise<boolean> {
    this.open();
    const header = record.header as DebateHeader;
    if (this.debates.has(header.id)) return false;
    const debate = this.newDebate(header, record.status, record.verdict, visibility);
    for (const e of record.events) {
      if (debate.events.has(e.seq)) throw new Error(`debate ${header.id}: event ${e.seq} exists`);
      debate.events.set(e.seq, copy(e));
    }
    const last = record.events.at(-1);
    if (last) debate.updatedAt = last.at;
    this.debates.set(header.id, debate);
    return true;
  }

  async getTranscript(id: string): Promise<TranscriptRecord | null> {
    this.open();
    const d = this.debates.get(id);
    return d ? recordOf(d) : null;
  }

  async summary(id: string): Promise<StoredSummary | null> {
    this.open();
    const d = this.debates.get(id);
    return d ? summaryOf(d) : null;
  }

  async liveDebateIds(): Promise<string[]> {
    return this.oldestFirst({}).filter((d) => d.status === 'waiting' || d.status === 'running').map((d) => d.header.id);
  }

  async exists(id: string): Promise<boolean> {
    this.open();
    return this.debates.has(id);
  }

  async listDebates(filter: ListFilter = {}): Promise<StoredSummary[]> {
    const offset = filter.offset ?? 0;
    const newestFirst = this.matching(filter).sort((a, b) => b.createdAt - a.createdAt || byId(a, b));
    return newestFirst.slice(offset, offset + (filter.limit ?? 1000)).map(summaryOf);
  }

  async countDebates(filter: ListFilter = {}): Promise<number> {
    return this.matching(filter).length;
  }

  async *transcripts(filter: ListFilter = {}, pageSize = 200): AsyncGenerator<TranscriptRecord> {
    for (let offset = 0; ; offset += pageSize) {
      const page = this.oldestFirst(filter).slice(offset, offset + pageSize);
      for (const d of page) yield recordOf(d);
      if (page.length < pageSize) return;
    }
  }

  async setVisibility(id: string, visibility: Visibility): Promise<void> {
    this.open();
    const d = this.debates.get(id);
    if (d) d.visibility = visibility;
  }

  async setSeatTokens(id: string, tokens: Partial<Record<string, string>>): Promise<void> {
    const debate = this.debate(id);
    const given = Object.entries(tokens).filter((e): e is [string, string] => e[1] !== undefined);
    for (const [seat] of given) if (debate.seats.has(seat)) throw new Error(`debate ${id}: seat ${seat} has a token`);
    for (const [seat, token] of given) debate.seats.set(seat, { token, claimed: false });
  }

  async seatTokens(id: string): Promise<Map<string, { token: string; claimed: boolean }>> {
    this.open();
    return new Map([...(this.debates.get(id)?.seats ?? [])].map(([seat, t]) => [seat, { ...t }]));
  }

  async claimSeat(id: string, seat: string): Promise<boolean> {
    this.open();
    const t = this.debates.get(id)?.seats.get(seat);
    if (!t || t.claimed) return false;
    t.claimed = true;
    return true;
  }

  async debateSources(): Promise<{ id: string; source: string | null }[]> {
    return this.oldestFirst({}).map((d) => ({ id: d.header.id, source: d.header.source?.name ?? null }));
  }

  async storedDebates(): Promise<StoredDebate[]> {
    return this.oldestFirst({})
      .filter((d) => d.header.source || d.status === 'finished' || d.status === 'ended')
      .map((d) => ({ id: d.header.id, source: d.header.source?.name ?? null, pack: d.header.scenario.pack ?? null, meta: d.header.meta ? copy(d.header.meta) : null }));
  }

  async debatesWithMeta(source: string, key: string, value: string): Promise<DebateWithMeta[]> {
    return this.oldestFirst({ source, meta: { [key]: value } }).map((d) => ({
      id: d.header.id,
      status: d.status,
      createdAt: d.createdAt,
      header: copy(d.header),
      verdict: copy(d.verdict),
    }));
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private open(): void {
    if (this.closed) throw new Error('the store is closed');
  }

  private debate(id: string): Debate {
    this.open();
    const d = this.debates.get(id);
    if (!d) throw new Error(`no debate "${id}"`);
    return d;
  }

  private newDebate(header: DebateHeader, status: DebateStatus, verdict: Verdict | null, visibility: Visibility): Debate {
    return {
      header: copy(header),
      status,
      verdict: copy(verdict),
      createdAt: header.createdAt,
      updatedAt: header.createdAt,
      visibility,
      events: new Map(),
      seats: new Map(),
      ownerEpoch: 0,
    };
  }

  private matching(filter: ListFilter): Debate[] {
    this.open();
    return [...this.debates.values()].filter((d) => matches(d, filter));
  }

  private oldestFirst(filter: ListFilter): Debate[] {
    return this.matching(filter).sort((a, b) => a.createdAt - b.createdAt || byId(a, b));
  }
}

const byId = (a: Debate, b: Debate) => (a.header.id < b.header.id ? -1 : a.header.id > b.header.id ? 1 : 0);

function matches(d: Debate, f: ListFilter): boolean {
  const h = d.header;
  const source = h.source?.name ?? null;
  if (f.status && d.status !== f.status) return false;
  if (f.visibility && d.visibility !== f.visibility) return false;
  if (f.preset && h.rules.preset !== f.preset) return false;
  if (f.pack && h.scenario.pack !== f.pack) return false;
  if (f.exceptScenarios?.includes(h.scenario.id)) return false;
  if (f.source === null && source !== null) return false;
  if (f.source && source !== f.source) return false;
  if (f.since !== undefined && d.createdAt < f.since) return false;
  if (f.until !== undefined && d.createdAt >= f.until) return false;
  for (const [path, value] of Object.entries(f.meta ?? {})) if (metaAt(h, path) !== value) return false;
  if (f.parent !== undefined && h.parent?.id !== f.parent) return false;
  return true;
}

function recordOf(d: Debate): TranscriptRecord {
  const events = [...d.events.values()].sort((a, b) => a.seq - b.seq);
  return { header: copy(d.header), status: d.status, verdict: copy(d.verdict), events: copy(events) } as TranscriptRecord;
}
