/**
 * Recruited human debaters. A condition whose debater seats are `human` is played by
 * people from the study's debater pool: participants who entered with the debater link
 * (`role=debater`) and wait in the lobby. When a judge reaches such an item, the
 * longest-waiting debaters who may take it are seated with them; if none come within
 * `humanDebaters.lobbySeconds`, the item goes back to the pool and the judge gets another
 * one that needs no recruited debaters (or, if there is none, moves on). Nobody judges a
 * passage they debated, and no debater gets the same question twice.
 *
 * Everything here runs inside the study's lock (see study-lock.ts).
 */
import { questionKey } from '@arena/shared';
import { drawQueue } from './assignment.ts';
import { openItemDebate, type ItemDebateDeps } from './item-debate.ts';
import type { ResolvedStudy } from './resolve.ts';
import { storyKeyOf } from './resolve.ts';
import type { Outcome } from './spec.ts';
import type { ItemRow, ParticipantRow, SlotRow, StudyRow, StudyStore } from './study-store.ts';

/** What the pool needs from the study service. */
export interface PoolHost {
  db: StudyStore;
  deps: ItemDebateDeps;
  study(id: string): Promise<{ row: StudyRow; design: ResolvedStudy }>;
  finish(p: ParticipantRow, outcome: Outcome, flag?: string): Promise<void>;
}

/** The question and story of an item (scenario, check or re-judged original). */
export function exposureOf(design: ResolvedStudy, item: Pick<ItemRow, 'scenarioId' | 'slot'>, slots: readonly SlotRow[]): { question: string; story: string } | null {
  const slot = item.slot ? slots.find((s) => s.id === item.slot) : undefined;
  if (slot) return { question: slot.questionKey, story: slot.storyKey };
  const s = design.scenarios.get(item.scenarioId) ?? design.checks.find((c) => c.id === item.scenarioId);
  return s ? { question: questionKey(s.title, s.question), story: storyKeyOf(s) } : null;
}

/** Questions and stories a participant has met in any item: judged, practised or debated. */
export function seenBy(design: ResolvedStudy, items: readonly ItemRow[], slots: readonly SlotRow[], except?: number): { questions: Set<string>; stories: Set<string> } {
  const questions = new Set<string>();
  const stories = new Set<string>();
  for (const i of items) {
    if (i.position === except || i.status === 'abandoned') continue;
    const e = exposureOf(design, i, slots);
    if (e) {
      questions.add(e.question);
      stories.add(e.story);
    }
  }
  return { questions, stories };
}

/** Whether an item's condition needs recruited debaters. */
export const needsDebaters = (design: ResolvedStudy, item: Pick<ItemRow, 'kind' | 'condition'>): boolean =>
  item.kind !== 'check' && (design.conditions.get(item.condition)?.humanSeats.length ?? 0) > 0;

/** The recruited debaters' seats of an item's debate: a seat per answer ('all') or the one consultant, those the condition fills with people. */
export function humanSeatsOf(design: ResolvedStudy, item: Pick<ItemRow, 'condition' | 'scenarioId'>): string[] {
  const condition = design.conditions.get(item.condition);
  const scenario = design.scenarios.get(item.scenarioId);
  if (!condition || !scenario) return [];
  const inPlay = condition.rules.debaters === 'one' ? ['A'] : ['A', 'B', 'C', 'D'].slice(0, scenario.answers.length);
  return condition.humanSeats.filter((seat) => inPlay.includes(seat));
}

export class DebaterPool {
  private readonly host: PoolHost;

  constructor(host: PoolHost) {
    this.host = host;
  }

  /**
   * Seats waiting judges with waiting debaters, oldest first on both sides; a judge who
   * has waited past the lobby time gets another item. Called whenever a judge or a
   * debater in the lobby moves or their page beats, and on the sweep.
   */
  async match(studyId: string, now = Date.now()): Promise<void> {
    const { db } = this.host;
    const study = await this.host.study(studyId);
    const lobby = study.row.spec.humanDebaters;
    if (!lobby) return;
    const participants = await db.participants(studyId);
    const judges = participants.filter((p) => p.role === 'judge' && p.stage === 'items' && p.waitingSince !== null).sort((a, b) => a.waitingSince! - b.waitingSince!);
    if (judges.length === 0) return;
    const items = await db.items(studyId);
    const slots = await db.slots(studyId);
    const free = participants
      .filter((p) => p.role === 'debater' && p.stage === 'lobby')
      .sort((a, b) => (a.waitingSince ?? a.enteredAt) - (b.waitingSince ?? b.enteredAt));
    const itemsOf = (p: string) => items.filter((i) => i.participant === p);
    for (const judge of judges) {
      const item = itemsOf(judge.participant).find((i) => i.position === judge.position);
      if (!item || item.debateId || !needsDebaters(study.design, item)) {
        await db.updateParticipant(studyId, judge.participant, { waitingSince: null });
        continue;
      }
      const seats = humanSeatsOf(study.design, item);
      const exposure = exposureOf(study.design, item, slots)!;
      const eligible = free.filter((d) => {
        const seen = seenBy(study.design, itemsOf(d.participant), slots);
        return !seen.questions.has(exposure.question) && !seen.stories.has(exposure.story);
      });
      if (eligible.length >= seats.length) {
        const chosen = eligible.slice(0, seats.length);
        for (const d of chosen) free.splice(free.indexOf(d), 1);
        await this.seat(study, judge, item, slots, Object.fromEntries(seats.map((seat, i) => [seat, chosen[i]!])), itemsOf, now);
      } else if (now - judge.waitingSince! > lobby.lobbySeconds * 1000) {
        await this.reassign(study, judge, item, itemsOf(judge.participant), slots);
      }
    }
  }

  /** Creates the debate: the judge's item opens, each debater gets a `debate` item in their own sequence. */
  private async seat(
    study: { row: StudyRow; design: ResolvedStudy },
    judge: ParticipantRow,
    item: ItemRow,
    slots: readonly SlotRow[],
    bySeat: Record<string, ParticipantRow>,
    itemsOf: (p: string) => ItemRow[],
    now: number,
  ): Promise<void> {
    const { db } = this.host;
    const studyId = study.row.id;
    const slot = item.slot ? slots.find((s) => s.id === item.slot) : undefined;
    const names = Object.fromEntries(Object.entries(bySeat).map(([seat, p]) => [seat, p.participant]));
    const created = await openItemDebate(this.host.deps, study, judge.participant, item, slot, names);
    await db.updateItem(studyId, judge.participant, item.position, { debateId: created.id, status: 'open', startedAt: now });
    await db.updateParticipant(studyId, judge.participant, { waitingSince: null });
    for (const [seat, d] of Object.entries(bySeat)) {
      const position = itemsOf(d.participant).length;
      await db.addItems(studyId, [
        { participant: d.participant, position, kind: 'debate', slot: item.slot, scenarioId: item.scenarioId, condition: item.condition, debateId: created.id, status: 'open', startedAt: now, finishedAt: null, seat },
      ]);
      await db.updateParticipant(studyId, d.participant, { stage: 'items', position, waitingSince: null });
    }
  }

  /**
   * Nobody came in time: the item's slot goes back to the pool (a later judge may meet
   * debaters), and the judge's item becomes an open slot of a condition without recruited
   * debaters that they may take; with none, the judge moves on past it.
   */
  private async reassign(study: { row: StudyRow; design: ResolvedStudy }, judge: ParticipantRow, item: ItemRow, mine: ItemRow[], slots: SlotRow[]): Promise<void> {
    const { db } = this.host;
    const studyId = study.row.id;
    const flags = [...new Set([...judge.flags, 'lobby-timeout'])];
    if (item.slot) await db.setSlot(studyId, item.slot, 'open', null);
    const seen = seenBy(study.design, mine, slots, item.position);
    const [replacement] = drawQueue({
      // The slot just handed back is not drawn again for this judge: it waits for debaters.
      slots: slots.filter((s) => s.id !== item.slot && !needsDebaters(study.design, { kind: 'item', condition: s.condition })),
      conditions: study.design.conditionNames.filter((c) => !needsDebaters(study.design, { kind: 'item', condition: c })),
      items: 1,
      seed: study.row.spec.seed,
      participant: `${judge.participant}|${item.position}`,
      row: item.position,
      seenQuestions: seen.questions,
      seenStories: seen.stories,
    });
    if (replacement) {
      await db.setSlot(studyId, replacement.id, 'assigned', judge.participant);
      await db.updateItem(studyId, judge.participant, item.position, { slot: replacement.id, scenarioId: replacement.scenarioId, condition: replacement.condition, status: 'pending' });
      await db.updateParticipant(studyId, judge.participant, { waitingSince: null, flags });
      return;
    }
    await db.updateItem(studyId, judge.participant, item.position, { status: 'abandoned', slot: null });
    await db.updateParticipant(studyId, judge.participant, { waitingSince: null, flags });
    // Past their last item: completed if they judged anything, else there was no room for them.
    const judged = mine.some((i) => i.kind !== 'practice' && i.status === 'done');
    if (judge.position + 1 >= mine.length) await this.host.finish({ ...judge, flags }, judged ? 'completed' : 'noCapacity');
    else await db.updateParticipant(studyId, judge.participant, { position: judge.position + 1 });
  }

  /**
   * A debate with recruited debaters is over: each debater still on it goes back to the
   * lobby, or ends with the completed code after their last debate.
   */
  async debateOver(studyId: string, debaterItems: readonly ItemRow[], finished: boolean): Promise<void> {
    const { db } = this.host;
    const { row } = await this.host.study(studyId);
    const perDebater = row.spec.humanDebaters?.debatesPerDebater ?? 1;
    const now = Date.now();
    for (const item of debaterItems) {
      if (item.status !== 'open') continue;
      await db.updateItem(studyId, item.participant, item.position, { status: finished ? 'done' : 'abandoned', finishedAt: now });
      const d = await db.participant(studyId, item.participant);
      if (!d || d.stage !== 'items' || d.position !== item.position) continue;
      const debated = (await db.items(studyId, d.participant)).filter((i) => i.kind === 'debate' && i.status === 'done').length;
      if (debated >= perDebater) await this.host.finish(d, 'completed');
      else await db.updateParticipant(studyId, d.participant, { stage: 'lobby', waitingSince: now });
    }
  }
}
