/**
 * The protocols beyond debate and consultancy: the expert judge (the judge sees the
 * evidence) and the open protocols (Kenton et al. 2024: the protagonist chooses which
 * answer to argue, recorded as an event). Also the preset table as data.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  apply,
  familyOf,
  passageText,
  Preset,
  PRESET_NAMES,
  PRESETS,
  presetCatalog,
  replay,
  rulesFor,
  Scenario,
  sidesAfterChoice,
  sidesOf,
  viewFor,
  type Action,
  type Actor,
  type DebateEvent,
  type DebateState,
} from '@arena/shared';
import { HIDDEN_SENTENCE, LIGHTHOUSE, newDebate } from '../helpers/fixtures.ts';
import { play } from '../helpers/fixtures.ts';

const refusal = (state: DebateState, actor: Actor, action: Action, now = 5000) => {
  const r = apply(state, action, actor, now);
  return r.ok ? 'accepted' : r.refusal.code;
};
const FOUR: Scenario = { ...LIGHTHOUSE, id: 'lighthouse-4', answers: [...LIGHTHOUSE.answers, 'A storm broke the lens.', 'The keeper fell asleep.'] };

describe('the preset table', () => {
  it('every preset validates with the schema that serves it, and its description matches its rules', () => {
    // The table is data, checked here with the schema that serves it (not at load: the browser's engine would carry the schemas for it).
    for (const name of PRESET_NAMES) expect(Preset.safeParse(PRESETS[name]).success, name).toBe(true);
    for (const name of PRESET_NAMES) expect(PRESETS[name].rules.preset, name).toBe(name);
    const catalog = presetCatalog();
    expect(catalog.map((p) => p.name)).toEqual(PRESET_NAMES);
    const by = Object.fromEntries(catalog.map((p) => [p.name, p]));
    expect(by['expert']).toMatchObject({ family: 'expert', sides: 'none', judgeSeesEvidence: true, evidence: ['passage', 'image'] });
    expect(by['open-consultancy']).toMatchObject({ family: 'consultancy', sides: 'chosen', evidence: ['passage'] });
    expect(by['open-debate']).toMatchObject({ family: 'debate', sides: 'chosen', evidence: ['passage'] });
    expect(by['pixels']).toMatchObject({ family: 'debate', sides: 'drawn', evidence: ['image'] });
  });

  it('refuses a preset whose description contradicts its rules, naming the field', () => {
    const bad = { rules: rulesFor('open-debate'), info: { ...PRESETS['open-debate'].info, sides: 'drawn' } };
    const r = Preset.safeParse(bad);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['info', 'sides']);
    expect(Preset.safeParse({ rules: rulesFor('blind'), info: { ...PRESETS.blind.info, family: 'expert' } }).success).toBe(false);
    expect(() => rulesFor('debate', { repeating: ['choose', 'judge'] })).toThrow(/choose round can only be the first/);
  });

  it('the family of a debate comes from its preset, or from its rules when the preset is not known', () => {
    expect(familyOf(rulesFor('open-debate'))).toBe('debate');
    expect(familyOf({ ...rulesFor('blind'), preset: 'imported' })).toBe('blind');
    expect(familyOf({ ...rulesFor('expert'), preset: 'imported' })).toBe('expert');
  });
});

describe('the expert judge', () => {
  it('the judge and observers read the passage; the correct answer stays hidden until the verdict', () => {
    let state = newDebate('expert');
    ({ state } = play(state, [['system', { type: 'start' }]]));
    for (const seat of ['judge', 'observer'] as const) {
      const view = viewFor(state, seat);
      expect(view.passage?.text).toBe(passageText(LIGHTHOUSE));
      expect(JSON.stringify(view)).toContain(HIDDEN_SENTENCE);
      expect(view.correctIndex).toBeUndefined();
    }
    // The same scenario under the blind judge: no passage.
    const blind = play(newDebate('blind'), [['system', { type: 'start' }]]).state;
    expect(viewFor(blind, 'judge').passage).toBeUndefined();
    ({ state } = play(state, [['judge', { type: 'judge', probabilities: [0.3, 0.7], end: true }]]));
    expect(state.status).toBe('finished');
    expect(viewFor(state, 'judge').correctIndex).toBe(state.header.assignment.correctIndex);
  });

  it('over an image, the judge sees the whole image from the start', () => {
    const dir = new URL('../../scenarios/mnist/', import.meta.url);
    const digit = Scenario.parse(JSON.parse(readFileSync(new URL(readdirSync(dir).find((f) => f.startsWith('mnist-'))!, dir), 'utf8')));
    const state = play(newDebate('expert', 'e1', {}, digit), [['system', { type: 'start' }]]).state;
    expect(viewFor(state, 'judge').image?.pixels).toBe(digit.evidence.kind === 'image' ? digit.evidence.pixels : '');
    expect(viewFor(play(newDebate('blind', 'e1', {}, digit), [['system', { type: 'start' }]]).state, 'judge').image).toBeUndefined();
  });
});

describe('open consultancy', () => {
  it('the consultant chooses first; the choice is an event; the judge learns the side only then; scores follow the chosen side', () => {
    let state = newDebate('open-consultancy', 'oc-1');
    const drawn = state.header.assignment.debaters.A as number;
    const other = 1 - drawn;
    ({ state } = play(state, [['system', { type: 'start' }]]));
    expect(viewFor(state, 'judge').debaters).toEqual([]);
    expect(viewFor(state, 'judge').turn).toMatchObject({ kind: 'choose', toMove: ['A'], deadline: null });
    expect(viewFor(state, 'A').legal).toEqual([{ type: 'choose', answers: 2 }]);
    expect(refusal(state, 'judge', { type: 'judge', probabilities: [0.5, 0.5], end: false })).toBe('not-your-turn');
    expect(refusal(state, 'judge', { type: 'choose', answer: 0 })).toBe('not-your-role');
    expect(refusal(state, 'A', { type: 'speech', text: 'too early' })).toBe('not-your-turn');
    expect(refusal(state, 'A', { type: 'choose', answer: 2 })).toBe('bad-choice');
    const log: DebateEvent[] = [{ seq: 0, at: 1000, seat: 'system', action: { type: 'start' } }];
    ({ state } = play(state, [['A', { type: 'choose', answer: other }]], log));
    expect(refusal(state, 'A', { type: 'choose', answer: drawn })).toBe('not-your-turn');
    const judgeView = viewFor(state, 'judge');
    expect(judgeView.debaters).toEqual([{ seat: 'A', answerIndex: other }]);
    expect(judgeView.rounds[0]).toMatchObject({ kind: 'choose', complete: true, choice: { seat: 'A', answerIndex: other, timedOut: false } });
    expect(judgeView.correctIndex).toBeUndefined();
    ({ state } = play(
      state,
      [
        ['judge', { type: 'judge', probabilities: [0.5, 0.5], end: false }],
        ['A', { type: 'speech', text: 'My case.' }],
        ['judge', { type: 'judge', probabilities: other === 0 ? [0.8, 0.2] : [0.2, 0.8], end: true }],
      ],
      log,
    ));
    expect(state.verdict?.debaterScores.A).toBeCloseTo(Math.log2(0.8));
    // The transcript replays to the same state, choice included.
    expect(sidesOf(replay(state.header, log))).toEqual({ A: other });
  });

  it('a consultant who runs out of time keeps its drawn answer, recorded as timed out', () => {
    let state = play(newDebate('open-consultancy', 'oc-2'), [['system', { type: 'start' }]]).state;
    const deadline = state.deadline as number;
    expect(deadline).toBe(1000 + 300_000);
    expect(refusal(state, 'system', { type: 'timeout' }, deadline - 1)).toBe('too-early');
    const r = apply(state, { type: 'timeout' }, 'system', deadline);
    if (!r.ok) throw new Error(r.refusal.message);
    state = r.state;
    expect(state.rounds[0]?.choice).toMatchObject({ seat: 'A', answer: state.header.assignment.debaters.A, timedOut: true });
    expect(viewFor(state, 'judge').turn?.kind).toBe('judge');
  });
});

describe('open debate', () => {
  it('the protagonist takes the answer it chooses; whoever held it takes the protagonist’s drawn answer', () => {
    expect(sidesAfterChoice({ A: 0, B: 1, C: 2, D: 3 }, 'A', 2)).toEqual({ A: 2, B: 1, C: 0, D: 3 });
    expect(sidesAfterChoice({ A: 1, B: 0 }, 'A', 1)).toEqual({ A: 1, B: 0 });
    for (const seed of ['od-1', 'od-2', 'od-3', 'od-4']) {
      for (let answer = 0; answer < 4; answer++) {
        let state = play(newDebate('open-debate', seed, {}, FOUR), [['system', { type: 'start' }]]).state;
        expect(refusal(state, 'B', { type: 'choose', answer })).toBe('not-your-turn');
        state = play(state, [['A', { type: 'choose', answer }]], [{ seq: 0, at: 0, seat: 'system', action: { type: 'start' } }]).state;
        const sides = sidesOf(state)!;
        expect(sides.A).toBe(answer);
        expect(Object.values(sides).sort()).toEqual([0, 1, 2, 3]);
        expect(viewFor(state, 'judge').debaters.map((d) => d.answerIndex).sort()).toEqual([0, 1, 2, 3]);
        // Next: the judge's prior, then simultaneous openings from every debater.
        expect(viewFor(state, 'judge').turn?.kind).toBe('judge');
        expect(refusal(state, 'A', { type: 'choose', answer })).toBe('not-your-turn');
      }
    }
  });
});
