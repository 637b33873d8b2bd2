/**
 * The study service: launches and steers studies, and walks each participant from the
 * study link to a completion code (consent → instructions → practice → queue → end).
 * Items are live debates served by the sessions like any other; the service listens to
 * their lifecycle. Work on one study runs one step at a time (a per-study lock), so two
 * arrivals never draw the same slot.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { judgedCorrect, questionKey, rulesFor, type Scenario } from '@arena/shared';
import type { Sessions } from '../sessions/sessions.ts';
import type { Store } from '../store/store.ts';
import { newToken } from '../tokens.ts';
import { drawQueue, planSlots } from './assignment.ts';
import { createStudyDebate, type StudyDebateMeta } from './item-debate.ts';
import { itemSeats, resolveStudy, storyKeyOf, type ResolvedStudy } from './resolve.ts';
import { codeFor, specHash, type Outcome, type StudySpec } from './spec.ts';
import { StudyStore, type ItemRow, type ParticipantRow, type StudyRow, type StudyStatus } from './study-store.ts';

export interface StudyDeps {
  store: Store;
  sessions: Sessions;
  scenarios: ReadonlyMap<string, Scenario>;
  /** Null when the agent id can be made, else why not. */
  knownAgent: (id: string) => string | null;
  log: (line: string) => void;
}

/** A refusal the HTTP layer turns into a status code. */
export class StudyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'StudyError';
  }
}

/** The panel's ids from the study link's query string. */
export interface PanelEntry {
  pid: string;
  study: string | null;
  session: string | null;
}

export class StudyService {
  readonly db: StudyStore;
  private readonly resolved = new Map<string, ResolvedStudy>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly listeners = new Set<(studyId: string) => void>();

  constructor(private readonly deps: StudyDeps) {
    this.db = new StudyStore(deps.store.sql);
    deps.sessions.on((id, e) => {
      if (e.type === 'finished' || e.type === 'ended') void this.debateOver(id).catch((err) => deps.log(`study: debate ${id}: ${(err as Error).message}`));
    });
  }

  /** Called whenever a study's progress changes (the dashboard's live updates). */
  onChange(listener: (studyId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(studyId: string): void {
    for (const l of this.listeners) l(studyId);
  }

  /** Runs work on one study at a time. */
  private locked<T>(studyId: string, work: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(studyId) ?? Promise.resolve();
    const next = prev.then(work, work);
    this.locks.set(studyId, next.catch(() => {}));
    return next;
  }

  /** Checks a spec against this server's scenarios and agents (throws SpecError naming the field). */
  resolve(spec: StudySpec, source?: string): ResolvedStudy {
    return resolveStudy(spec, this.deps.scenarios, this.deps.knownAgent, source);
  }

  private async study(id: string): Promise<{ row: StudyRow; design: ResolvedStudy }> {
    const row = await this.db.get(id);
    if (!row) throw new StudyError(404, `no study "${id}"`);
    let design = this.resolved.get(id);
    if (!design) {
      design = this.resolve(row.spec, `study ${id}`);
      this.resolved.set(id, design);
    }
    return { row, design };
  }

  /** Launches a study: its spec is frozen (hash recorded) and its pool of slots planned. */
  async launch(spec: StudySpec): Promise<{ id: string; specHash: string; slots: number }> {
    const design = this.resolve(spec);
    const hash = specHash(spec);
    const existing = await this.db.get(spec.id);
    if (existing) {
      throw new StudyError(409, existing.specHash === hash ? `study "${spec.id}" is already launched` : `study "${spec.id}" exists with another spec; a launched spec is frozen: give the new one another id`);
    }
    const slots = planSlots(design.cells, spec.judgementsPerCell).map((s) => ({ ...s, scenarioId: s.cell.split('|')[0] as string }));
    const created = await this.db.create({ id: spec.id, spec, specHash: hash, status: 'running', secret: randomBytes(32).toString('hex'), createdAt: Date.now() }, slots);
    if (!created) throw new StudyError(409, `study "${spec.id}" is already launched`);
    this.resolved.set(spec.id, design);
    return { id: spec.id, specHash: hash, slots: slots.length };
  }

  /** Pauses (no new arrivals), resumes or closes a study. */
  async setStatus(id: string, action: 'pause' | 'resume' | 'close'): Promise<StudyStatus> {
    const { row } = await this.study(id);
    if (row.status === 'closed') throw new StudyError(409, `study "${id}" is closed`);
    const status: StudyStatus = action === 'pause' ? 'paused' : action === 'resume' ? 'running' : 'closed';
    await this.db.setStatus(id, status);
    this.changed(id);
    return status;
  }

  /** A participant's pseudonym: a keyed hash of the panel id under the study's secret. */
  private pseudonym(row: StudyRow, pid: string): string {
    return `p-${createHmac('sha256', row.secret).update(pid).digest('hex').slice(0, 16)}`;
  }

  /**
   * A participant arrives by the study link. The same panel id comes back to the same
   * participant (and place); a new one starts at consent, or ends at once with the
   * no-capacity code when the study is closed or its pool has nothing left.
   */
  async enter(studyId: string, panel: PanelEntry): Promise<{ token: string; participant: string }> {
    return this.locked(studyId, async () => {
      const { row } = await this.study(studyId);
      const participant = this.pseudonym(row, panel.pid);
      const known = await this.db.participant(studyId, participant);
      if (known) return { token: known.token, participant };
      if (row.status === 'paused') throw new StudyError(503, 'this study is paused; please try again in a few minutes');
      const now = Date.now();
      const full = row.status === 'closed' || !(await this.db.slots(studyId)).some((s) => s.status === 'open');
      const p: ParticipantRow = {
        studyId,
        participant,
        token: newToken(),
        stage: full ? 'done' : 'consent',
        outcome: full ? 'noCapacity' : null,
        position: 0,
        failedChecks: 0,
        flags: [],
        enteredAt: now,
        consentedAt: null,
        finishedAt: full ? now : null,
        lastSeen: now,
      };
      await this.db.addParticipant(p, panel);
      this.changed(studyId);
      return { token: p.token, participant };
    });
  }

  /** The participant holding a token, with their time limits applied first. */
  async participantFor(studyId: string, token: string): Promise<ParticipantRow> {
    const p = await this.db.participantByToken(studyId, token);
    if (!p) throw new StudyError(401, 'this study link is not valid any more; open the link from your panel again');
    return p;
  }

  /** Records that the participant's page is open (the dropout clock restarts). */
  async seen(p: ParticipantRow): Promise<void> {
    await this.db.updateParticipant(p.studyId, p.participant, { lastSeen: Date.now() });
  }

  /** Consent given or declined. Declining ends with its own code. */
  async consent(studyId: string, token: string, agree: boolean): Promise<void> {
    await this.locked(studyId, async () => {
      const p = await this.participantFor(studyId, token);
      if (p.stage !== 'consent') return;
      if (!agree) return this.finish(p, 'declined');
      await this.db.updateParticipant(studyId, p.participant, { stage: 'instructions', consentedAt: Date.now() });
      this.changed(studyId);
    });
  }

  /** Instructions read: the participant's items are set out (practice, their drawn queue, checks). */
  async startItems(studyId: string, token: string): Promise<void> {
    await this.locked(studyId, async () => {
      const p = await this.participantFor(studyId, token);
      if (p.stage !== 'instructions') return;
      const { row, design } = await this.study(studyId);
      const spec = row.spec;
      const seenQuestions = new Set<string>();
      const seenStories = new Set<string>();
      for (const pr of spec.practice) {
        const s = design.scenarios.get(pr.scenario)!;
        seenQuestions.add(questionKey(s.title, s.question));
        seenStories.add(storyKeyOf(s));
      }
      const queue = drawQueue({
        slots: await this.db.slots(studyId),
        conditions: spec.conditions.map((c) => c.name),
        items: spec.itemsPerParticipant,
        seed: spec.seed,
        participant: p.participant,
        seenQuestions,
        seenStories,
      });
      if (queue.length === 0) return this.finish(p, 'noCapacity');
      const items: ItemRow[] = [];
      const add = (kind: ItemRow['kind'], scenarioId: string, condition: string, slot: string | null) =>
        items.push({ participant: p.participant, position: items.length, kind, slot, scenarioId, condition, debateId: null, status: 'pending', startedAt: null, finishedAt: null });
      for (const pr of spec.practice) add('practice', pr.scenario, pr.condition, null);
      const checksAfter = (k: number) => spec.attentionChecks.forEach((c, i) => c.after === k && add('check', design.checks[i]!.id, 'check', null));
      checksAfter(0);
      queue.forEach((slot, k) => {
        add('item', slot.cell.split('|')[0] as string, slot.condition, slot.id);
        checksAfter(k + 1);
      });
      for (const slot of queue) await this.db.setSlot(studyId, slot.id, 'assigned', p.participant);
      await this.db.addItems(studyId, items);
      await this.db.updateParticipant(studyId, p.participant, { stage: 'items', position: 0 });
      this.changed(studyId);
    });
  }

  /** The current item, its debate created on first sight (AI debaters start once the judge joins). */
  async currentItem(studyId: string, token: string): Promise<{ item: ItemRow; judgeToken: string; total: number } | null> {
    return this.locked(studyId, async () => {
      const p = await this.participantFor(studyId, token);
      if (p.stage !== 'items') return null;
      const items = await this.db.items(studyId, p.participant);
      const item = items[p.position];
      if (!item) return null;
      if (!item.debateId) {
        const { row, design } = await this.study(studyId);
        const checkIndex = design.checks.findIndex((c) => c.id === item.scenarioId);
        const scenario = checkIndex >= 0 ? design.checks[checkIndex]! : design.scenarios.get(item.scenarioId)!;
        const condition = item.kind === 'check' ? { rules: blindRules(), seats: { judge: { kind: 'human' as const } } } : { rules: design.conditions.get(item.condition)!.rules, seats: itemSeats(design.conditions.get(item.condition)!) };
        const slot = item.slot ? (await this.db.slots(studyId)).find((s) => s.id === item.slot) : undefined;
        // A counted item's seed carries its slot's trial: the engine's blocked assignment balances each cell.
        const seed = slot ? `${row.spec.seed}|${slot.cell}|t${slot.trial}` : `${row.spec.seed}|${p.participant}|${item.kind}${item.position + 1}`;
        const meta: StudyDebateMeta = { id: studyId, specHash: row.specHash, participant: p.participant, item: item.position + 1, kind: item.kind, condition: item.condition, slot: item.slot };
        const created = await createStudyDebate(this.deps, { scenario, rules: condition.rules, seats: condition.seats, seed, meta });
        const startedAt = Date.now();
        await this.db.updateItem(studyId, p.participant, item.position, { debateId: created.id, status: 'open', startedAt });
        this.changed(studyId);
        return { item: { ...item, debateId: created.id, status: 'open', startedAt }, judgeToken: created.judgeToken, total: items.length };
      }
      const judgeToken = (await this.deps.store.seatTokens(item.debateId)).get('judge')?.token ?? '';
      return { item, judgeToken, total: items.length };
    });
  }

  /** After an item's verdict: on to the next item, or the end with the completed code. */
  async next(studyId: string, token: string): Promise<void> {
    await this.locked(studyId, async () => {
      const p = await this.participantFor(studyId, token);
      if (p.stage !== 'items') return;
      const items = await this.db.items(studyId, p.participant);
      const item = items[p.position];
      if (item && item.status !== 'done') throw new StudyError(409, 'give your verdict on this item first');
      if (p.position + 1 >= items.length) return this.finish(p, 'completed');
      await this.db.updateParticipant(studyId, p.participant, { position: p.position + 1 });
      this.changed(studyId);
    });
  }

  /** A study debate reached a verdict (or ended without one). */
  private async debateOver(debateId: string): Promise<void> {
    const item = await this.db.itemByDebate(debateId);
    if (!item) return;
    await this.locked(item.studyId, async () => {
      const record = await this.deps.store.getTranscript(debateId);
      const p = await this.db.participant(item.studyId, item.participant);
      if (!record || !p) return;
      if (record.status !== 'finished' || !record.verdict) {
        // Ended without a verdict (cancelled, expired): a participant still on it gets a fresh debate for the same item.
        if (p.stage === 'items' && p.position === item.position) await this.db.updateItem(item.studyId, p.participant, item.position, { debateId: null, status: 'pending' });
        return;
      }
      const finishedAt = Date.now();
      await this.db.updateItem(item.studyId, p.participant, item.position, { status: 'done', finishedAt });
      if (item.slot) await this.db.setSlot(item.studyId, item.slot, 'done', p.participant);
      const { row } = await this.study(item.studyId);
      const flags = new Set(p.flags);
      const seconds = (finishedAt - (item.startedAt ?? finishedAt)) / 1000;
      if (item.kind !== 'practice' && seconds < row.spec.exclusion.minSecondsPerItem) flags.add('speeding');
      let failed = p.failedChecks;
      if (item.kind === 'check' && !judgedCorrect(record.verdict.probabilities, record.verdict.correctIndex)) {
        failed++;
        flags.add('failed-check');
      }
      await this.db.updateParticipant(item.studyId, p.participant, { failedChecks: failed, flags: [...flags] });
      if (failed > row.spec.exclusion.maxFailedChecks && p.stage === 'items') await this.finish({ ...p, failedChecks: failed, flags: [...flags] }, 'failed');
      this.changed(item.studyId);
    });
  }

  /**
   * Ends a participant's study with an outcome. Their unfinished counted items go back
   * to the pool (to be drawn by a later arrival) and an open debate is cancelled.
   */
  private async finish(p: ParticipantRow, outcome: Outcome, flag?: string): Promise<void> {
    const items = await this.db.items(p.studyId, p.participant);
    for (const item of items) {
      if (item.status === 'done') continue;
      await this.db.updateItem(p.studyId, p.participant, item.position, { status: 'abandoned' });
      if (item.slot) await this.db.setSlot(p.studyId, item.slot, 'open', null);
      if (item.debateId && item.status === 'open') await this.deps.sessions.cancel(item.debateId, `study participant left (${outcome})`);
    }
    const flags = flag ? [...new Set([...p.flags, flag])] : p.flags;
    await this.db.updateParticipant(p.studyId, p.participant, { stage: 'done', outcome, finishedAt: Date.now(), flags });
    this.changed(p.studyId);
  }

  /**
   * Applies the time limits: a participant idle past idleSeconds has dropped out, one past
   * participantMinutes or with an item open past itemMinutes has timed out. Both end with
   * the timed-out code. Runs on a timer and whenever a participant's page asks.
   */
  async sweep(now = Date.now()): Promise<number> {
    let ended = 0;
    for (const row of await this.db.list()) ended += await this.sweepOne(row.id, now);
    return ended;
  }

  /** The time limits of one study's participants (see sweep). */
  async sweepOne(studyId: string, now = Date.now()): Promise<number> {
    return this.locked(studyId, async () => {
      const row = await this.db.get(studyId);
      if (!row) return 0;
      const limits = row.spec.timeLimits;
      const participants = (await this.db.participants(studyId)).filter((p) => p.stage !== 'done');
      if (participants.length === 0) return 0;
      const items = await this.db.items(studyId);
      let ended = 0;
      for (const p of participants) {
        const current = p.stage === 'items' ? items.find((i) => i.participant === p.participant && i.position === p.position) : undefined;
        let why: string | null = null;
        if (now - p.lastSeen > limits.idleSeconds * 1000) why = 'idle';
        else if (p.consentedAt !== null && now - p.consentedAt > limits.participantMinutes * 60_000) why = 'over-time';
        else if (current?.status === 'open' && current.startedAt !== null && now - current.startedAt > limits.itemMinutes * 60_000) why = 'item-over-time';
        if (!why) continue;
        await this.finish(p, 'timedOut', why);
        ended++;
      }
      return ended;
    });
  }

  /** The code and outcome of a finished participant. */
  async endOf(studyId: string, p: ParticipantRow): Promise<{ outcome: Outcome; code: string } | null> {
    if (p.stage !== 'done' || !p.outcome) return null;
    const { row } = await this.study(studyId);
    return { outcome: p.outcome, code: codeFor(row.spec, p.outcome) };
  }

  /** The study row and its design (for routes, progress and exports). */
  async get(studyId: string): Promise<{ row: StudyRow; design: ResolvedStudy }> {
    return this.study(studyId);
  }
}

/** An attention check is judged alone, from the question: the blind protocol. */
const blindRules = () => rulesFor('blind');
