/**
 * Assignment of judges to items, pure: no I/O, no clock, randomness from the study seed.
 *
 * The study's pool is one slot per judgement wanted: for every scenario × condition cell
 * (and every stored debate to be re-judged: a cell of its own), trials 1…k (k = judgementsPerCell). A slot's trial number is its debate's seed trial, so
 * the counterbalancing factors (which answer is correct, the answers' shown order, which
 * side speaks first, honest or dishonest consultant) are balanced across the cell by the
 * engine's blocked assignment (shared/src/game/assignment.ts) from the study seed.
 *
 * A participant's queue is drawn when they reach it, full or not at all: conditions
 * balanced within the participant (counts differ by at most one, whatever the arrival
 * order), in the order of their row of a balanced Latin square (counterbalanced between
 * participants); each position takes the open slot of its condition whose cell is least
 * filled (lowest trial first, so blocks are filled in order), never a question or story
 * the participant has seen, or a top-up slot beyond the plan when its condition has none
 * left. A dropout's unfinished slots, and every slot of a participant excluded by the
 * study's rules, go back to the pool and are drawn again later.
 */
import { rngFromSeed } from '@arena/shared';

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

/**
 * The order of conditions for the participant in row `row` of a balanced Latin square
 * (Williams design): across consecutive rows every condition comes at every position
 * equally often and follows every other condition equally often (for an odd number of
 * conditions the square has 2n rows: each row and its mirror). `row` is the participant's
 * arrival number among the study's judges, so the order is counterbalanced between them.
 */
export function balancedOrder(conditions: readonly string[], row: number): string[] {
  const n = conditions.length;
  if (n === 0) return [];
  const first: number[] = [];
  for (let j = 0, lo = 0, hi = n - 1; j < n; j++) first.push(j % 2 === 0 ? lo++ : hi--);
  const rows = n % 2 === 0 ? n : 2 * n;
  const r = ((row % rows) + rows) % rows;
  const line = first.map((c) => conditions[(c + r) % n] as string);
  return r >= n ? line.reverse() : line;
}

/**
 * A participant's conditions, queue position by position: the row's order repeated, each
 * condition `floor(items / n)` times, and one more for the first `items mod n` of `extra`
 * (by default the row's order): counts differ by at most one.
 */
export function conditionSequence(conditions: readonly string[], items: number, row: number, extra?: readonly string[]): string[] {
  const order = balancedOrder(conditions, row);
  if (order.length === 0) return [];
  const rounds = Math.floor(items / order.length);
  const last = new Set((extra ?? order).slice(0, items % order.length));
  const sequence: string[] = [];
  for (let i = 0; i < rounds; i++) sequence.push(...order);
  sequence.push(...order.filter((c) => last.has(c)));
  return sequence;
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
  /** The participant's row of the balanced order (their arrival number among the study's judges). */
  row: number;
  /** Question keys and stories the participant has already seen (practice, checks, earlier items). */
  seenQuestions: ReadonlySet<string>;
  seenStories: ReadonlySet<string>;
}

/**
 * Draws a participant's queue: exactly `items` slots, or none. None when the pool has no
 * open slot this participant may take (the study is full for them: the no-capacity code),
 * or when no full queue fits the exposure rules. Each condition comes
 * `floor(items / n)` or one more times (the one more going to the conditions with most
 * open slots for them), ordered by their row of the balanced Latin square. Each position
 * takes the open slot of its condition whose cell is least filled (lowest trial first);
 * when its condition has no open slot left, a top-up slot is added beyond the plan (the
 * next trial of its least-filled cell), so a late arrival still gets a full, balanced
 * queue. Top-up slots are returned with trials above the cell's last; the caller stores them.
 */
export function drawQueue(input: DrawInput): Slot[] {
  const unseen = (s: Slot) => !input.seenQuestions.has(s.questionKey) && !input.seenStories.has(s.storyKey);
  const conditions = input.conditions.filter((c) => input.slots.some((s) => s.condition === c));
  const open = input.slots.filter((s) => s.status === 'open' && conditions.includes(s.condition) && unseen(s));
  if (open.length === 0) return [];
  const openOf = (c: string) => open.filter((s) => s.condition === c).length;
  // The conditions with most open slots for this participant take the remainder.
  const byOpen = balancedOrder(conditions, input.row).sort((a, b) => openOf(b) - openOf(a));
  const sequence = conditionSequence(conditions, input.items, input.row, byOpen);
  const wanted = new Map<string, number>();
  for (const c of sequence) wanted.set(c, (wanted.get(c) ?? 0) + 1);

  // Open slots first for every condition (top-ups after, on the stories left), else condition by condition.
  const picked = pick(input, wanted, true) ?? pick(input, wanted, false);
  if (!picked) return [];
  return sequence.map((c) => picked.get(c)!.shift()!);
}

/** Slots for each wanted condition, or null when no full queue fits the exposure rules. */
function pick(input: DrawInput, wanted: ReadonlyMap<string, number>, openFirst: boolean): Map<string, Slot[]> | null {
  const questions = new Set(input.seenQuestions);
  const stories = new Set(input.seenStories);
  const unseen = (s: Slot) => !questions.has(s.questionKey) && !stories.has(s.storyKey);
  const all: Slot[] = [...input.slots];
  const fill = new Map<string, number>();
  for (const s of all) if (s.status !== 'open') fill.set(s.cell, (fill.get(s.cell) ?? 0) + 1);
  const taken = new Set<string>();
  const picked = new Map<string, Slot[]>();
  const rank = (s: Slot) => ({ s, f: fill.get(s.cell) ?? 0, r: tieBreak(input.seed, input.participant, s.id) });
  const take = (s: Slot, c: string) => {
    taken.add(s.id);
    questions.add(s.questionKey);
    stories.add(s.storyKey);
    fill.set(s.cell, (fill.get(s.cell) ?? 0) + 1);
    picked.set(c, [...(picked.get(c) ?? []), s]);
  };
  const need = (c: string) => wanted.get(c)! - (picked.get(c)?.length ?? 0);
  const takeOpen = (c: string): boolean => {
    const candidates = all.filter((s) => s.condition === c && s.status === 'open' && !taken.has(s.id) && unseen(s));
    if (candidates.length === 0) return false;
    take(candidates.map(rank).sort((a, b) => a.f - b.f || a.s.trial - b.s.trial || a.r - b.r)[0]!.s, c);
    return true;
  };
  // A top-up: the next trial of the least-filled cell of this condition the participant may see.
  const takeTopUp = (c: string): boolean => {
    const cells = new Map<string, Slot>();
    for (const s of all) if (s.condition === c && unseen(s) && !cells.has(s.cell)) cells.set(s.cell, s);
    if (cells.size === 0) return false;
    const size = (cell: string) => all.filter((s) => s.cell === cell).length;
    const base = [...cells.values()].map(rank).sort((a, b) => size(a.s.cell) - size(b.s.cell) || a.r - b.r)[0]!.s;
    const trial = size(base.cell) + 1;
    const slot: Slot = { id: slotId(base.cell, trial), cell: base.cell, condition: c, scenarioId: base.scenarioId, questionKey: base.questionKey, storyKey: base.storyKey, trial, status: 'open' };
    if (base.originalId) slot.originalId = base.originalId;
    all.push(slot);
    take(slot, c);
    return true;
  };
  // The condition with the fewest stories left for this participant chooses first.
  const storiesOf = (c: string) => new Set(all.filter((s) => s.condition === c && unseen(s)).map((s) => s.storyKey)).size;
  const choosing = [...wanted.keys()].sort((a, b) => storiesOf(a) - storiesOf(b));
  if (openFirst) for (const c of choosing) while (need(c) > 0 && takeOpen(c));
  for (const c of choosing) {
    while (need(c) > 0) if (!takeOpen(c) && !takeTopUp(c)) return null;
  }
  return picked;
}
