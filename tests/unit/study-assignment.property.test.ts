/**
 * Property tests of the study assignment over many simulated studies: random designs,
 * random arrivals, completions and dropouts (fast-check; FC_RUNS for more).
 * - nobody is given a question or a story twice (practice included);
 * - a queue is full or empty, never short;
 * - a queue is balanced over conditions within the participant, whatever the arrival
 *   order, the pool's state and the dropouts and exclusions before (adversarial orders);
 * - the order of conditions follows the participant's row of a balanced Latin square;
 * - every planned slot ends done, once per trial, so each cell gets trials 1…k (the blocked
 *   counterbalancing of the engine), however many dropouts there were; top-ups go beyond k;
 * - a slot left by a dropout is drawn again (refilled).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balancedOrder, conditionSequence, drawQueue, planSlots, type CellSpec, type Slot } from '../../server/src/studies/assignment.ts';

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
  // A practice story or a debated one may take one story: a full queue always fits.
  .map((d): Design => ({ ...d, items: Math.min(d.items, d.stories - 1) }));

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


/** The queue's conditions are the row's order repeated, then the remainder in the row's order. */
function expectRowOrder(sequence: string[], order: string[]): void {
  const whole = Math.floor(sequence.length / order.length) * order.length;
  sequence.slice(0, whole).forEach((c, i) => expect(c).toBe(order[i % order.length]));
  const rest = sequence.slice(whole);
  expect(rest).toEqual(order.filter((c) => rest.includes(c)));
}

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
            row: arrivals - 1,
            seenQuestions: new Set(),
            seenStories: new Set(practiceStory ? [practiceStory] : []),
          });
          expect([0, d.items]).toContain(queue.length);
          const open = slots.filter((s) => s.status === 'open');
          // Something is drawn whenever the pool holds a slot this participant may take.
          if (open.some((s) => s.storyKey !== practiceStory)) expect(queue.length).toBeGreaterThan(0);
          expect(queue.length).toBeLessThanOrEqual(d.items);
          expect(new Set(queue.map((s) => s.questionKey)).size).toBe(queue.length);
          expect(new Set(queue.map((s) => s.storyKey)).size).toBe(queue.length);
          if (practiceStory) expect(queue.some((s) => s.storyKey === practiceStory)).toBe(false);
          for (const s of queue) {
            expect(s.status).toBe('open');
            if (!slots.includes(s)) slots.push(s);
            s.status = 'assigned';
            drawnTimes.set(s.id, (drawnTimes.get(s.id) ?? 0) + 1);
          }
          queue.forEach((s, i) => {
            s.status = i < fate ? 'done' : 'open';
            if (s.status === 'open') returned.add(s.id);
          });
        }
        // Every cell has each planned trial 1…k done exactly once (top-ups are trials k+1, k+2, … after them).
        const byCell = new Map<string, number[]>();
        for (const s of slots) byCell.set(s.cell, [...(byCell.get(s.cell) ?? []), s.trial]);
        for (const trials of byCell.values()) {
          trials.sort((a, b) => a - b);
          expect(trials.slice(0, d.k)).toEqual(Array.from({ length: d.k }, (_, i) => i + 1));
          expect(trials).toEqual(Array.from({ length: trials.length }, (_, i) => i + 1));
        }
        // Every slot a dropout handed back was drawn again and is done.
        for (const id of returned) expect(drawnTimes.get(id)).toBeGreaterThan(1);
      }),
      { numRuns: RUNS },
    );
  });

  it('with stored debates to re-judge among the items: no question or story twice, never a story the participant debated, every slot refilled', () => {
    // Re-judging cells: one per stored debate, several debates per story (as imported datasets have), beside live cells.
    // Enough stored stories that a full balanced queue fits beside every live slot (a design where none fits leaves slots no participant may take).
    const withOriginals = fc
      .record({ d: design, originalsPerStory: fc.integer({ min: 1, max: 3 }), rejudgeStories: fc.integer({ min: 1, max: 6 }) })
      .map((x) => ({ ...x, rejudgeStories: Math.max(x.rejudgeStories, x.d.items + 1) }));
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
          const queue = drawQueue({ slots, conditions, items: d.items, seed, participant, row: arrivals - 1, seenQuestions: new Set(), seenStories: debated });
          const open = slots.filter((s) => s.status === 'open');
          expect([0, d.items]).toContain(queue.length);
          // A participant who saw nothing gets a queue while anything is open (one who debated a story may find no full queue fits).
          if (debated.size === 0 && open.length > 0) expect(queue.length).toBeGreaterThan(0);
          expect(new Set(queue.map((s) => s.questionKey)).size).toBe(queue.length);
          expect(new Set(queue.map((s) => s.storyKey)).size).toBe(queue.length);
          for (const s of queue) expect(debated.has(s.storyKey)).toBe(false);
          for (const s of queue) {
            expect(s.status).toBe('open');
            if (!slots.includes(s)) slots.push(s);
            s.status = 'assigned';
            drawnTimes.set(s.id, (drawnTimes.get(s.id) ?? 0) + 1);
          }
          queue.forEach((s, i) => {
            s.status = i < fate ? 'done' : 'open';
            if (s.status === 'open') returned.add(s.id);
          });
        }
        // Every stored debate was re-judged k times (planned trials 1…k; top-ups after them), and every handed-back slot was drawn again.
        for (const c of cells.filter((x) => x.originalId)) {
          const trials = slots.filter((s) => s.originalId === c.originalId).map((s) => s.trial).sort((a, b) => a - b);
          expect(trials.slice(0, d.k)).toEqual(Array.from({ length: d.k }, (_, i) => i + 1));
          expect(trials).toEqual(Array.from({ length: trials.length }, (_, i) => i + 1));
        }
        for (const id of returned) expect(drawnTimes.get(id)).toBeGreaterThan(1);
      }),
      { numRuns: RUNS },
    );
  });

  it('balances conditions (re-judging among them) within a participant whose queue comes from a fresh pool', () => {
    fc.assert(
      fc.property(design, fc.string({ minLength: 1, maxLength: 8 }), fc.string({ minLength: 1, maxLength: 8 }), fc.nat(50), (d, seed, participant, row) => {
        const cells = cellsOf(d);
        for (let s = 0; s < d.stories; s++) cells.push({ scenarioId: `nyu-${s}`, originalId: `orig-${s}`, condition: 'rejudge', questionKey: `stored ${s}::q`, storyKey: `stored ${s}` });
        const conditions = [...d.conditions, 'rejudge'];
        const queue = drawQueue({ slots: planSlots(cells, d.k), conditions, items: d.items, seed, participant, row, seenQuestions: new Set(), seenStories: new Set() });
        expect(queue).toHaveLength(d.items);
        const counts = conditions.map((c) => queue.filter((s) => s.condition === c).length);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        expectRowOrder(queue.map((s) => s.condition), balancedOrder(conditions, row));
      }),
      { numRuns: RUNS },
    );
  });

  it('balances conditions within a participant whose queue comes from a fresh pool', () => {
    fc.assert(
      fc.property(design, fc.string({ minLength: 1, maxLength: 8 }), fc.string({ minLength: 1, maxLength: 8 }), fc.nat(50), (d, seed, participant, row) => {
        const slots = planSlots(cellsOf(d), d.k);
        const queue = drawQueue({ slots, conditions: d.conditions, items: d.items, seed, participant, row, seenQuestions: new Set(), seenStories: new Set() });
        expect(queue).toHaveLength(d.items);
        const counts = d.conditions.map((c) => queue.filter((s) => s.condition === c).length);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        // The queue follows the participant's row of the balanced Latin square (every condition equally open: the row's own sequence).
        expect(queue.map((s) => s.condition)).toEqual(conditionSequence(d.conditions, d.items, row));
      }),
      { numRuns: RUNS },
    );
  });

  it('fills the least-filled cells first, so across the study cells of a condition differ by at most one judgement while nobody drops out', () => {
    fc.assert(
      fc.property(design, fc.string({ minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 30 }), (d, seed, arrivals) => {
        const slots = planSlots(cellsOf(d), d.k);
        for (let i = 0; i < arrivals; i++) {
          for (const s of drawQueue({ slots, conditions: d.conditions, items: 1, seed, participant: `p${i}`, row: i, seenQuestions: new Set(), seenStories: new Set() })) s.status = 'done';
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
    const a = drawQueue({ slots: planSlots(cellsOf(d), 2), conditions: d.conditions, items: 3, seed: 's', participant: 'x', row: 0, seenQuestions: new Set(), seenStories: new Set() });
    const b = drawQueue({ slots: planSlots(cellsOf(d), 2), conditions: d.conditions, items: 3, seed: 's', participant: 'x', row: 0, seenQuestions: new Set(), seenStories: new Set() });
    expect(a.map((s) => s.id)).toEqual(b.map((s) => s.id));
    expect(a.every((s) => s.trial === 1)).toBe(true);
  });

  it('balances conditions within every participant whatever the arrival order, dropouts and exclusions (adversarial orders)', () => {
    // An adversary chooses who arrives next (their row), what they saw, and whether they finish, drop out or are excluded (all their slots back).
    const step = fc.record({ row: fc.nat(40), seen: fc.nat(8), fate: fc.oneof(fc.constant('finish'), fc.constant('exclude'), fc.integer({ min: 0, max: 5 })) });
    fc.assert(
      fc.property(design, fc.array(step, { minLength: 1, maxLength: 60 }), fc.string({ minLength: 1, maxLength: 8 }), (d, steps, seed) => {
        const slots: Slot[] = planSlots(cellsOf(d), d.k);
        steps.forEach((st, i) => {
          const seenStories = new Set(st.seen < d.stories && st.seen % 2 === 1 ? [`story ${st.seen}`] : []);
          const queue = drawQueue({ slots, conditions: d.conditions, items: d.items, seed, participant: `p${i}`, row: st.row, seenQuestions: new Set(), seenStories });
          expect([0, d.items]).toContain(queue.length);
          if (slots.some((s) => s.status === 'open' && !seenStories.has(s.storyKey))) expect(queue).toHaveLength(d.items);
          if (queue.length === 0) return;
          const counts = d.conditions.map((c) => queue.filter((s) => s.condition === c).length);
          expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
          expectRowOrder(queue.map((s) => s.condition), balancedOrder(d.conditions, st.row));
          for (const s of queue) {
            expect(s.status).toBe('open');
            if (!slots.includes(s)) slots.push(s);
          }
          queue.forEach((s, k) => {
            s.status = st.fate === 'finish' || (typeof st.fate === 'number' && k < st.fate) ? 'done' : 'open';
          });
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('orders conditions by a balanced Latin square: over its rows every condition is at every position equally often, and follows every other equally often', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.nat(100), (n, start) => {
        const conditions = Array.from({ length: n }, (_, i) => `c${i}`);
        const rows = n % 2 === 0 ? n : 2 * n;
        const square = Array.from({ length: rows }, (_, r) => balancedOrder(conditions, start + r));
        for (const line of square) expect([...line].sort()).toEqual([...conditions].sort());
        for (let pos = 0; pos < n; pos++) for (const c of conditions) expect(square.filter((l) => l[pos] === c).length).toBe(rows / n);
        const follows = new Map<string, number>();
        for (const line of square) for (let i = 1; i < n; i++) follows.set(`${line[i - 1]}>${line[i]}`, (follows.get(`${line[i - 1]}>${line[i]}`) ?? 0) + 1);
        if (n > 1) expect(new Set(follows.values()).size).toBe(1);
      }),
      { numRuns: RUNS },
    );
  });
});
