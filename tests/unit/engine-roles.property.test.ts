/**
 * Property tests of the engine's gate, over random debates of every preset and
 * evidence kind with random (well-formed and malformed) actions from every seat:
 * - apply accepts an action only when it is among the actor's legal actions;
 * - a refusal is a function of what the actor's view holds (and the action), so it
 *   tells the actor nothing its view hides;
 * - nothing a judge or an observer does ever makes hidden evidence, the correct answer
 *   or an unreleased speech appear in their views (under the expert judge, the opposite:
 *   the judge and observers always hold the evidence itself, never the correct answer);
 * - open protocols: only the protagonist chooses, once, in the first round; the judge
 *   sees which answer each debater argues only once the choice is made.
 * - cross-examination: only debaters ask and answer, a question and an answer each a
 *   round; the judge sees no question or answer of a round before it is complete;
 * - ending by agreement: votes are events of the debaters (and the judge under `all`);
 *   the judge sees no vote of a speech round before it is complete; once every voter's
 *   latest vote is to end, the judge may not continue.
 * FC_RUNS raises the number of random debates (default 250 per evidence kind).
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  agreedToEnd,
  apply,
  voters,
  decodeImage,
  legalActions,
  PRESET_NAMES,
  rulesFor,
  rulesSuitEvidence,
  Scenario,
  setup,
  toMove,
  viewFor,
  type Action,
  type Actor,
  type DebateState,
  type PresetName,
  type Seat,
} from '@arena/shared';
import { LIGHTHOUSE } from '../helpers/fixtures.ts';

const RUNS = Number(process.env.FC_RUNS ?? 250);
const SEATS: Seat[] = ['A', 'B', 'C', 'D', 'judge', 'observer'];
const ACTORS: Actor[] = [...SEATS, 'system'];

const mnistDir = new URL('../../scenarios/mnist/', import.meta.url);
const DIGIT = Scenario.parse(JSON.parse(readFileSync(new URL(readdirSync(mnistDir).find((f) => f.startsWith('mnist-'))!, mnistDir), 'utf8')));
const FOUR_ANSWERS: Scenario = {
  ...LIGHTHOUSE,
  id: 'fixture-lighthouse-4',
  answers: [...LIGHTHOUSE.answers, 'A storm broke the lens.', 'The keeper fell asleep at his post.'],
};
const SCENARIOS = { passage: [LIGHTHOUSE, FOUR_ANSWERS], image: [DIGIT] };

const passageSentences = LIGHTHOUSE.evidence.kind === 'passage' ? LIGHTHOUSE.evidence.text.split('\n').filter((s) => s.length > 20) : [];

/** Random actions of every shape the wire allows, most of them wrong. */
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ type: fc.constant('speech' as const), text: fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom(...passageSentences).map((s) => `see <quote>${s}</quote>`)) }),
  fc.record({
    type: fc.constant('speech' as const),
    segments: fc.array(
      fc.oneof(
        fc.record({ text: fc.string({ maxLength: 20 }) }),
        fc.record({ quote: fc.tuple(fc.nat(250), fc.integer({ min: 1, max: 260 })) }),
        fc.record({ reveal: fc.nat(800) }),
      ),
      { maxLength: 3 },
    ),
  }),
  fc.record({
    type: fc.constant('judge' as const),
    probabilities: fc.oneof(
      fc.integer({ min: 2, max: 4 }).map((n) => Array.from({ length: n }, () => 1 / n)),
      fc.array(fc.double({ min: -0.5, max: 1.5, noNaN: true }), { minLength: 2, maxLength: 4 }),
    ),
    comment: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
    end: fc.boolean(),
  }),
  fc.record({ type: fc.constant('choose' as const), answer: fc.nat(4) }),
  fc.record({ type: fc.constant('question' as const), text: fc.oneof(fc.string({ maxLength: 20 }), fc.string({ minLength: 290, maxLength: 320 })), round: fc.option(fc.nat(8), { nil: undefined }) }),
  fc.record({ type: fc.constant('answer' as const), text: fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom(...passageSentences).map((s) => `yes: <quote>${s}</quote>`)) }),
  fc.record({ type: fc.constant('vote' as const), end: fc.boolean() }),
  fc.constant({ type: 'start' as const }),
  fc.constant({ type: 'timeout' as const }),
  fc.record({ type: fc.constant('forfeit' as const), seat: fc.constantFrom(...SEATS), reason: fc.constant('gave up') }),
);

/** Actions every seat tries after every step: the same view must always get the same answers to these. */
const PROBES: Action[] = [
  { type: 'judge', probabilities: [0.5, 0.5], end: false },
  { type: 'judge', probabilities: [0.5, 0.5], end: true },
  { type: 'judge', probabilities: [0.25, 0.25, 0.25, 0.25], end: false },
  { type: 'speech', text: 'probe' },
  { type: 'speech', segments: [{ quote: [0, 3] }] },
  { type: 'speech', segments: [{ reveal: 400 }] },
  { type: 'speech', segments: [{ reveal: 0 }] },
  { type: 'choose', answer: 0 },
  { type: 'choose', answer: 1 },
  { type: 'question', text: 'probe?' },
  { type: 'question', text: 'probe?', round: 1 },
  { type: 'answer', text: 'probe' },
  { type: 'answer', segments: [{ quote: [0, 3] }] },
];

type Step = { kind: 'act'; actor: Actor; action: Action } | { kind: 'advance'; pick: number; coin: boolean } | { kind: 'wait' };
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('act' as const), actor: fc.constantFrom(...ACTORS), action: actionArb }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('advance' as const), pick: fc.nat(1000), coin: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'wait' as const }) },
);

/** A legal, valid move for a seat awaited now, so random runs reach every stage of a debate. */
function advance(state: DebateState, pick: number, coin: boolean): [Seat, Action] | null {
  const seats = toMove(state);
  if (seats.length === 0) return null;
  const seat = seats[pick % seats.length] as Seat;
  const choose = legalActions(state, seat).find((l) => l.type === 'choose');
  if (choose?.type === 'choose') return [seat, { type: 'choose', answer: pick % choose.answers }];
  const legal = legalActions(state, seat)[0];
  if (legal?.type === 'question') return [seat, { type: 'question', text: `Question ${pick} from ${seat}: what does the passage say?`, round: pick % (legal.latestRound + 1) }];
  if (legal?.type === 'answer') {
    const sentence = passageSentences[pick % passageSentences.length] as string;
    return [seat, { type: 'answer', text: coin ? `It says <quote>${sentence}</quote>` : `My answer ${pick}.` }];
  }
  if (seat === 'judge') {
    const legal = legalActions(state, 'judge')[0];
    if (legal?.type !== 'judge') return null;
    const n = legal.answers;
    const favour = pick % n;
    const probabilities = Array.from({ length: n }, (_, i) => (i === favour ? 0.6 : 0.4 / (n - 1)));
    return [seat, { type: 'judge', probabilities, end: legal.canEnd && (coin || !legal.canContinue) }];
  }
  const evidence = state.header.scenario.evidence;
  if (evidence.kind === 'image') {
    const image = decodeImage(evidence.width, evidence.height, evidence.pixels);
    const revealed = new Set(state.rounds.flatMap((r) => r.speeches.flatMap((s) => s.segments.flatMap((g) => (g.kind === 'reveal' ? [g.index] : [])))));
    const inked = [...image.values.keys()].filter((i) => (image.values[i] ?? 0) > 0 && !revealed.has(i));
    return [seat, { type: 'speech', segments: [{ reveal: inked[pick % inked.length] as number }, { text: 'look here' }] }];
  }
  const sentence = passageSentences[pick % passageSentences.length] as string;
  return [seat, { type: 'speech', text: coin ? `I say <quote>${sentence}</quote>` : `My case, round ${state.speechRounds}.` }];
}

const text = (view: unknown) => JSON.stringify(view);

/** The failures of the judge's or an observer's view: anything it holds that the rules hide. */
function hiddenInView(state: DebateState, seat: 'judge' | 'observer'): string[] {
  const view = viewFor(state, seat);
  const problems: string[] = [];
  const finished = state.status === 'finished';
  if (!finished && view.correctIndex !== undefined) problems.push('the correct answer before the verdict');
  if (text(view).includes(state.header.seed)) problems.push('the seed');
  // Open protocols: which answer each debater argues appears with the choice, not before.
  const chosen = state.rounds[0]?.kind === 'choose' ? state.rounds[0].choice : undefined;
  if (chosen === null && view.debaters.length > 0) problems.push('the sides before the choice');
  if (chosen && view.debaters.find((d) => d.seat === chosen.seat)?.answerIndex !== chosen.answer) problems.push('sides that are not the choice');
  if (state.header.rules.judgeSeesEvidence) {
    // The expert judge: seeing the evidence is the point; the answer and the seed stay hidden.
    const evidence = state.header.scenario.evidence;
    if (evidence.kind === 'passage' && view.passage?.text !== evidence.text) problems.push('no passage for the expert judge');
    if (evidence.kind === 'image' && view.image?.pixels !== evidence.pixels) problems.push('no image for the expert judge');
    return problems;
  }
  if (view.passage) problems.push('the passage');
  if (!finished && view.image) problems.push('the image before the verdict');
  const released = new Set<string>();
  for (const r of state.rounds) if (r.complete) for (const s of r.speeches) released.add(JSON.stringify(s.segments));
  for (const r of view.rounds) {
    const round = state.rounds[r.index];
    if (!r.complete && (r.questions ?? []).length > 0) problems.push('a question of an unfinished round');
    if (!r.complete && r.kind !== 'judge' && (r.votes ?? []).some((v) => v.seat !== seat)) problems.push('a vote of an unfinished speech round');
    if (r.complete && JSON.stringify(r.questions ?? []) !== JSON.stringify((round?.questions ?? []).map(({ at: _at, ...q }) => q))) problems.push('questions that are not the round’s');
    for (const s of r.speeches) {
      if (!(s.seat in state.header.assignment.debaters)) problems.push(`a speech by ${s.seat}`);
      if (!r.complete) problems.push('a speech of an unfinished round');
      if (!released.has(JSON.stringify(s.segments))) problems.push('an unreleased speech');
    }
  }
  const json = text(view);
  for (const sentence of passageSentences) {
    if (json.includes(sentence) && ![...released].some((segments) => segments.includes(sentence))) problems.push(`unquoted passage text "${sentence.slice(0, 30)}…"`);
  }
  const releasedReveals = new Set(state.rounds.filter((r) => r.complete).flatMap((r) => r.speeches.flatMap((s) => s.segments.flatMap((g) => (g.kind === 'reveal' ? [g.index] : [])))));
  for (const r of view.reveals) if (!releasedReveals.has(r.index)) problems.push(`unreleased pixel ${r.index}`);
  return problems;
}

function runDebate(scenario: Scenario, preset: PresetName, seed: string, steps: Step[]): void {
  let state = setup({ id: 'prop', scenario, rules: rulesFor(preset), seed, createdAt: 0 });
  let now = 0;
  // What each (actor, view, action) was answered with: the same view and action must get the same answer.
  const answers = new Map<string, string>();
  for (const step of steps) {
    now += 1000;
    if (step.kind === 'wait') {
      now += 400_000;
      continue;
    }
    let actor: Actor;
    let action: Action;
    if (step.kind === 'advance') {
      if (state.status === 'waiting') [actor, action] = ['system', { type: 'start' }];
      else {
        const move = advance(state, step.pick, step.coin);
        if (!move) continue;
        [actor, action] = move;
      }
    } else ({ actor, action } = step);
    const result = apply(state, action, actor, now);
    if (actor !== 'system') {
      const legal = legalActions(state, actor).map((l) => l.type);
      // A vote is not a turn: a voter of these rules casts one whenever the debate runs.
      if (result.ok && action.type === 'vote') expect(voters(state), `${actor} voted without a vote`).toContain(actor);
      else if (result.ok) expect(legal, `${actor} took ${action.type} outside its legal actions`).toContain(action.type);
      const key = `${actor}|${JSON.stringify(viewFor(state, actor))}|${JSON.stringify(action)}`;
      const answer = result.ok ? 'accepted' : `${result.refusal.code}: ${result.refusal.message}`;
      const before = answers.get(key);
      if (before !== undefined) expect(answer, `${actor}'s answer depended on something its view hides`).toBe(before);
      answers.set(key, answer);
    } else if (result.ok) {
      expect(['start', 'timeout', 'forfeit']).toContain(action.type);
    }
    if (result.ok) state = result.state;
    if (agreedToEnd(state)) expect(legalActions(state, 'judge').every((l) => l.type !== 'judge' || !l.canContinue), 'the judge may continue after an agreement to end').toBe(true);
    for (const seat of SEATS) {
      const view = JSON.stringify(viewFor(state, seat));
      for (const probe of PROBES) {
        const r = apply(state, probe, seat, now);
        const key = `${seat}|${view}|${JSON.stringify(probe)}`;
        const answer = r.ok ? 'accepted' : `${r.refusal.code}: ${r.refusal.message}`;
        const before = answers.get(key);
        if (before !== undefined) expect(answer, `${seat}'s answer to a probe depended on something its view hides`).toBe(before);
        answers.set(key, answer);
      }
    }
    for (const seat of ['judge', 'observer'] as const) expect(hiddenInView(state, seat), `${seat} view after ${actor} ${action.type}`).toEqual([]);
  }
}

describe('the engine gate, over random debates and random actions from every seat', () => {
  for (const kind of ['passage', 'image'] as const) {
    const presets = PRESET_NAMES.filter((p) => rulesSuitEvidence(rulesFor(p), kind));
    it(`${kind} evidence (${presets.join(', ')}): only legal actions are accepted; refusals and views hide what they should`, () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...SCENARIOS[kind]),
          fc.constantFrom(...presets),
          fc.string({ minLength: 1, maxLength: 12 }).map((s) => `seed-${s}`),
          fc.array(stepArb, { minLength: 10, maxLength: 80 }),
          (scenario, preset, seed, steps) => runDebate(scenario, preset, seed, steps),
        ),
        { numRuns: RUNS, seed: Number(process.env.FC_SEED ?? 20261130) },
      );
    });
  }

  it('the judge never speaks or reveals, a debater never judges, an observer never acts (in any state)', () => {
    fc.assert(
      fc.property(fc.constantFrom<PresetName>('debate', 'consultancy', 'pixels', 'open-debate', 'open-consultancy', 'debate-cross-exam'), fc.array(fc.record({ pick: fc.nat(1000), coin: fc.boolean() }), { maxLength: 12 }), (preset, moves) => {
        const scenario = preset === 'pixels' ? DIGIT : LIGHTHOUSE;
        let state = apply(setup({ id: 'roles', scenario, rules: rulesFor(preset), seed: 'r', createdAt: 0 }), { type: 'start' }, 'system', 0);
        expect(state.ok).toBe(true);
        let s = (state as { state: DebateState }).state;
        for (const { pick, coin } of moves) {
          const speech: Action = scenario === DIGIT ? { type: 'speech', segments: [{ reveal: pick % 784 }] } : { type: 'speech', segments: [{ quote: [0, 5] }] };
          for (const [actor, action, code] of [
            ['judge', speech, 'not-your-role'],
            ['observer', speech, 'not-your-role'],
            ['observer', { type: 'judge', probabilities: [0.5, 0.5], end: true }, 'not-your-role'],
            ['A', { type: 'judge', probabilities: [0.5, 0.5], end: true }, 'not-your-role'],
            ['judge', { type: 'start' }, 'not-your-role'],
            ['judge', { type: 'choose', answer: 0 }, 'not-your-role'],
            ['observer', { type: 'choose', answer: 1 }, 'not-your-role'],
            ['A', { type: 'forfeit', seat: 'B', reason: 'x' }, 'not-your-role'],
            ['judge', { type: 'question', text: 'why?' }, 'not-your-role'],
            ['judge', { type: 'answer', text: 'because' }, 'not-your-role'],
            ['observer', { type: 'question', text: 'why?' }, 'not-your-role'],
            ['observer', { type: 'vote', end: true }, 'not-your-role'],
            ['A', { type: 'resume' }, 'not-your-role'],
          ] as [Actor, Action, string][]) {
            const r = apply(s, action, actor, 1);
            expect(r.ok ? 'accepted' : r.refusal.code, `${actor} ${action.type}`).toBe(code);
          }
          const move = advance(s, pick, coin);
          if (!move) break;
          const r = apply(s, move[1], move[0], 1);
          if (r.ok) s = r.state;
        }
      }),
      { numRuns: 100, seed: 7 },
    );
  });
});
