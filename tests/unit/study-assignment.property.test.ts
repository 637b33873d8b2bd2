/**
 * Property tests of the study assignment over many simulated studies: random designs,
 * random arrivals, completions and dropouts (fast-check; FC_RUNS for more).
 * - nobody is given a question or a story twice (practice included);
 * - a queue drawn from a fresh pool is balanced over conditions within the participant;
 * - every slot ends done, once per trial, so each cell gets trials 1…k (the blocked
 *   counterbalancing of the engine), however many dropouts there were;
 * - a slot left by a dropout is drawn again (refilled).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conditionSequence, drawQueue, planSlots, type CellSpec, type Slot } from '../../server/src/studies/assignment.ts';

const RUNS = Number(process.env.FC_RUNS ?? 150);

interface Design {
  stories: number;
  questionsPerStory: number;
  conditions: string[];
  items: number;
  k: number;
}

const design = fc
  .record({
    stories: fc.integer({ min: 2, max: 8 }),
    questionsPerStory: fc.integer({ min: 1, max: 2 }),
    conditions: fc.uniqueArray(fc.constantFrom('debate', 'consultancy', 'blind', 'expert'), { minLength: 1, maxLength: 4 }),
    items: fc.integer({ min: 1, max: 6 }),
    k: fc.integer({ min: 1, max: 4 }),
  })
  .map((d): Design => ({ ...d, items: Math.min(d.items, d.stories) }));

function cellsOf(d: Design): CellSpec[] {
  const cells: CellSpec[] = [];
  for (let s = 0; s < d.stories; s++) {
    for (let q = 0; q < d.questionsPerStory; q++) {
      for (const c of d.conditions) cells.push({ scenarioId: `s${s}q${q}`, condition: c, questionKey: `story ${s}::question ${q}`, storyKey: `story ${s}` });
    }
  }
  return cells;
}

/** One participant's fate: how many of their items they finish before leaving (items: all). */
const fates = fc
  .array(fc.oneof(fc.constant(Number.POSITIVE_INFINITY), fc.integer({ min: 0, max: 5 })), { minLength: 0, maxLength: 40 })
  // Someone finishes now and then: one in every cycle of fates stays to the end.
  .map((f) => [...f, Number.POSITIVE_INFINITY]);

describe('study assignment', () => {
  it('never repeats a question or story for a participant, refills every dropout, and fills every cell trial by trial', () => {
    fc.assert(
      fc.property(design, fates, fc.string({ minLength: 1, maxLength: 8 }), (d, fateList, seed) => {
        const slots: Slot[] = planSlots(cellsOf(d), d.k);
        const drawnTimes = new Map<string, number>();
        const returned = new Set<string>();
        let arrivals = 0;
        // Participants keep arriving (their fates cycling) until the pool is done; dropouts hand slots back.
        while (slots.some((s) => s.status !== 'done')) {
          const fate = fateList[arrivals % fateList.length]!;
          const participant = `p${arrivals++}`;
          expect(arrivals).toBeLessThan(2000);
          // Every third arrival practised on story 0 (not every cycle, so that some finisher never did).
          const practiceStory = arrivals % 3 === 0 && Math.floor(arrivals / fateList.length) % 2 === 0 ? 'story 0' : null;
          const queue = drawQueue({
            slots,
            conditions: d.conditions,
            items: d.items,
            seed,
            participant,
            seenQuestions: new Set(),
            seenStories: new Set(practiceStory ? [practiceStory] : []),
          });
          const open = slots.filter((s) => s.status === 'open');
          // Something is drawn whenever the pool holds a slot this participant may take.
          if (open.some((s) => s.storyKey !== practiceStory)) expect(queue.length).toBeGreaterThan(0);
          expect(queue.length).toBeLessThanOrEqual(d.items);
          expect(new Set(queue.map((s) => s.questionKey)).size).toBe(queue.length);
          expect(new Set(queue.map((s) => s.storyKey)).size).toBe(queue.length);
          if (practiceStory) expect(queue.some((s) => s.storyKey === practiceStory)).toBe(false);
          for (const s of queue) {
            expect(s.status).toBe('open');
            s.status = 'assigned';
            drawnTimes.set(s.id, (drawnTimes.get(s.id) ?? 0) + 1);
          }
          queue.forEach((s, i) => {
            s.status = i < fate ? 'done' : 'open';
            if (s.status === 'open') returned.add(s.id);
          });
        }
        // Every cell has each trial 1…k done exactly once.
        const byCell = new Map<string, number[]>();
        for (const s of slots) byCell.set(s.cell, [...(byCell.get(s.cell) ?? []), s.trial]);
        for (const trials of byCell.values()) expect(trials.sort((a, b) => a - b)).toEqual(Array.from({ length: d.k }, (_, i) => i + 1));
        // Every slot a dropout handed back was drawn again and is done.
        for (const id of returned) expect(drawnTimes.get(id)).toBeGreaterThan(1);
      }),
      { numRuns: RUNS },
    );
  });

  it('with stored debates to re-judge among the items: no question or story twice, never a story the participant debated, every slot refilled', () => {
    // Re-judging cells: one per stored debate, several debates per story (as imported datasets have), beside live cells.
    const withOriginals = fc.record({ d: design, originalsPerStory: fc.integer({ min: 1, max: 3 }), rejudgeStories: fc.integer({ min: 1, max: 6 }) });
    fc.assert(
      fc.property(withOriginals, fates, fc.string({ minLength: 1, maxLength: 8 }), ({ d, originalsPerStory, rejudgeStories }, fateList, seed) => {
        const cells = cellsOf(d);
        for (let s = 0; s < rejudgeStories; s++) {
          for (let o = 0; o < originalsPerStory; o++) {
            // Stored debates may share a story with the live scenarios (story 0 is both), and questions within a story.
            const story = s === 0 ? 'story 0' : `stored story ${s}`;
            cells.push({ scenarioId: `nyu-${s}`, originalId: `orig-${s}-${o}`, condition: 'rejudge', questionKey: `${story}::question ${o % 2}`, storyKey: story });
          }
        }
        const conditions = [...d.conditions, 'rejudge'];
        const slots: Slot[] = planSlots(cells, d.k);
        expect(slots.filter((s) => s.originalId).every((s) => s.cell === `${s.originalId}|rejudge`)).toBe(true);
        const allStories = [...new Set(cells.map((c) => c.storyKey))];
        const drawnTimes = new Map<string, number>();
        const returned = new Set<string>();
        let arrivals = 0;
        while (slots.some((s) => s.status !== 'done')) {
          const fate = fateList[arrivals % fateList.length]!;
          const participant = `p${arrivals++}`;
          expect(arrivals).toBeLessThan(3000);
          // Some participants debated a passage (as recruited debaters) before judging; finishers on alternate cycles did not.
          const debated = arrivals % 4 === 1 && Math.floor(arrivals / fateList.length) % 2 === 0 ? new Set([allStories[arrivals % allStories.length]!]) : new Set<string>();
          const queue = drawQueue({ slots, conditions, items: d.items, seed, participant, seenQuestions: new Set(), seenStories: debated });
          const open = slots.filter((s) => s.status === 'open');
          if (open.some((s) => !debated.has(s.storyKey))) expect(queue.length).toBeGreaterThan(0);
          expect(new Set(queue.map((s) => s.questionKey)).size).toBe(queue.length);
          expect(new Set(queue.map((s) => s.storyKey)).size).toBe(queue.length);
          for (const s of queue) expect(debated.has(s.storyKey)).toBe(false);
          for (const s of queue) {
            expect(s.status).toBe('open');
            s.status = 'assigned';
            drawnTimes.set(s.id, (drawnTimes.get(s.id) ?? 0) + 1);
          }
          queue.forEach((s, i) => {
            s.status = i < fate ? 'done' : 'open';
            if (s.status === 'open') returned.add(s.id);
          });
        }
        // Every stored debate was re-judged k times, trial by trial, and every handed-back slot was drawn again.
        for (const c of cells.filter((x) => x.originalId)) {
          expect(slots.filter((s) => s.originalId === c.originalId).map((s) => s.trial).sort((a, b) => a - b)).toEqual(Array.from({ length: d.k }, (_, i) => i + 1));
        }
        for (const id of returned) expect(drawnTimes.get(id)).toBeGreaterThan(1);
      }),
      { numRuns: RUNS },
    );
  });

  it('balances conditions (re-judging among them) within a participant whose queue comes from a fresh pool', () => {
    fc.assert(
      fc.property(design, fc.string({ minLength: 1, maxLength: 8 }), fc.string({ minLength: 1, maxLength: 8 }), (d, seed, participant) => {
        const cells = cellsOf(d);
        for (let s = 0; s < d.stories; s++) cells.push({ scenarioId: `nyu-${s}`, originalId: `orig-${s}`, condition: 'rejudge', questionKey: `stored ${s}::q`, storyKey: `stored ${s}` });
        const conditions = [...d.conditions, 'rejudge'];
        const queue = drawQueue({ slots: planSlots(cells, d.k), conditions, items: d.items, seed, participant, seenQuestions: new Set(), seenStories: new Set() });
        expect(queue).toHaveLength(d.items);
        const counts = conditions.map((c) => queue.filter((s) => s.condition === c).length);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        expect(queue.map((s) => s.condition)).toEqual(conditionSequence(conditions, d.items, seed, participant));
      }),
      { numRuns: RUNS },
    );
  });

  it('balances conditions within a participant whose queue comes from a fresh pool', () => {
    fc.assert(
      fc.property(design, fc.string({ minLength: 1, maxLength: 8 }), fc.string({ minLength: 1, maxLength: 8 }), (d, seed, participant) => {
        const slots = planSlots(cellsOf(d), d.k);
        const queue = drawQueue({ slots, conditions: d.conditions, items: d.items, seed, participant, seenQuestions: new Set(), seenStories: new Set() });
        expect(queue).toHaveLength(d.items);
        const counts = d.conditions.map((c) => queue.filter((s) => s.condition === c).length);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        // The queue follows the participant's seeded rotation of conditions.
        expect(queue.map((s) => s.condition)).toEqual(conditionSequence(d.conditions, d.items, seed, participant));
      }),
      { numRuns: RUNS },
    );
  });

  it('fills the least-filled cells first, so across the study cells of a condition differ by at most one judgement while nobody drops out', () => {
    fc.assert(
      fc.property(design, fc.string({ minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 30 }), (d, seed, arrivals) => {
        const slots = planSlots(cellsOf(d), d.k);
        for (let i = 0; i < arrivals; i++) {
          for (const s of drawQueue({ slots, conditions: d.conditions, items: 1, seed, participant: `p${i}`, seenQuestions: new Set(), seenStories: new Set() })) s.status = 'done';
          for (const c of d.conditions) {
            const fills = [...new Set(slots.filter((s) => s.condition === c).map((s) => s.cell))].map((cell) => slots.filter((s) => s.cell === cell && s.status === 'done').length);
            expect(Math.max(...fills) - Math.min(...fills)).toBeLessThanOrEqual(1);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('gives the same queue for the same seed and participant, and records the trial as the seed of the cell', () => {
    const d: Design = { stories: 5, questionsPerStory: 1, conditions: ['debate', 'consultancy', 'blind'], items: 3, k: 2 };
    const a = drawQueue({ slots: planSlots(cellsOf(d), 2), conditions: d.conditions, items: 3, seed: 's', participant: 'x', seenQuestions: new Set(), seenStories: new Set() });
    const b = drawQueue({ slots: planSlots(cellsOf(d), 2), conditions: d.conditions, items: 3, seed: 's', participant: 'x', seenQuestions: new Set(), seenStories: new Set() });
    expect(a.map((s) => s.id)).toEqual(b.map((s) => s.id));
    expect(a.every((s) => s.trial === 1)).toBe(true);
  });
});
