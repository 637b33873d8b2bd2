/**
 * LLM prompts follow the preset: the template is chosen by role and the preset's family,
 * an open protocol's first turn asks for a choice, the expert judge's prompt holds the
 * passage, and every template fills with no placeholder left over.
 */
import { describe, expect, it } from 'vitest';
import { apply, passageText, viewFor, type Action, type Actor, type DebateState, type PresetName } from '@arena/shared';
import { buildPrompt, promptName } from '../../server/src/agents/llm/prompts.ts';
import { parseChoiceReply, ParseError } from '../../server/src/agents/llm/parse.ts';
import { HIDDEN_SENTENCE, LIGHTHOUSE, newDebate } from '../helpers/fixtures.ts';

function started(preset: PresetName, steps: [Actor, Action][] = []): DebateState {
  let state = newDebate(preset, 'prompt-seed');
  for (const [actor, action] of [['system', { type: 'start' }] as [Actor, Action], ...steps]) {
    const r = apply(state, action, actor, 1000);
    if (!r.ok) throw new Error(r.refusal.message);
    state = r.state;
  }
  return state;
}

describe('prompts by preset', () => {
  it('picks the template from the role and the family, and the choice template for a choose turn', () => {
    expect(promptName(viewFor(started('expert'), 'judge'))).toBe('judge-expert');
    expect(promptName(viewFor(started('blind'), 'judge'))).toBe('judge-blind');
    const open = started('open-consultancy');
    expect(promptName(viewFor(open, 'A'))).toBe('debater-choose');
    const chosen = started('open-consultancy', [['A', { type: 'choose', answer: 1 }], ['judge', { type: 'judge', probabilities: [0.5, 0.5], end: false }]]);
    expect(promptName(viewFor(chosen, 'A'))).toBe('debater-consultancy');
    expect(promptName(viewFor(chosen, 'judge'))).toBe('judge-consultancy');
    expect(promptName(viewFor(started('open-debate', [['A', { type: 'choose', answer: 0 }]]), 'judge'))).toBe('judge-debate');
  });

  it('fills every template it picks; the expert judge and the chooser read the passage; the chosen side is said to be chosen', () => {
    const expert = buildPrompt(viewFor(started('expert'), 'judge'), undefined).user;
    expect(expert).toContain(HIDDEN_SENTENCE);
    const choose = buildPrompt(viewFor(started('open-debate'), 'A'), undefined).user;
    expect(choose).toContain(passageText(LIGHTHOUSE).slice(0, 60));
    expect(choose).toContain('open debate');
    // Answers are numbered on every surface (shared/src/game/naming.ts), in the prompts too.
    expect(choose).toContain('{"answer": "1"}');
    expect(choose).toMatch(/^1\. /m);
    const consultant = buildPrompt(viewFor(started('open-consultancy', [['A', { type: 'choose', answer: 1 }], ['judge', { type: 'judge', probabilities: [0.5, 0.5], end: false }]]), 'A'), undefined).user;
    expect(consultant).toContain('You chose to argue that the answer is 2');
    const assigned = buildPrompt(viewFor(started('consultancy', [['judge', { type: 'judge', probabilities: [0.5, 0.5], end: false }]]), 'A'), undefined).user;
    expect(assigned).toContain('You have been assigned to argue');
    expect(buildPrompt(viewFor(started('blind'), 'judge'), undefined).user).not.toContain(HIDDEN_SENTENCE);
  });

  it('reads a choice from JSON or a bare number (or letter), and refuses a reply that names none', () => {
    expect(parseChoiceReply('{"answer": "2"}', 2)).toBe(1);
    expect(parseChoiceReply('{"answer": 3}', 4)).toBe(2);
    expect(parseChoiceReply('I will argue for 4.', 4)).toBe(3);
    expect(() => parseChoiceReply('I will argue for 5.', 4)).toThrow();
    expect(parseChoiceReply('{"answer": "B"}', 2)).toBe(1);
    expect(parseChoiceReply('I will argue for C.', 4)).toBe(2);
    expect(() => parseChoiceReply('{"answer": "D"}', 2)).toThrow(ParseError);
    expect(() => parseChoiceReply('no idea', 2)).toThrow(/no answer number/);
  });
});
