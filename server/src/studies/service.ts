/**
 * The study service: launches and steers studies, and walks each participant from the
 * study link to a completion code (consent → instructions → practice → queue → end).
 * Items are live debates (or stepped re-judgings of stored ones) served by the sessions
 * like any other; the service listens to the lifecycle of the sessions this process owns,
 * and a participant's page reconciles from the stored debate should that process have
 * died first. Work on one study runs one step at a time across all processes (a lock per
 * study, in the database on Postgres), so two arrivals never draw the same slot.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { judgedCorrect } from '@arena/shared';
import { newToken } from '../tokens.ts';
import { drawQueue, planSlots } from './assignment.ts';
import { DebaterPool, needsDebaters, seenBy } from './debater-pool.ts';
import { openItemDebate } from './item-debate.ts';
import { loadStudyOriginals, selectStudyOriginals } from './originals.ts';
import { resolveStudy, type ResolvedStudy } from './resolve.ts';
import { codeFor, specHash, type Outcome, type StudySpec } from './spec.ts';
import type { StudyLocks } from './study-lock.ts';
import { endingOf } from './time-limits.ts';
import type { ItemRow, ParticipantRow, StudyRow, StudyStatus, StudyStore } from './study-store.ts';
import { StudyError, type CurrentItem, type PanelEntry, type StudyDeps } from './study-types.ts';

export { StudyError, type CurrentItem, type PanelEntry, type StudyDeps } from './study-types.ts';

export class StudyService {
  readonly db: StudyStore;
  private readonly resolved = new Map<string, ResolvedStudy>();
  private readonly locks: StudyLocks;
  private readonly listeners = new Set<(studyId: string) => void>();
  private readonly pool: DebaterPool;
  private publish: (studyId: string) => void = () => {};

  readonly deps: StudyDeps;

  constructor(deps: StudyDeps) {
    this.deps = deps;
    this.db = deps.studyStore;
    this.locks = deps.studyLocks;
    this.pool = new DebaterPool(this);
    // The process that owns a debate's session hears its end; a page reconciles otherwise (see currentItem).
    deps.sessions.on((id, e) => {
      if (e.type === 'finished' || e.type === 'ended') void this.debateOver(id).catch((err) => deps.log(`study: debate ${id}: ${(err as Error).message}`));
    });
  }

  /** Called whenever a study's progress changes, here or (once relayed) in another process: the dashboard's live updates. */
  onChange(listener: (studyId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends this process's changes to the others (several processes share a study). */
  relayChanges(publish: (studyId: string) => void): void {
    this.publish = publish;
  }

  /** A change another process made to a study. */
  remoteChanged(studyId: string): void {
    for (const l of this.listeners) l(studyId);
  }

  private changed(studyId: string): void {
    for (const l of this.listeners) l(studyId);
    this.publish(studyId);
  }

  /** Runs work on one study at a time, across processes. */
  private locked<T>(studyId: string, work: () => Promise<T>): Promise<T> {
    return this.locks.run(studyId, work);
  }

  /**
   * Checks a spec against this server's scenarios, agents and stored debates (throws
   * SpecError naming the field). Stored debates to re-judge are selected now.
   */
  async resolve(spec: StudySpec, source?: string): Promise<ResolvedStudy> {
    const originals = await selectStudyOriginals(this.deps.store, spec, source);
    return resolveStudy(spec, this.deps.scenarios, this.deps.knownAgent, source, originals);
  }

  /** A launched study and its design (its stored originals are those its pool recorded at launch). */
  async study(id: string): Promise<{ row: StudyRow; design: ResolvedStudy }> {
    const row = await this.db.get(id);
    if (!row) throw new StudyError(404, `no study "${id}"`);
    let design = this.resolved.get(id);
    if (!design) {
      const ids = [...new Set((await this.db.slots(id)).map((s) => s.originalId).filter((x): x is string => !!x))];
      design = resolveStudy(row.spec, this.deps.scenarios, this.deps.knownAgent, `study ${id}`, await loadStudyOriginals(this.deps.store, ids));
      this.resolved.set(id, design);
    }
    return { row, design };
  }

  /**
   * Launches a study: its spec is frozen (hash recorded), the stored debates it re-judges
   * chosen (and made private, so that nobody re-judging can read them), and its pool of
   * slots planned.
   */
  async launch(spec: StudySpec): Promise<{ id: string; specHash: string; slots: number; originals: number }> {
    const design = await this.resolve(spec);
    const hash = specHash(spec);
    const existing = await this.db.get(spec.id);
    if (existing) {
      throw new StudyError(409, existing.specHash === hash ? `study "${spec.id}" is already launched` : `study "${spec.id}" exists with another spec; a launched spec is frozen: give the new one another id`);
    }
    const slots = planSlots(design.cells, spec.judgementsPerCell);
    const created = await this.db.create({ id: spec.id, spec, specHash: hash, status: 'running', secret: randomBytes(32).toString('hex'), createdAt: Date.now() }, slots);
    if (!created) throw new StudyError(409, `study "${spec.id}" is already launched`);
    for (const id of design.originals.keys()) await this.deps.store.setVisibility(id, 'private');
    this.resolved.set(spec.id, design);
    return { id: spec.id, specHash: hash, slots: slots.length, originals: design.originals.size };
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
   * A participant arrives by the study link (or the debater link). The same panel id comes
   * back to the same participant (and place); a new one starts at consent, or ends at once
   * with the no-capacity code when the study is closed or its pool has nothing left.
   */
  async enter(studyId: string, panel: PanelEntry): Promise<{ token: string; participant: string }> {
    return this.locked(studyId, async () => {
      const { row, design } = await this.study(studyId);
      const participant = this.pseudonym(row, panel.pid);
      const known = await this.db.participant(studyId, participant);
      if (known) return { token: known.token, participant };
      const role = panel.role ?? 'judge';
      if (role === 'debater' && !row.spec.humanDebaters) throw new StudyError(400, `study "${studyId}" recruits no debaters; open the link your panel gave you`);
      if (row.status === 'paused') throw new StudyError(503, 'this study is paused; please try again in a few minutes');
      const now = Date.now();
      const slots = await this.db.slots(studyId);
      // A debater is useful while any item with recruited debaters is still to be judged.
      const room = role === 'judge' ? slots.some((s) => s.status === 'open') : slots.some((s) => s.status !== 'done' && needsDebaters(design, { kind: 'item', condition: s.condition }));
      const full = row.status === 'closed' || !room;
      const p: ParticipantRow = {
        studyId,
        participant,
        token: newToken(),
        role,
        stage: full ? 'done' : 'consent',
        outcome: full ? 'noCapacity' : null,
        position: 0,
        failedChecks: 0,
        flags: [],
        enteredAt: now,
        consentedAt: null,
        finishedAt: full ? now : null,
        lastSeen: now,
        waitingSince: null,
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

  /**
   * Instructions read. A judge's items are set out (practice, their drawn queue, checks);
   * a debater goes to the lobby to wait for a judge.
   */
  async startItems(studyId: string, token: string): Promise<void> {
    await this.locked(studyId, async () => {
      const p = await this.participantFor(studyId, token);
      if (p.stage !== 'instructions') return;
      if (p.role === 'debater') {
        await this.db.updateParticipant(studyId, p.participant, { stage: 'lobby', waitingSince: Date.now() });
        await this.pool.match(studyId);
        return this.changed(studyId);
      }
      const { row, design } = await this.study(studyId);
      const spec = row.spec;
      const slots = await this.db.slots(studyId);
      // Practice, and any passage this participant debated, are never judged as items.
      const mine = await this.db.items(studyId, p.participant);
      const seen = seenBy(design, mine, slots);
      const items: ItemRow[] = [];
      const add = (kind: ItemRow['kind'], scenarioId: string, condition: string, slot: string | null) =>
        items.push({ participant: p.participant, position: mine.length + items.length, kind, slot, scenarioId, condition, debateId: null, status: 'pending', startedAt: null, finishedAt: null });
      for (const pr of spec.practice) add('practice', pr.scenario, pr.condition, null);
      for (const i of items) {
        const e = seenBy(design, [i], slots);
        for (const q of e.questions) seen.questions.add(q);
        for (const st of e.stories) seen.stories.add(st);
      }
      const queue = drawQueue({ slots, conditions: design.conditionNames, items: spec.itemsPerParticipant, seed: spec.seed, participant: p.participant, seenQuestions: seen.questions, seenStories: seen.stories });
      if (queue.length === 0) return this.finish(p, 'noCapacity');
      const checksAfter = (k: number) => spec.attentionChecks.forEach((c, i) => c.after === k && add('check', design.checks[i]!.id, 'check', null));
      checksAfter(0);
      queue.forEach((slot, k) => {
        add('item', slot.scenarioId, slot.condition, slot.id);
        checksAfter(k + 1);
      });
      for (const slot of queue) await this.db.setSlot(studyId, slot.id, 'assigned', p.participant);
      await this.db.addItems(studyId, items);
      await this.db.updateParticipant(studyId, p.participant, { stage: 'items', position: mine.length });
      this.changed(studyId);
    });
  }

  /**
   * The current item. A judge's debate is created on first sight (agent debaters start
   * once the judge joins); an item that needs recruited debaters waits for them in the
   * lobby (waitingSince set, no debate yet). A debater's item is their current debate.
   * An item whose stored debate is over but not yet recorded (its process died before it
   * could) is recorded here first.
   */
  async currentItem(studyId: string, token: string): Promise<CurrentItem | null> {
    const before = await this.participantFor(studyId, token);
    const open = before.stage === 'items' ? (await this.db.items(studyId, before.participant))[before.position] : undefined;
    if (open?.debateId && open.status === 'open') {
      const status = (await this.deps.store.summary(open.debateId))?.status;
      if (status === 'finished' || status === 'ended') await this.debateOver(open.debateId);
    }
    return this.locked(studyId, async () => {
      let p = await this.participantFor(studyId, token);
      if (p.stage === 'lobby' || (p.stage === 'items' && p.waitingSince !== null)) {
        await this.pool.match(studyId);
        p = await this.participantFor(studyId, token);
      }
      if (p.stage !== 'items') return null;
      const items = await this.db.items(studyId, p.participant);
      const item = items[p.position];
      if (!item) return null;
      const total = items.filter((i) => i.kind !== 'debate').length;
      if (item.kind === 'debate') {
        const seat = item.seat ?? 'A';
        return { item, token: (await this.deps.store.seatTokens(item.debateId!)).get(seat)?.token ?? '', seat, total: items.length, waitingSince: null };
      }
      if (item.debateId) return { item, token: (await this.deps.store.seatTokens(item.debateId)).get('judge')?.token ?? '', seat: 'judge', total, waitingSince: null };
      const study = await this.study(studyId);
      if (needsDebaters(study.design, item)) {
        // Into the lobby: the pool seats debaters as they come (or reassigns the item after lobbySeconds).
        const waitingSince = p.waitingSince ?? Date.now();
        if (p.waitingSince === null) {
          await this.db.updateParticipant(studyId, p.participant, { waitingSince });
          await this.pool.match(studyId);
          this.changed(studyId);
          const again = (await this.db.items(studyId, p.participant))[p.position];
          if (again?.debateId) return { item: again, token: (await this.deps.store.seatTokens(again.debateId)).get('judge')?.token ?? '', seat: 'judge', total, waitingSince: null };
        }
        return { item, token: '', seat: 'judge', total, waitingSince };
      }
      const slot = item.slot ? (await this.db.slots(studyId)).find((s) => s.id === item.slot) : undefined;
      const created = await openItemDebate(this.deps, study, p.participant, item, slot);
      const startedAt = Date.now();
      await this.db.updateItem(studyId, p.participant, item.position, { debateId: created.id, status: 'open', startedAt });
      this.changed(studyId);
      return { item: { ...item, debateId: created.id, status: 'open', startedAt }, token: created.judgeToken, seat: 'judge', total, waitingSince: null };
    });
  }

  /** After an item's verdict: on to the next item, or the end with the completed code. */
  async next(studyId: string, token: string): Promise<void> {
    await this.locked(studyId, async () => {
      const p = await this.participantFor(studyId, token);
      if (p.stage !== 'items' || p.role !== 'judge') return;
      const items = await this.db.items(studyId, p.participant);
      const item = items[p.position];
      if (item && item.status !== 'done' && item.status !== 'abandoned') throw new StudyError(409, 'give your verdict on this item first');
      if (p.position + 1 >= items.length) return this.finish(p, 'completed');
      await this.db.updateParticipant(studyId, p.participant, { position: p.position + 1 });
      this.changed(studyId);
    });
  }

  /** A debater leaves the lobby: completed after at least one debate, else with the no-capacity code. */
  async leaveLobby(studyId: string, token: string): Promise<void> {
    await this.locked(studyId, async () => {
      const p = await this.participantFor(studyId, token);
      if (p.stage !== 'lobby') throw new StudyError(409, 'only a debater waiting in the lobby can leave this way');
      const debated = (await this.db.items(studyId, p.participant)).some((i) => i.kind === 'debate' && i.status === 'done');
      await this.finish(p, debated ? 'completed' : 'noCapacity', debated ? undefined : 'left-lobby');
    });
  }

  /** A study debate reached a verdict (or ended without one): the judge's item and any recruited debaters'. */
  private async debateOver(debateId: string): Promise<void> {
    const [first] = await this.db.itemsByDebate(debateId);
    if (!first) return;
    await this.locked(first.studyId, async () => {
      const studyId = first.studyId;
      const all = await this.db.itemsByDebate(debateId);
      const item = all.find((i) => i.kind !== 'debate');
      const record = await this.deps.store.getTranscript(debateId);
      if (!record || !item) return;
      const finished = record.status === 'finished' && !!record.verdict;
      await this.pool.debateOver(studyId, all.filter((i) => i.kind === 'debate'), finished);
      const p = await this.db.participant(studyId, item.participant);
      if (!p || item.status !== 'open') return this.changed(studyId);
      if (!finished) {
        // Ended without a verdict (cancelled, expired, a debater left): a participant still on it gets a fresh debate for the same item.
        if (p.stage === 'items' && p.position === item.position) await this.db.updateItem(studyId, p.participant, item.position, { debateId: null, status: 'pending' });
        return this.changed(studyId);
      }
      const verdict = record.verdict!;
      const finishedAt = Date.now();
      await this.db.updateItem(studyId, p.participant, item.position, { status: 'done', finishedAt });
      if (item.slot) await this.db.setSlot(studyId, item.slot, 'done', p.participant);
      const { row } = await this.study(studyId);
      const flags = new Set(p.flags);
      const seconds = (finishedAt - (item.startedAt ?? finishedAt)) / 1000;
      if (item.kind !== 'practice' && seconds < row.spec.exclusion.minSecondsPerItem) flags.add('speeding');
      let failed = p.failedChecks;
      if (item.kind === 'check' && !judgedCorrect(verdict.probabilities, verdict.correctIndex)) {
        failed++;
        flags.add('failed-check');
      }
      await this.db.updateParticipant(studyId, p.participant, { failedChecks: failed, flags: [...flags] });
      if (failed > row.spec.exclusion.maxFailedChecks && p.stage === 'items') await this.finish({ ...p, failedChecks: failed, flags: [...flags] }, 'failed');
      this.changed(studyId);
    });
  }

  /**
   * Ends a participant's study with an outcome. Their unfinished counted items go back
   * to the pool (to be drawn by a later arrival) and an open debate is cancelled (a
   * recruited debater's too: its judge then waits for other debaters).
   */
  async finish(p: ParticipantRow, outcome: Outcome, flag?: string): Promise<void> {
    const items = await this.db.items(p.studyId, p.participant);
    for (const item of items) {
      if (item.status === 'done' || item.status === 'abandoned') continue;
      await this.db.updateItem(p.studyId, p.participant, item.position, { status: 'abandoned' });
      if (item.slot && item.kind !== 'debate') await this.db.setSlot(p.studyId, item.slot, 'open', null);
      if (item.debateId && item.status === 'open') await this.deps.sessions.cancel(item.debateId, `study participant left (${outcome})`);
    }
    const flags = flag ? [...new Set([...p.flags, flag])] : p.flags;
    await this.db.updateParticipant(p.studyId, p.participant, { stage: 'done', outcome, finishedAt: Date.now(), flags, waitingSince: null });
    this.changed(p.studyId);
  }

  /** Applies the time limits to every study (time-limits.ts). Runs on a timer and whenever a participant's page asks. */
  async sweep(now = Date.now()): Promise<number> {
    let ended = 0;
    for (const row of await this.db.list()) ended += await this.sweepOne(row.id, now);
    return ended;
  }

  /** The time limits of one study's participants (see sweep and time-limits.ts); judges waiting too long for debaters get another item. */
  async sweepOne(studyId: string, now = Date.now()): Promise<number> {
    return this.locked(studyId, async () => {
      const row = await this.db.get(studyId);
      if (!row) return 0;
      const participants = (await this.db.participants(studyId)).filter((p) => p.stage !== 'done');
      if (participants.length === 0) return 0;
      const items = await this.db.items(studyId);
      let ended = 0;
      for (const p of participants) {
        const mine = items.filter((i) => i.participant === p.participant);
        const current = p.stage === 'items' ? mine.find((i) => i.position === p.position) : undefined;
        const ending = endingOf(row.spec, p, current, mine.filter((i) => i.kind === 'debate' && i.status === 'done').length, now);
        if (!ending) continue;
        await this.finish(p, ending.outcome, ending.flag);
        ended++;
      }
      if (row.spec.humanDebaters) await this.pool.match(studyId, now);
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
