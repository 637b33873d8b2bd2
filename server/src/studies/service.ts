/**
 * The studies service: launches and steers studies, and walks each participant from the
 * study link to a completion code along the stage table (stages.ts). Every call names
 * who asks (a principal, access/study.ts) and answers with a result or a typed refusal;
 * transports only parse, resolve the principal, call and map.
 *
 * Items are live debates (or stepped re-judgings of stored ones) served by the sessions
 * like any other; the service listens to the lifecycle of the sessions this process owns.
 * A participant's page reads and never writes: what a page needs done (their time-outs,
 * their item's debate opened, a verdict recorded that the debate's process died before
 * recording) is done when the page beats (`seen`) or moves, and by the sweep. Work on
 * one study runs one step at a time across all processes (a lock per study, in the
 * database on Postgres), so two arrivals never draw the same slot.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { judgedCorrect } from '@arena/shared';
import { entryRefusal, exposureDecision, mayStudy, paidItemRefusal, type PaidAgentRefusal, participantOf, studyShield, type ItemExposure, type RunningStudyItems, type StudyAction, type StudyPrincipal, type StudyShield } from '../access/study.ts';
import { newToken } from '../tokens.ts';
import { drawQueue, planSlots } from './assignment.ts';
import { DebaterPool, needsDebaters, seenBy } from './debater-pool.ts';
import { isStudyExport, markBonusesPaid, studyExport, STUDY_EXPORTS } from './export-files.ts';
import { openItemDebate } from './item-debate.ts';
import { paidCapProblem, paidConditions, paidUse } from './paid-agents.ts';
import { loadStudyOriginals, selectStudyOriginals } from './originals.ts';
import { exclusionOf } from '../report/exclusions.ts';
import { currentItemOf, participantPage, seatOf } from './participant-page.ts';
import { studyProgress, type StudyProgress } from './progress.ts';
import { practiceScenarios, resolveStudy, type ResolvedStudy } from './resolve.ts';
import { answerProblem, paidAgentLimits, SpecError, specHash, waitlistSeconds, type Outcome, type StudySpec } from './spec.ts';
import { firstStage, timeoutOf, transition, type Effect, type Move, type PathState } from './stages.ts';
import type { StudyLocks } from './study-lock.ts';
import type { ItemRow, ItemSignals, ParticipantRow, StudyRow, StudyStatus, StudyStore } from './study-store.ts';
import { refuse, StudyError, type ExportFile, type Launched, type PanelEntry, type ParticipantPage, type Refusal, type Result, type StudyDeps, type StudySummary } from './study-types.ts';

export type { PanelEntry, StudyDeps } from './study-types.ts';

type Study = { row: StudyRow; design: ResolvedStudy };
type Participant = Extract<StudyPrincipal, { kind: 'participant' }>;

/** Judges on the waitlist: they read the instructions and started while every place was held by others. */
const waitingJudges = (participants: readonly ParticipantRow[]): ParticipantRow[] => participants.filter((p) => p.role === 'judge' && p.stage === 'instructions' && p.waitingSince !== null);

/** What a participant may send from their page: a move along the path, or the heartbeat that says the page is open. */
export type PageMove = Move | { type: 'seen' };

const ok = <T>(value: T): Result<T> => ({ ok: true, value });

/** Runs work, returning a StudyError or a SpecError it throws as a refusal. */
async function attempt<T>(work: () => Promise<T>): Promise<Result<T>> {
  try {
    return ok(await work());
  } catch (err) {
    if (err instanceof StudyError) return refuse(err.code, err.message, err.kind);
    if (err instanceof SpecError) return refuse('invalid', err.message);
    throw err;
  }
}

/** Throws the access decision's refusal. */
function allow(principal: StudyPrincipal, action: StudyAction, studyId?: string): void {
  const refused = mayStudy(principal, action, studyId);
  if (refused) throw new StudyError(refused.code, refused.reason);
}

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
    // The process that owns a debate's session hears its end; the page's heartbeat and the sweep reconcile otherwise.
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

  /** Whether a study of this id was launched here (study links are public, so this is no secret). */
  async exists(id: string): Promise<boolean> {
    return !!(await this.db.get(id));
  }

  /** A launched study and its design (its stored originals are those its pool recorded at launch). */
  async study(id: string): Promise<Study> {
    const row = await this.db.get(id);
    if (!row) throw new StudyError('not-found', `no study "${id}"`);
    let design = this.resolved.get(id);
    if (!design) {
      const ids = [...new Set((await this.db.slots(id)).map((s) => s.originalId).filter((x): x is string => !!x))];
      design = resolveStudy(row.spec, this.deps.scenarios, this.deps.knownAgent, `study ${id}`, await loadStudyOriginals(this.deps.store, ids));
      this.resolved.set(id, design);
    }
    return { row, design };
  }

  /** The scenarios of a study's items: live, practice and re-judged. */
  private static itemScenarios(design: ResolvedStudy): string[] {
    return [...new Set([...design.scenarios.keys(), ...design.spec.practice.map((p) => p.scenario), ...[...design.originals.values()].map((o) => o.scenario.id)])];
  }

  /** Where a participant could look a study's items' answers up before it runs: public packs, public finished debates (not the originals it re-judges, made private at launch). */
  async exposure(design: ResolvedStudy): Promise<ItemExposure> {
    const ids = new Set(StudyService.itemScenarios(design));
    const privatePacks = new Set(this.deps.packs.filter((p) => p.private).map((p) => p.id));
    const practice = practiceScenarios(design);
    const inPublicPacks = [...ids].flatMap((id) => {
      const pack = this.deps.scenarios.get(id)?.pack ?? design.scenarios.get(id)?.pack;
      return pack && !privatePacks.has(pack) ? [{ scenarioId: id, pack, ...(practice.has(id) ? { practice: true } : {}) }] : [];
    });
    const publicDebates = (await this.deps.store.listDebates({ visibility: 'public', status: 'finished', limit: 1_000_000 }))
      .filter((d) => ids.has(d.scenarioId) && !design.originals.has(d.id))
      .map((d) => ({ id: d.id, scenarioId: d.scenarioId }));
    return { inPublicPacks, publicDebates, allowed: design.spec.publicItems === 'allow' };
  }

  /** The studies launched and not closed, with their items' scenarios: what the access policy hides outside them. */
  async runningItems(): Promise<RunningStudyItems[]> {
    const out: RunningStudyItems[] = [];
    for (const row of await this.db.list()) {
      if (row.status === 'closed') continue;
      out.push({ studyId: row.id, scenarioIds: StudyService.itemScenarios((await this.study(row.id)).design) });
    }
    return out;
  }

  /** The scenarios hidden now (access/study.ts decides what that hides). */
  async shield(): Promise<StudyShield> {
    return studyShield(await this.runningItems());
  }

  // ---- researchers ----

  /** The launched studies. */
  list(principal: StudyPrincipal): Promise<Result<StudySummary[]>> {
    return attempt(async () => {
      allow(principal, 'list');
      return (await this.db.list()).map((r) => ({ id: r.id, title: r.spec.title, status: r.status, specHash: r.specHash, createdAt: r.createdAt }));
    });
  }

  /**
   * Launches a study: its spec is frozen (hash recorded), the stored debates it re-judges
   * chosen (and made private, so that nobody re-judging can read them), and its pool of
   * slots planned.
   */
  launch(principal: StudyPrincipal, spec: StudySpec): Promise<Result<Launched>> {
    return attempt(async () => {
      allow(principal, 'launch');
      const design = await this.resolve(spec);
      const { refused, warnings } = exposureDecision(await this.exposure(design));
      if (refused) throw new StudyError('invalid', `${spec.id}: ${refused}`);
      const paidProblem = paidCapProblem(design, this.paidConditions(design));
      if (paidProblem) throw new StudyError('invalid', `${spec.id}: ${paidProblem}`);
      const signature = spec.entry?.signature;
      if (signature && !this.deps.entrySecret?.(signature.secretEnv)) {
        throw new StudyError('invalid', `${spec.id}: entry.signature.secretEnv names ${signature.secretEnv}, which this server's environment does not set (at least 32 characters): set it, then launch`);
      }
      const hash = specHash(spec);
      const existing = await this.db.get(spec.id);
      if (existing) {
        throw new StudyError('conflict', existing.specHash === hash ? `study "${spec.id}" is already launched` : `study "${spec.id}" exists with another spec; a launched spec is frozen: give the new one another id`);
      }
      const slots = planSlots(design.cells, spec.judgementsPerCell);
      const created = await this.db.create({ id: spec.id, spec, specHash: hash, status: 'running', secret: randomBytes(32).toString('hex'), createdAt: Date.now() }, slots);
      if (!created) throw new StudyError('conflict', `study "${spec.id}" is already launched`);
      for (const id of design.originals.keys()) await this.deps.store.setVisibility(id, 'private');
      this.resolved.set(spec.id, design);
      const link = `/s/${spec.id}?PROLIFIC_PID={{%PROLIFIC_PID%}}&STUDY_ID={{%STUDY_ID%}}&SESSION_ID={{%SESSION_ID%}}`;
      return { id: spec.id, specHash: hash, slots: slots.length, originals: design.originals.size, link, ...(spec.humanDebaters ? { debaterLink: `${link}&role=debater` } : {}), warnings };
    });
  }

  /** Pauses (no new arrivals), resumes or closes a study. */
  setStatus(principal: StudyPrincipal, id: string, action: 'pause' | 'resume' | 'close'): Promise<Result<StudyStatus>> {
    return attempt(async () => {
      allow(principal, 'steer', id);
      const { row } = await this.study(id);
      if (row.status === 'closed') throw new StudyError('conflict', `study "${id}" is closed`);
      const status: StudyStatus = action === 'pause' ? 'paused' : action === 'resume' ? 'running' : 'closed';
      await this.db.setStatus(id, status);
      this.changed(id);
      return status;
    });
  }

  /** Whether `principal` may do `action` with study `id`, and the study exists (for what a transport does itself: a ticket, an event stream). */
  check(principal: StudyPrincipal, id: string, action: StudyAction): Promise<Result<void>> {
    return attempt(async () => {
      allow(principal, action, id);
      await this.study(id);
    });
  }

  /** The dashboard's figures (`watch`: for its live updates, which a ticket may follow). */
  progress(principal: StudyPrincipal, id: string, as: 'progress' | 'watch' = 'progress'): Promise<Result<StudyProgress>> {
    return attempt(async () => {
      allow(principal, as, id);
      const { row } = await this.study(id);
      const [participants, slots, items] = await Promise.all([this.db.participants(id), this.db.slots(id), this.db.items(id)]);
      return studyProgress(this.deps.store, row, participants, slots, items);
    });
  }

  /** One participant's record and items (their token left out). */
  participantRecord(principal: StudyPrincipal, id: string, participant: string): Promise<Result<{ participant: Omit<ParticipantRow, 'token'>; items: ItemRow[] }>> {
    return attempt(async () => {
      allow(principal, 'inspect', id);
      const p = await this.db.participant(id, participant);
      if (!p) throw new StudyError('not-found', `no participant "${participant}" in study "${id}"`);
      const { token: _secret, ...rest } = p;
      return { participant: rest, items: await this.db.items(id, p.participant) };
    });
  }

  /** One of the study's downloads. */
  exportFile(principal: StudyPrincipal, id: string, file: string): Promise<Result<ExportFile>> {
    return attempt(async () => {
      allow(principal, 'export', id);
      if (!isStudyExport(file)) throw new StudyError('not-found', `no export "${file}"; there are ${STUDY_EXPORTS.join(', ')}`);
      const { row } = await this.study(id);
      return studyExport(this.deps.store, this.db, row, file);
    });
  }

  /** Marks the bonuses now due (of the panel ids `only`, when given) as paid, in one batch (a participant is paid once). */
  markPaid(principal: StudyPrincipal, id: string, batch: string, only?: readonly string[]): Promise<Result<{ batch: string; recorded: number; amount: number; alreadyPaid: number }>> {
    return attempt(async () => {
      allow(principal, 'pay', id);
      const { row } = await this.study(id);
      const result = await markBonusesPaid(this.deps.store, this.db, row, batch, only);
      this.changed(id);
      return result;
    });
  }

  // ---- participants ----

  /** A participant's pseudonym: a keyed hash of the panel id under the study's secret. */
  private pseudonym(row: StudyRow, pid: string): string {
    return `p-${createHmac('sha256', row.secret).update(pid).digest('hex').slice(0, 16)}`;
  }

  /**
   * A participant arrives by the study link (or the debater link). The same panel id comes
   * back to the same participant (and place); a new one starts at the first stage, or ends
   * at once with the no-capacity code when the study is closed or its pool has nothing left.
   */
  enter(studyId: string, panel: PanelEntry): Promise<Result<{ token: string; participant: string }>> {
    return attempt(async () => {
      // A study that requires signed links checks the signature before anything else (a known panel id included).
      const { row: study } = await this.study(studyId);
      const signature = study.spec.entry?.signature;
      const refused = entryRefusal(signature ? { secretEnv: signature.secretEnv, secret: this.deps.entrySecret?.(signature.secretEnv) } : null, studyId, panel.params ?? {}, panel.sig, Date.now());
      if (refused) throw new StudyError(refused.code === 'unavailable' ? 'paused' : 'unauthorized', refused.reason, refused.kind);
      return this.admit(studyId, panel);
    });
  }

  /** A participant whose entry may go on: back to their place, or a new one at the first stage (or the no-capacity code). */
  private admit(studyId: string, panel: PanelEntry): Promise<{ token: string; participant: string }> {
    return this.locked(studyId, async () => {
      const { row, design } = await this.study(studyId);
      const participant = this.pseudonym(row, panel.pid);
      const known = await this.db.participant(studyId, participant);
      if (known) return { token: known.token, participant };
      const role = panel.role ?? 'judge';
      if (role === 'debater' && !row.spec.humanDebaters) throw new StudyError('invalid', `study "${studyId}" recruits no debaters; open the link your panel gave you`);
      if (row.status === 'paused') throw new StudyError('paused', 'this study is paused; please try again in a few minutes');
      const now = Date.now();
      const slots = await this.db.slots(studyId);
      // A debater is useful while any item with recruited debaters is still to be judged.
      const room =
        role === 'judge'
          ? slots.some((s) => s.status === 'open') || this.waitlistRoom(row.spec, await this.db.participants(studyId))
          : slots.some((s) => s.status !== 'done' && needsDebaters(design, { kind: 'item', condition: s.condition }));
      const full = row.status === 'closed' || !room;
      const p: ParticipantRow = {
        studyId,
        participant,
        token: newToken(),
        role,
        stage: 'consent',
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
      p.stage = full ? 'done' : firstStage({ spec: row.spec, p, items: [], now });
      await this.db.addParticipant(p, { pid: panel.pid, study: panel.study, session: panel.session });
      this.changed(studyId);
      return { token: p.token, participant };
    });
  }

  /** The participant a study token belongs to (access/study.ts decides; a token that finds nobody is refused). */
  async participantPrincipal(studyId: string, token: string | undefined): Promise<Participant | Refusal> {
    const found = token ? await this.db.participantByToken(studyId, token) : null;
    return participantOf(studyId, token, found);
  }

  /** The participant holding a token (throws a StudyError refusal). */
  async participantFor(studyId: string, token: string): Promise<ParticipantRow> {
    const who = await this.participantPrincipal(studyId, token);
    if ('ok' in who) throw new StudyError(who.code, who.reason);
    return this.participantRow(who);
  }

  private async participantRow(who: Participant): Promise<ParticipantRow> {
    const p = await this.db.participant(who.studyId, who.participantId);
    if (!p) throw new StudyError('unauthorized', 'this study link is not valid any more; open the link from your panel again');
    return p;
  }

  /** What the participant's page shows now. Reads only. */
  page(principal: StudyPrincipal, studyId: string): Promise<Result<ParticipantPage>> {
    return attempt(async () => {
      allow(principal, 'participate', studyId);
      return this.pageOf(await this.participantRow(principal as Participant));
    });
  }

  private async pageOf(p: ParticipantRow): Promise<ParticipantPage> {
    const { row } = await this.study(p.studyId);
    const items = p.stage === 'items' ? await this.db.items(p.studyId, p.participant) : [];
    const item = currentItemOf(p, items);
    const token = item?.debateId ? ((await this.deps.store.seatTokens(item.debateId)).get(seatOf(item))?.token ?? '') : '';
    const page = participantPage(row, p, items, token);
    // An item waiting for the study's cap on paid agents a minute: the page says why, and when.
    if (item && !item.debateId && item.status === 'pending' && p.role === 'judge') {
      const refused = await this.paidRefusal(await this.study(p.studyId), p, item);
      if (refused) page.busy = { code: refused.kind, reason: refused.reason, ...(refused.retrySeconds ? { retrySeconds: refused.retrySeconds } : {}) };
    }
    if (page.end && row.spec.feedback === 'atEnd' && p.role === 'judge') page.end.feedback = await this.feedbackOf(p);
    return page;
  }

  /** Whether the judge was right on each counted item they judged (the end page's feedback when the spec asks for it at the end). */
  private async feedbackOf(p: ParticipantRow): Promise<{ item: number; correct: boolean }[]> {
    const out: { item: number; correct: boolean }[] = [];
    const counted = (await this.db.items(p.studyId, p.participant)).filter((i) => i.kind === 'item' && i.status === 'done' && i.debateId);
    for (const [k, i] of counted.entries()) {
      const verdict = (await this.deps.store.getTranscript(i.debateId!))?.verdict;
      if (verdict) out.push({ item: k + 1, correct: judgedCorrect(verdict.probabilities, verdict.correctIndex) });
    }
    return out;
  }

  /**
   * A participant's page moves them along (stages.ts), or beats (`seen`: the page is open,
   * the dropout clock restarts); either way what is due for them is done, and the page
   * they are now on is the answer.
   */
  move(principal: StudyPrincipal, studyId: string, move: PageMove): Promise<Result<ParticipantPage>> {
    return attempt(async () => {
      allow(principal, 'participate', studyId);
      const who = principal as Participant;
      if (move.type === 'seen') await this.reconcileCurrent(who);
      await this.locked(studyId, async () => {
        // Any request of the page says it is open; a participant back after their time ran out is out.
        if (await this.beat(await this.participantRow(who))) return;
        if (move.type !== 'seen') await this.step(await this.participantRow(who), move);
        await this.settle(studyId, who.participantId);
      });
      return this.pageOf(await this.participantRow(who));
    });
  }

  /**
   * The integrity signals a participant's page reports for one of their items (`position`,
   * 1-based as the page shows it: pastes, time hidden, time out of focus), added to the item's
   * totals; the dashboard's flags follow.
   */
  signals(principal: StudyPrincipal, studyId: string, s: ItemSignals & { position: number }): Promise<Result<void>> {
    return attempt(async () => {
      allow(principal, 'participate', studyId);
      const p = await this.participantRow(principal as Participant);
      const item = (await this.db.items(studyId, p.participant)).find((i) => i.position === s.position - 1);
      if (!item || item.kind === 'debate') throw new StudyError('not-found', `no item ${s.position} of yours to report on`);
      await this.db.addSignals(studyId, p.participant, item.position, { pastes: s.pastes, hiddenMs: s.hiddenMs, blurMs: s.blurMs });
      const flags = new Set(p.flags);
      if (s.pastes > 0) flags.add('pasted');
      if (s.hiddenMs + s.blurMs > 0) flags.add('left-page');
      if (flags.size !== p.flags.length) {
        await this.db.updateParticipant(studyId, p.participant, { flags: [...flags] });
        this.changed(studyId);
      }
    });
  }

  /** The answers to the post-item questions of one of the participant's judged items (`position` 1-based, as the page shows it). */
  answer(principal: StudyPrincipal, studyId: string, position: number, answers: Record<string, string | number>): Promise<Result<ParticipantPage>> {
    return attempt(async () => {
      allow(principal, 'participate', studyId);
      const p = await this.participantRow(principal as Participant);
      const { row } = await this.study(studyId);
      const questions = row.spec.postItemQuestions ?? [];
      const item = (await this.db.items(studyId, p.participant)).find((i) => i.position === position - 1);
      if (!item || item.kind !== 'item') throw new StudyError('not-found', `no item ${position} of yours with questions`);
      if (item.status !== 'done') throw new StudyError('conflict', 'give your verdict on this item first');
      const unknown = Object.keys(answers).filter((k) => !questions.some((q) => q.id === k));
      if (unknown.length) throw new StudyError('invalid', `no question ${unknown.join(', ')}`);
      const problems = questions.map((q) => answerProblem(q, answers[q.id])).filter((x): x is string => x !== null);
      if (problems.length) throw new StudyError('invalid', problems.join('; '));
      await this.db.setAnswers(studyId, p.participant, item.position, answers);
      return this.pageOf(await this.participantRow(principal as Participant));
    });
  }

  private async pathOf(p: ParticipantRow, now = Date.now()): Promise<PathState> {
    const { row } = await this.study(p.studyId);
    return { spec: row.spec, p, items: await this.db.items(p.studyId, p.participant), now };
  }

  /** The page is open: a participant whose time ran out is out (true), else seen now. */
  private async beat(p: ParticipantRow): Promise<boolean> {
    if (p.stage === 'done') return false;
    const ending = timeoutOf(await this.pathOf(p));
    if (ending) {
      await this.finish(p, ending.outcome, ending.flag);
      return true;
    }
    await this.db.updateParticipant(p.studyId, p.participant, { lastSeen: Date.now() });
    return false;
  }

  /** A move along the path: the stage table says where to and what leaving does; a stale move is ignored. */
  private async step(p: ParticipantRow, move: Move): Promise<void> {
    const next = transition(await this.pathOf(p), move);
    if (!next.ok) {
      if (next.code === 'conflict') throw new StudyError('conflict', next.reason);
      return;
    }
    await this.leave(p, next.to, next.effect);
  }

  /** What leaving a stage does (stages.ts's effects). */
  private async leave(p: ParticipantRow, to: ParticipantRow['stage'], effect: Effect): Promise<void> {
    const { studyId, participant } = p;
    switch (effect.type) {
      case 'finish':
        return this.finish(p, effect.outcome, effect.flag);
      case 'consented':
        await this.db.updateParticipant(studyId, participant, { stage: to, consentedAt: Date.now() });
        break;
      case 'joinLobby':
        await this.db.updateParticipant(studyId, participant, { stage: to, waitingSince: Date.now() });
        break;
      case 'advance':
        await this.db.updateParticipant(studyId, participant, { position: p.position + 1 });
        break;
      case 'quizMissed':
        await this.db.updateParticipant(studyId, participant, { flags: [...p.flags, 'missed-comprehension'] });
        break;
      case 'setOutItems': {
        const position = await this.setOutItems(p);
        if (position === null) {
          // Every place is held by judges still at work: wait for one to come back, if the waitlist has room.
          if (p.waitingSince !== null) return;
          if (!this.waitlistRoom((await this.study(studyId)).row.spec, await this.db.participants(studyId))) return this.finish(p, 'noCapacity');
          await this.db.updateParticipant(studyId, participant, { waitingSince: Date.now(), flags: [...new Set([...p.flags, 'waitlisted'])] });
          break;
        }
        await this.db.updateParticipant(studyId, participant, { stage: to, position, waitingSince: null });
        break;
      }
    }
    this.changed(studyId);
  }

  /**
   * A judge's items set out: practice, their drawn queue, checks. Practice, and any
   * passage this participant debated, are never judged as items. Null when the pool
   * has nothing for them.
   */
  private async setOutItems(p: ParticipantRow): Promise<number | null> {
    const { row, design } = await this.study(p.studyId);
    const spec = row.spec;
    const slots = await this.db.slots(p.studyId);
    const mine = await this.db.items(p.studyId, p.participant);
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
    // The participant's row of the balanced order: how many judges had their queue before them.
    const orderRow = new Set((await this.db.items(p.studyId)).filter((i) => i.kind === 'item').map((i) => i.participant)).size;
    const queue = drawQueue({ slots, conditions: design.conditionNames, items: spec.itemsPerParticipant, seed: spec.seed, participant: p.participant, row: orderRow, seenQuestions: seen.questions, seenStories: seen.stories });
    if (queue.length === 0) return null;
    const known = new Set(slots.map((s) => s.id));
    await this.db.addSlots(p.studyId, queue.filter((s) => !known.has(s.id)));
    const checksAfter = (k: number) => spec.attentionChecks.forEach((c, i) => c.after === k && add('check', design.checks[i]!.id, 'check', null));
    checksAfter(0);
    queue.forEach((slot, k) => {
      add('item', slot.scenarioId, slot.condition, slot.id);
      checksAfter(k + 1);
    });
    for (const slot of queue) await this.db.setSlot(p.studyId, slot.id, 'assigned', p.participant);
    await this.db.addItems(p.studyId, items);
    return mine.length;
  }

  /**
   * Opens what judges are due to see: the debate of a current item that has none (agent
   * debaters start once the judge joins), or, for an item that needs recruited debaters,
   * a place in the lobby, where the pool seats debaters as they come (or reassigns the
   * item after lobbySeconds). `only`: one participant's item; otherwise every judge's.
   */
  private async settle(studyId: string, only?: string, now = Date.now()): Promise<void> {
    const study = await this.study(studyId);
    await this.admitWaiting(study);
    await this.openPending(study, only);
    if (!study.row.spec.humanDebaters) return;
    await this.pool.match(studyId, now);
    // A judge the pool gave another item (no debaters came) has it opened now.
    await this.openPending(study);
  }

  /**
   * Whether one more judge may join the waitlist: it is on (waitlist seconds above 0) and
   * fewer wait than there are judges at work, each of whom may yet hand places back
   * (dropping out, timing out, or excluded by the study's rules).
   */
  private waitlistRoom(spec: StudySpec, participants: readonly ParticipantRow[]): boolean {
    const working = participants.filter((p) => p.role === 'judge' && p.stage === 'items').length;
    return waitlistSeconds(spec) > 0 && waitingJudges(participants).length < working;
  }

  /**
   * The waitlist, first come first served: a waiting judge draws a full queue as soon as
   * places come back; once no judge is at work any more, nothing can come back and the
   * judges still waiting end with the no-capacity code. (Waiting too long is a time-out: stages.ts.)
   */
  private async admitWaiting(study: Study): Promise<void> {
    const studyId = study.row.id;
    const participants = await this.db.participants(studyId);
    const waiting = waitingJudges(participants).sort((a, b) => a.waitingSince! - b.waitingSince!);
    if (waiting.length === 0) return;
    let working = participants.filter((p) => p.role === 'judge' && p.stage === 'items').length;
    for (const p of waiting) {
      const position = study.row.status === 'running' ? await this.setOutItems(p) : null;
      if (position !== null) {
        await this.db.updateParticipant(studyId, p.participant, { stage: 'items', position, waitingSince: null });
        working++;
      } else if (working === 0 || study.row.status === 'closed') await this.finish(p, 'noCapacity', 'waitlist-empty');
      else continue;
      this.changed(studyId);
    }
  }

  /** Whether a judge's pending item may start its debate now (access/study.ts decides the caps on paid agents). */
  private async paidRefusal(study: Study, p: ParticipantRow, item: ItemRow, now = Date.now()): Promise<PaidAgentRefusal | null> {
    const paid = this.paidConditions(study.design);
    if (!paid.has(item.condition) || item.kind === 'check') return null;
    return paidItemRefusal(paidAgentLimits(study.row.spec), await paidUse(this.deps.store, study.row.id, p.participant, paid, now), now);
  }

  /** The study's conditions argued by paid agents. */
  private paidConditions(design: ResolvedStudy): Set<string> {
    return paidConditions(design, (id) => this.deps.paidAgent?.(id) ?? false);
  }

  private async openPending(study: Study, only?: string): Promise<void> {
    const studyId = study.row.id;
    const judges = (only ? [await this.db.participant(studyId, only)] : await this.db.participants(studyId)).filter(
      (p): p is ParticipantRow => !!p && p.role === 'judge' && p.stage === 'items',
    );
    if (judges.length === 0) return;
    const items = await this.db.items(studyId, only);
    let opened = false;
    for (const p of judges) {
      const item = items.find((i) => i.participant === p.participant && i.position === p.position);
      if (!item || item.debateId || item.status !== 'pending') continue;
      if (needsDebaters(study.design, item)) {
        if (p.waitingSince !== null) continue;
        await this.db.updateParticipant(studyId, p.participant, { waitingSince: Date.now() });
        opened = true;
        continue;
      }
      // Items argued by paid agents: a participant past their cap ends (return code); over the study's cap a minute, the item waits.
      const refused = await this.paidRefusal(study, p, item);
      if (refused?.kind === 'paid-agents-per-participant') {
        await this.finish(p, 'noCapacity', 'paid-agent-cap');
        opened = true;
        continue;
      }
      if (refused) continue;
      const slot = item.slot ? (await this.db.slots(studyId)).find((s) => s.id === item.slot) : undefined;
      const created = await openItemDebate(this.deps, study, p.participant, item, slot);
      await this.db.updateItem(studyId, p.participant, item.position, { debateId: created.id, status: 'open', startedAt: Date.now() });
      opened = true;
    }
    if (opened) this.changed(studyId);
  }

  /** A participant's open item whose stored debate is over but not yet recorded (its process died first) is recorded now. */
  private async reconcileCurrent(who: Participant): Promise<void> {
    const p = await this.participantRow(who);
    const item = currentItemOf(p, await this.db.items(p.studyId, p.participant));
    if (item?.debateId && item.status === 'open' && (await this.isOver(item.debateId))) await this.debateOver(item.debateId);
  }

  private async isOver(debateId: string): Promise<boolean> {
    const status = (await this.deps.store.summary(debateId))?.status;
    return status === 'finished' || status === 'ended';
  }

  /** A study debate reached a verdict (or ended without one): the judge's item and any recruited debaters'. */
  private async debateOver(debateId: string): Promise<void> {
    const [first] = await this.db.itemsByDebate(debateId);
    if (!first) return;
    await this.locked(first.studyId, async () => {
      await this.recordOver(first.studyId, debateId);
      await this.settle(first.studyId);
    });
  }

  /** Records the end of a study debate (inside the study's lock); nothing while the stored debate still runs. */
  private async recordOver(studyId: string, debateId: string): Promise<void> {
    const all = await this.db.itemsByDebate(debateId);
    const item = all.find((i) => i.kind !== 'debate');
    const record = await this.deps.store.getTranscript(debateId);
    if (!record || !item || (record.status !== 'finished' && record.status !== 'ended')) return;
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
  }

  /**
   * Ends a participant's study with an outcome. Their unfinished counted items go back
   * to the pool (to be drawn by a later arrival), and so do their judged ones when the
   * outcome excludes them (their judgements are kept, and counted apart); an open debate
   * is cancelled and its end recorded (a recruited debater's too: its judge then waits
   * for other debaters).
   */
  async finish(p: ParticipantRow, outcome: Outcome, flag?: string): Promise<void> {
    const items = await this.db.items(p.studyId, p.participant);
    const cancelled: string[] = [];
    const excluded = exclusionOf({ ...p, outcome }) !== null;
    for (const item of items) {
      if (item.status === 'done' && excluded && item.slot && item.kind === 'item') await this.db.setSlot(p.studyId, item.slot, 'open', null);
      if (item.status === 'done' || item.status === 'abandoned') continue;
      await this.db.updateItem(p.studyId, p.participant, item.position, { status: 'abandoned' });
      if (item.slot && item.kind !== 'debate') await this.db.setSlot(p.studyId, item.slot, 'open', null);
      if (item.debateId && item.status === 'open') {
        await this.deps.sessions.cancel(item.debateId, `study participant left (${outcome})`);
        cancelled.push(item.debateId);
      }
    }
    const flags = flag ? [...new Set([...p.flags, flag])] : p.flags;
    await this.db.updateParticipant(p.studyId, p.participant, { stage: 'done', outcome, finishedAt: Date.now(), flags, waitingSince: null });
    for (const debateId of cancelled) await this.recordOver(p.studyId, debateId);
    this.changed(p.studyId);
  }

  /** Applies the time limits to every study (stages.ts). Runs on a timer. */
  async sweep(now = Date.now()): Promise<number> {
    let ended = 0;
    for (const row of await this.db.list()) ended += await this.sweepOne(row.id, now);
    return ended;
  }

  /**
   * One study's time limits (see stages.ts); verdicts its debates' processes died before
   * recording are recorded; judges waiting too long for debaters get another item, and
   * every judge's current item is opened.
   */
  async sweepOne(studyId: string, now = Date.now()): Promise<number> {
    return this.locked(studyId, async () => {
      const row = await this.db.get(studyId);
      if (!row) return 0;
      const participants = (await this.db.participants(studyId)).filter((p) => p.stage !== 'done');
      if (participants.length === 0) return 0;
      const items = await this.db.items(studyId);
      let ended = 0;
      for (const p of participants) {
        const ending = timeoutOf({ spec: row.spec, p, items: items.filter((i) => i.participant === p.participant), now });
        if (!ending) continue;
        // Re-read: ending someone earlier in this sweep may have moved this participant on.
        const fresh = await this.db.participant(studyId, p.participant);
        if (!fresh || fresh.stage === 'done') continue;
        await this.finish(fresh, ending.outcome, ending.flag);
        ended++;
      }
      for (const item of await this.db.items(studyId)) {
        if (item.status === 'open' && item.debateId && (await this.isOver(item.debateId))) await this.recordOver(studyId, item.debateId);
      }
      await this.settle(studyId, undefined, now);
      return ended;
    });
  }
}
