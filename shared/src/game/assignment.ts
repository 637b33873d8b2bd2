/**
 * The seeded assignment of a debate: the answers' order, who argues which answer, and who
 * speaks first, drawn from (seed, scenario, protocol), blocked so that a batch balances.
 *
 * A seed is read as a stem and a trial number: "s3" is trial 3 of stem "s" (a seed that
 * does not end in digits is trial 0 of itself). Trials 1…m of one stem form a block for
 * each (scenario, protocol), m = 2 × answers (blind: m = answers). Within a block:
 * - consultancy: consecutive trials (1, 2), (3, 4), … have one honest and one dishonest
 *   consultant, and over the block every answer position is the correct one once under
 *   each honesty;
 * - debate: likewise for whether the debater with the correct answer speaks first, and the
 *   correct answer's seat alternates between pairs of trials;
 * - blind: every position holds the correct answer once.
 * Which way round, and everything not balanced, is random under the block's seed. A room
 * whose seed is a random string gets a uniformly random cell, so nothing changes for it.
 * The assignment is recorded in the header; replay never draws it again.
 */
import { DEBATER_SEATS, type DebaterSeat } from '../protocol/actions.ts';
import { rngFromSeed, randomInt, shuffled } from '../random.ts';
import type { Rules } from '../rules/rules.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Assignment } from './types.ts';

/** The stem and trial number of a seed ("s12" → stem "s", trial 12). */
export function seedTrial(seed: string): { stem: string; trial: number } {
  const m = /^(.*?)(\d{1,9})$/.exec(seed);
  return m ? { stem: m[1] as string, trial: Number(m[2]) } : { stem: seed, trial: 0 };
}

/** The balanced cell of a trial: where the correct answer is shown and the balanced binary factor. */
export interface AssignmentCell {
  /** Position (in shown order) of the correct answer. */
  correctPosition: number;
  /** Consultancy: the consultant argues the correct answer; debate: its debater speaks first. */
  primary: boolean;
  /** Debate: index of the seat that argues the correct answer. */
  honestSeat: number;
}

/** The cell of trial `trial` in its block (pure; exported for the tests). */
export function blockCell(stem: string, trial: number, scenarioId: string, preset: string, answers: number, blind: boolean): AssignmentCell {
  const m = blind ? answers : 2 * answers;
  const t = trial - 1;
  const block = Math.floor(t / m);
  const p = t - block * m;
  const rng = rngFromSeed(`${stem}|${scenarioId}|${preset}|block ${block}`);
  const positions = shuffled([...Array(answers).keys()], rng);
  const h = rng() < 0.5;
  const s = randomInt(answers, rng);
  if (blind) return { correctPosition: positions[p] as number, primary: false, honestSeat: 0 };
  const k = Math.floor(p / 2);
  const second = p % 2 === 1;
  return {
    correctPosition: positions[second ? (k + 1) % answers : k] as number,
    primary: second ? !h : h,
    honestSeat: (k + s) % answers,
  };
}

/** Draws the assignment of a debate on `scenario` under `rules` with `seed` (see the module comment). */
export function drawAssignment(scenario: Scenario, rules: Rules, seed: string): Assignment {
  const n = scenario.answers.length;
  const { stem, trial } = seedTrial(seed);
  const blind = rules.debaters === 'none';
  const cell = blockCell(stem, trial, scenario.id, rules.preset, n, blind);
  const rng = rngFromSeed(`${seed}|${scenario.id}|${rules.preset}|trial`);
  const correctIndex = cell.correctPosition;
  const others = shuffled([...Array(n).keys()].filter((i) => i !== scenario.correctIndex), rng);
  const answerOrder = [...Array(n).keys()].map((pos) => (pos === correctIndex ? scenario.correctIndex : (others.shift() as number)));
  const debaters: Partial<Record<DebaterSeat, number>> = {};
  let speakingOrder: DebaterSeat[] = [];
  if (rules.debaters === 'one') {
    const wrong = [...Array(n).keys()].filter((i) => i !== correctIndex);
    debaters.A = cell.primary ? correctIndex : (wrong[randomInt(wrong.length, rng)] as number);
    speakingOrder = ['A'];
  } else if (rules.debaters === 'all') {
    const seats = DEBATER_SEATS.slice(0, n) as DebaterSeat[];
    const honest = seats[cell.honestSeat] as DebaterSeat;
    const rest = seats.filter((x) => x !== honest);
    const wrongPositions = shuffled([...Array(n).keys()].filter((i) => i !== correctIndex), rng);
    debaters[honest] = correctIndex;
    rest.forEach((seat, i) => (debaters[seat] = wrongPositions[i] as number));
    const restOrder = shuffled(rest, rng);
    if (cell.primary) speakingOrder = [honest, ...restOrder];
    else {
      const at = 1 + randomInt(restOrder.length, rng);
      speakingOrder = [...restOrder.slice(0, at), honest, ...restOrder.slice(at)];
    }
  }
  // Seats in the record keep A, B, … order, as before.
  const sorted: Partial<Record<DebaterSeat, number>> = {};
  for (const seat of (Object.keys(debaters) as DebaterSeat[]).sort()) sorted[seat] = debaters[seat] as number;
  return { answerOrder, correctIndex, debaters: sorted, speakingOrder };
}
