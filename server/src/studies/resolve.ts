/**
 * A spec checked against this server's scenarios and agents: the cells of the design,
 * each condition's rules and seats, the practice and check scenarios. Errors name the
 * field, as spec errors do.
 */
import { z } from 'zod';
import { normaliseText, questionKey, rulesFor, rulesSuitEvidence, type Rules, type Scenario, type SeatConfig } from '@arena/shared';
import type { CellSpec } from './assignment.ts';
import { HUMAN_DEBATER, SpecError, type StudySpec } from './spec.ts';

/** One stored debate the study re-judges (originals.ts selects them from the store). */
export interface StudyOriginal {
  id: string;
  scenario: Scenario;
  questionKey: string;
  storyKey: string;
}

export interface ResolvedCondition {
  name: string;
  rules: Rules;
  /** Debater seats' agents, or `human` for a recruited debater (the judge seat is the participant's). */
  debaters: Record<string, string>;
  /** The debater seats a recruited person fills. */
  humanSeats: string[];
}

export interface ResolvedStudy {
  spec: StudySpec;
  scenarios: Map<string, Scenario>;
  conditions: Map<string, ResolvedCondition>;
  cells: CellSpec[];
  /** Stored debates re-judged as items, by id (their cells are in `cells`). */
  originals: Map<string, StudyOriginal>;
  /** The condition name of re-judging items (null when the study has none). */
  rejudgeCondition: string | null;
  /** Every condition a participant's queue rotates over (the spec's, then re-judging's). */
  conditionNames: string[];
  /** The scenario of each attention check (a blind item over the check's question). */
  checks: Scenario[];
}

export const storyKeyOf = (s: Pick<Scenario, 'title'>): string => normaliseText(s.title);

const DEFAULT_DEBATER = 'builtin:passage-debater';

/** A scenario for an attention check: a question whose answer is plain from the question itself. */
export function checkScenario(studyId: string, index: number, check: StudySpec['attentionChecks'][number]): Scenario {
  return {
    id: `check-${studyId}-${index + 1}`,
    title: `Attention check ${index + 1}`,
    question: check.question,
    answers: check.answers,
    correctIndex: check.correct,
    evidence: { kind: 'passage', text: 'The answer follows from the question alone.' },
    source: 'study attention check',
    licence: 'CC0-1.0',
  };
}

/**
 * Checks a spec against the scenarios and agents at hand and builds its design.
 * `knownAgent` says whether an agent id can be made; `originals` are the stored debates
 * the spec's `debates` selected (see originals.ts).
 */
export function resolveStudy(
  spec: StudySpec,
  all: ReadonlyMap<string, Scenario>,
  knownAgent: (id: string) => string | null,
  source = 'the spec',
  originals: readonly StudyOriginal[] | null = [],
): ResolvedStudy {
  // null: the stored debates are not at hand (validating offline); they are chosen at launch.
  const known = originals !== null;
  originals ??= [];
  const fail = (field: string, message: string): never => {
    throw new SpecError(`${source}: ${field}: ${message}`);
  };
  const scenarios = new Map<string, Scenario>();
  spec.scenarios?.packs.forEach((pack, i) => {
    const found = [...all.values()].filter((s) => s.pack === pack);
    if (found.length === 0) fail(`scenarios.packs.${i}`, `no scenario pack "${pack}"`);
    for (const s of found) scenarios.set(s.id, s);
  });
  spec.scenarios?.ids.forEach((id, i) => {
    const s = all.get(id);
    if (!s) fail(`scenarios.ids.${i}`, `no scenario "${id}"`);
    else scenarios.set(id, s);
  });
  const conditions = new Map<string, ResolvedCondition>();
  spec.conditions.forEach((c, i) => {
    let rules: Rules;
    try {
      rules = rulesFor(c.preset, c.rules as Partial<Rules> | undefined);
    } catch (err) {
      const issue = err instanceof z.ZodError ? err.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ') : (err as Error).message;
      return fail(`conditions.${i}.rules`, issue);
    }
    const debaters: Record<string, string> = {};
    if (rules.debaters !== 'none') {
      const seats = rules.debaters === 'one' ? ['A'] : ['A', 'B', 'C', 'D'];
      for (const seat of seats) {
        const agent = typeof c.debaters === 'string' ? c.debaters : (c.debaters?.[seat as 'A'] ?? c.debaters?.A ?? DEFAULT_DEBATER);
        const problem = agent === HUMAN_DEBATER ? null : knownAgent(agent);
        if (problem) fail(`conditions.${i}.debaters`, problem);
        debaters[seat] = agent;
      }
    }
    for (const s of scenarios.values()) {
      if (!rulesSuitEvidence(rules, s.evidence.kind)) fail(`conditions.${i}.preset`, `${c.preset} cannot be played over the ${s.evidence.kind} evidence of scenario ${s.id}`);
    }
    conditions.set(c.name, { name: c.name, rules, debaters, humanSeats: Object.keys(debaters).filter((seat) => debaters[seat] === HUMAN_DEBATER) });
  });
  const cells: CellSpec[] = [];
  for (const s of scenarios.values()) {
    for (const c of spec.conditions) cells.push({ scenarioId: s.id, condition: c.name, questionKey: questionKey(s.title, s.question), storyKey: storyKeyOf(s) });
  }
  const rejudgeCondition = spec.debates?.condition ?? null;
  for (const o of originals) cells.push({ scenarioId: o.scenario.id, originalId: o.id, condition: rejudgeCondition as string, questionKey: o.questionKey, storyKey: o.storyKey });
  const poolStories = new Set(cells.map((c) => c.storyKey));
  spec.practice.forEach((p, i) => {
    const s = all.get(p.scenario);
    if (!s) return fail(`practice.${i}.scenario`, `no scenario "${p.scenario}"`);
    if (poolStories.has(storyKeyOf(s))) fail(`practice.${i}.scenario`, `"${p.scenario}" is also a study item; practice needs a story of its own`);
    scenarios.set(s.id, s);
  });
  const distinct = new Set(cells.map((c) => c.storyKey)).size;
  if (known && distinct < spec.itemsPerParticipant) {
    fail('itemsPerParticipant', `${spec.itemsPerParticipant} items per participant, but only ${distinct} distinct stories: nobody may see a story twice`);
  }
  const conditionNames = [...spec.conditions.map((c) => c.name), ...(rejudgeCondition && originals.length ? [rejudgeCondition] : [])];
  return {
    spec,
    scenarios,
    conditions,
    cells,
    originals: new Map(originals.map((o) => [o.id, o])),
    rejudgeCondition,
    conditionNames,
    checks: spec.attentionChecks.map((c, i) => checkScenario(spec.id, i, c)),
  };
}

/** Seats of an item's debate: the participant judges, agents (or recruited people) debate. */
export function itemSeats(condition: ResolvedCondition): Partial<Record<string, SeatConfig>> {
  const seats: Partial<Record<string, SeatConfig>> = { judge: { kind: 'human' } };
  for (const [seat, agent] of Object.entries(condition.debaters)) seats[seat] = agent === HUMAN_DEBATER ? { kind: 'human' } : { kind: 'agent', agent };
  return seats;
}

/** The scenarios a study uses for practice items (a practice story is never also an item: resolveStudy refuses it). */
export function practiceScenarios(design: Pick<ResolvedStudy, 'spec'>): Set<string> {
  return new Set(design.spec.practice.map((p) => p.scenario));
}
