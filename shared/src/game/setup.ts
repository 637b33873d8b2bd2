import { DEBATER_SEATS, type DebaterSeat, type Seat } from '../protocol/actions.ts';
import { rngFromSeed, randomInt, shuffled } from '../random.ts';
import type { Rules } from '../rules/rules.ts';
import type { Scenario } from '../scenario/schema.ts';
import { ENGINE_VERSION, TRANSCRIPT_FORMAT, type Assignment, type DebateHeader, type DebateState, type SeatConfig } from './types.ts';

export interface SetupParams {
  id: string;
  scenario: Scenario;
  rules: Rules;
  seed: string;
  createdAt: number;
  /** Configuration of seats (human/agent, open). Unnamed seats are human. */
  seats?: Partial<Record<Seat, SeatConfig>>;
  meta?: Record<string, unknown>;
}

/**
 * Draws the seeded choices: the answers' order, which debater argues which answer
 * (in consultancy, the correct one with probability 1/2), and who speaks first.
 */
export function drawAssignment(scenario: Scenario, rules: Rules, seed: string): Assignment {
  const rng = rngFromSeed(`${seed}/assignment`);
  const n = scenario.answers.length;
  const answerOrder = shuffled([...Array(n).keys()], rng);
  const correctIndex = answerOrder.indexOf(scenario.correctIndex);
  const debaters: Partial<Record<DebaterSeat, number>> = {};
  if (rules.debaters === 'all') {
    const positions = shuffled([...Array(n).keys()], rng);
    positions.forEach((pos, i) => (debaters[DEBATER_SEATS[i] as DebaterSeat] = pos));
  } else if (rules.debaters === 'one') {
    const honest = rng() < 0.5;
    const wrong = [...Array(n).keys()].filter((i) => i !== correctIndex);
    debaters.A = honest ? correctIndex : (wrong[randomInt(wrong.length, rng)] as number);
  }
  const speakingOrder = shuffled(Object.keys(debaters) as DebaterSeat[], rng);
  return { answerOrder, correctIndex, debaters, speakingOrder };
}

/** The seats a debate under these rules has. */
export function seatsOf(header: Pick<DebateHeader, 'assignment'>): Seat[] {
  return [...(Object.keys(header.assignment.debaters) as DebaterSeat[]).sort(), 'judge'];
}

/** A new debate's header. */
export function createHeader(p: SetupParams): DebateHeader {
  const assignment = drawAssignment(p.scenario, p.rules, p.seed);
  const seats: Partial<Record<Seat, SeatConfig>> = {};
  for (const seat of seatsOf({ assignment })) seats[seat] = p.seats?.[seat] ?? { kind: 'human' };
  return {
    format: TRANSCRIPT_FORMAT,
    engine: ENGINE_VERSION,
    id: p.id,
    createdAt: p.createdAt,
    seed: p.seed,
    scenario: p.scenario,
    rules: p.rules,
    seats,
    assignment,
    ...(p.meta ? { meta: p.meta } : {}),
  };
}

/** The state of a debate before its first event. */
export function initialState(header: DebateHeader): DebateState {
  return {
    header,
    status: 'waiting',
    rounds: [],
    speechRounds: 0,
    continues: 0,
    deadline: null,
    verdict: null,
    lastSeq: -1,
  };
}

/** setup(scenario, rules, seats, seed): a new debate, waiting for its start event. */
export function setup(p: SetupParams): DebateState {
  return initialState(createHeader(p));
}
