import type { Slot, SlotStatus } from './assignment.ts';
import type { ItemRow, ItemSignals, ItemUpdate, LedgerEntry, PanelIds, ParticipantRow, ParticipantUpdate, SlotRow, StudyRow, StudyStatus, StudyStore } from './study-store.ts';

interface Study {
  row: StudyRow;
  participants: Map<string, ParticipantRow>;
  panel: Map<string, PanelIds>;
  slots: Map<string, SlotRow>;
  /** By participant, then position. */
  items: Map<string, Map<number, ItemRow>>;
}

const copy = structuredClone;
const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The study tables in memory: the same rules as the SQL store (a study and its pool
 * created whole or not at all, one row per participant, nothing paid twice), checked by
 * the same contract suite. Rows go in and come out as copies.
 */
export class MemoryStudyStore implements StudyStore {
  private readonly studies = new Map<string, Study>();
  /** By study, then participant; kept apart from the studies, as the database keeps the ledger without a reference to them. */
  private readonly ledgers = new Map<string, Map<string, LedgerEntry>>();

  async create(study: Omit<StudyRow, 'updatedAt'>, slots: readonly Slot[]): Promise<boolean> {
    if (this.studies.has(study.id)) return false;
    const pool = new Map<string, SlotRow>();
    for (const s of slots) {
      if (pool.has(s.id)) throw new Error(`study ${study.id}: slot ${s.id} exists`);
      pool.set(s.id, { ...copy(s), status: 'open', participant: null, draws: 0 });
    }
    this.studies.set(study.id, {
      row: { ...copy(study), updatedAt: study.createdAt },
      participants: new Map(),
      panel: new Map(),
      slots: pool,
      items: new Map(),
    });
    return true;
  }

  async get(id: string): Promise<StudyRow | null> {
    const s = this.studies.get(id);
    return s ? copy(s.row) : null;
  }

  async list(): Promise<StudyRow[]> {
    return [...this.studies.values()].map((s) => copy(s.row)).sort((a, b) => b.createdAt - a.createdAt);
  }

  async setStatus(id: string, status: StudyStatus): Promise<void> {
    const s = this.studies.get(id);
    if (s) Object.assign(s.row, { status, updatedAt: Date.now() });
  }

  async addParticipant(p: ParticipantRow, panel: Omit<PanelIds, 'participant'>): Promise<void> {
    const s = this.study(p.studyId);
    if (s.participants.has(p.participant)) throw new Error(`study ${p.studyId}: participant ${p.participant} exists`);
    s.participants.set(p.participant, {
      ...copy(p),
      position: 0,
      failedChecks: 0,
      flags: [],
      lastSeen: p.enteredAt,
      consentedAt: null,
      finishedAt: null,
      waitingSince: null,
    });
    s.panel.set(p.participant, { participant: p.participant, ...copy(panel) });
  }

  async participant(studyId: string, participant: string): Promise<ParticipantRow | null> {
    const p = this.studies.get(studyId)?.participants.get(participant);
    return p ? copy(p) : null;
  }

  async participantByToken(studyId: string, token: string): Promise<ParticipantRow | null> {
    const p = [...(this.studies.get(studyId)?.participants.values() ?? [])].find((x) => x.token === token);
    return p ? copy(p) : null;
  }

  async participants(studyId: string): Promise<ParticipantRow[]> {
    return [...(this.studies.get(studyId)?.participants.values() ?? [])].sort((a, b) => a.enteredAt - b.enteredAt || compare(a.participant, b.participant)).map((r) => copy(r));
  }

  async updateParticipant(studyId: string, participant: string, fields: ParticipantUpdate): Promise<void> {
    const p = this.studies.get(studyId)?.participants.get(participant);
    if (p) Object.assign(p, copy(fields));
  }

  async panelIds(studyId: string): Promise<Map<string, PanelIds>> {
    return new Map([...(this.studies.get(studyId)?.panel ?? [])].map(([k, v]) => [k, copy(v)]));
  }

  async slots(studyId: string): Promise<SlotRow[]> {
    return [...(this.studies.get(studyId)?.slots.values() ?? [])].sort((a, b) => compare(a.cell, b.cell) || a.trial - b.trial).map((r) => copy(r));
  }

  async addSlots(studyId: string, slots: readonly Slot[]): Promise<void> {
    const pool = this.study(studyId).slots;
    for (const s of slots) {
      if (pool.has(s.id)) throw new Error(`study ${studyId}: slot ${s.id} exists`);
      pool.set(s.id, { ...copy(s), status: 'open', participant: null, draws: 0 });
    }
  }

  async setSlot(studyId: string, slot: string, status: SlotStatus, participant: string | null): Promise<void> {
    const s = this.studies.get(studyId)?.slots.get(slot);
    if (!s) return;
    s.status = status;
    s.participant = participant;
    if (status === 'assigned') s.draws++;
  }

  async addItems(studyId: string, items: readonly ItemRow[]): Promise<void> {
    const s = this.study(studyId);
    for (const [n, i] of items.entries()) {
      if (s.items.get(i.participant)?.has(i.position) || items.slice(0, n).some((o) => o.participant === i.participant && o.position === i.position)) {
        throw new Error(`study ${studyId}: item ${i.position} of ${i.participant} exists`);
      }
    }
    for (const i of items) {
      const own = s.items.get(i.participant) ?? new Map<number, ItemRow>();
      own.set(i.position, { ...copy(i), finishedAt: null, seat: i.seat ?? null, pastes: 0, hiddenMs: 0, blurMs: 0, answers: null });
      s.items.set(i.participant, own);
    }
  }

  async items(studyId: string, participant?: string): Promise<ItemRow[]> {
    const all = [...(this.studies.get(studyId)?.items.values() ?? [])].flatMap((m) => [...m.values()]);
    return all
      .filter((i) => participant === undefined || i.participant === participant)
      .sort((a, b) => compare(a.participant, b.participant) || a.position - b.position)
      .map((r) => copy(r));
  }

  async itemsByDebate(debateId: string): Promise<(ItemRow & { studyId: string })[]> {
    const found: (ItemRow & { studyId: string })[] = [];
    for (const [studyId, s] of this.studies) for (const own of s.items.values()) for (const i of own.values()) if (i.debateId === debateId) found.push({ ...copy(i), studyId });
    const last = (i: ItemRow) => (i.kind === 'debate' ? 1 : 0);
    return found.sort((a, b) => last(a) - last(b) || compare(a.participant, b.participant) || a.position - b.position);
  }

  async updateItem(studyId: string, participant: string, position: number, fields: ItemUpdate): Promise<void> {
    const i = this.studies.get(studyId)?.items.get(participant)?.get(position);
    if (i) Object.assign(i, copy(fields));
  }

  async setAnswers(studyId: string, participant: string, position: number, answers: Record<string, string | number>): Promise<void> {
    const i = this.studies.get(studyId)?.items.get(participant)?.get(position);
    if (i) i.answers = copy(answers);
  }

  async addSignals(studyId: string, participant: string, position: number, signals: ItemSignals): Promise<void> {
    const i = this.studies.get(studyId)?.items.get(participant)?.get(position);
    if (!i) return;
    i.pastes = (i.pastes ?? 0) + signals.pastes;
    i.hiddenMs = (i.hiddenMs ?? 0) + signals.hiddenMs;
    i.blurMs = (i.blurMs ?? 0) + signals.blurMs;
  }

  async ledger(studyId: string): Promise<LedgerEntry[]> {
    return [...(this.ledgers.get(studyId)?.values() ?? [])].sort((a, b) => a.paidAt - b.paidAt || compare(a.participant, b.participant)).map((r) => copy(r));
  }

  async recordPaid(studyId: string, batch: string, entries: readonly { participant: string; amount: number }[]): Promise<string[]> {
    const ledger = this.ledgers.get(studyId) ?? new Map<string, LedgerEntry>();
    this.ledgers.set(studyId, ledger);
    const recorded: string[] = [];
    for (const e of entries) {
      if (ledger.has(e.participant)) continue;
      ledger.set(e.participant, { participant: e.participant, amount: e.amount, batch, paidAt: Date.now() });
      recorded.push(e.participant);
    }
    return recorded;
  }

  private study(id: string): Study {
    const s = this.studies.get(id);
    if (!s) throw new Error(`no study "${id}"`);
    return s;
  }
}
