/**
 * Assignment of judges to items, pure: no I/O, no clock, randomness from the study seed.
 *
 * The study's pool is one slot per judgement wanted: for every scenario × condition cell
 * (and every stored debate to be re-judged: a cell of its own), trials 1…k (k = judgementsPerCell). A slot's trial number is its debate's seed trial, so
 * the counterbalancing factors (which answer is correct, the answers' shown order, which
 * side speaks first, honest or dishonest consultant) are balanced across the cell by the
 * engine's blocked assignment (shared/src/game/assignment.ts) from the study seed.
 *
 * A participant's queue is drawn when they reach it: conditions follow a seeded rotation
 * (balanced within the participant, order counterbalanced between participants); each
 * position takes the open slot of its condition whose cell is least filled (lowest trial
 * first, so blocks are filled in order), never a question or story the participant has
 * seen. A dropout's unfinished slots go back to the pool and are drawn again later.
 */
import { rngFromSeed, shuffled } from '@arena/shared';

export type SlotStatus = 'open' | 'assigned' | 'done';

export interface Slot {
  id: string;
  /** `<scenario>|<condition>` */
  cell: string;
  condition: string;
  scenarioId: string;
  /** A re-judging item's stored original debate (absent for live items). */
  originalId?: string;
  questionKey: string;
  storyKey: string;
  /** 1-based trial within the cell: the debate seed's trial number. */
  trial: number;
  status: SlotStatus;
}

export interface CellSpec {
  scenarioId: string;
  /** A re-judging cell's original debate: the cell is that debate, re-judged k times. */
  originalId?: string;
  condition: string;
  questionKey: string;
  storyKey: string;
}

export const cellId = (scenarioId: string, condition: string): string => `${scenarioId}|${condition}`;
export const slotId = (cell: string, trial: number): string => `${cell}#${trial}`;

/** The pool: every cell's trials 1…k, all open. */
export function planSlots(cells: readonly CellSpec[], judgementsPerCell: number): Slot[] {
  const slots: Slot[] = [];
  for (const c of cells) {
    const cell = cellId(c.originalId ?? c.scenarioId, c.condition);
    for (let trial = 1; trial <= judgementsPerCell; trial++) {
      const slot: Slot = { id: slotId(cell, trial), cell, condition: c.condition, scenarioId: c.scenarioId, questionKey: c.questionKey, storyKey: c.storyKey, trial, status: 'open' };
      if (c.originalId) slot.originalId = c.originalId;
      slots.push(slot);
    }
  }
  return slots;
}

/** The participant's condition for each queue position: seeded rotations, so counts differ by at most one. */
export function conditionSequence(conditions: readonly string[], items: number, seed: string, participant: string): string[] {
  const order = shuffled([...conditions], rngFromSeed(`${seed}|${participant}|conditions`));
  return Array.from({ length: items }, (_, i) => order[i % order.length] as string);
}

/** A stable pseudo-random tie-break for a slot, from the seed and the participant. */
function tieBreak(seed: string, participant: string, slot: string): number {
  return rngFromSeed(`${seed}|${participant}|${slot}`)();
}

export interface DrawInput {
  slots: readonly Slot[];
  conditions: readonly string[];
  items: number;
  seed: string;
  participant: string;
  /** Question keys and stories the participant has already seen (practice, checks, earlier items). */
  seenQuestions: ReadonlySet<string>;
  seenStories: ReadonlySet<string>;
}

/**
 * Draws a participant's queue: up to `items` open slots, in order (empty when the pool
 * has nothing this participant may take). The queue is shorter than `items` only when
 * the pool cannot give more under the exposure rules.
 */
export function drawQueue(input: DrawInput): Slot[] {
  const fill = new Map<string, number>();
  for (const s of input.slots) if (s.status !== 'open') fill.set(s.cell, (fill.get(s.cell) ?? 0) + 1);
  const questions = new Set(input.seenQuestions);
  const stories = new Set(input.seenStories);
  const taken = new Set<string>();
  const perCondition = new Map<string, number>(input.conditions.map((c) => [c, 0]));
  const wanted = conditionSequence(input.conditions, input.items, input.seed, input.participant);
  const queue: Slot[] = [];
  for (const target of wanted) {
    const eligible = input.slots.filter((s) => s.status === 'open' && !taken.has(s.id) && !questions.has(s.questionKey) && !stories.has(s.storyKey));
    if (eligible.length === 0) break;
    // The wanted condition if it has an eligible slot, else the conditions this queue has least of.
    let pool = eligible.filter((s) => s.condition === target);
    if (pool.length === 0) {
      const least = Math.min(...eligible.map((s) => perCondition.get(s.condition) ?? 0));
      pool = eligible.filter((s) => (perCondition.get(s.condition) ?? 0) === least);
    }
    const best = pool
      .map((s) => ({ s, f: fill.get(s.cell) ?? 0, r: tieBreak(input.seed, input.participant, s.id) }))
      .sort((a, b) => a.f - b.f || a.s.trial - b.s.trial || a.r - b.r)[0]!.s;
    queue.push(best);
    taken.add(best.id);
    questions.add(best.questionKey);
    stories.add(best.storyKey);
    fill.set(best.cell, (fill.get(best.cell) ?? 0) + 1);
    perCondition.set(best.condition, (perCondition.get(best.condition) ?? 0) + 1);
  }
  return queue;
}
