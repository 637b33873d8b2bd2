/**
 * What a participant's page shows (server/src/studies/participant-page.ts): the feedback
 * choice of the spec, and the comprehension quiz without its answers.
 */
import { describe, expect, it } from 'vitest';
import { EXAMPLE_SPEC } from '../../server/src/studies/example.ts';
import { participantPage } from '../../server/src/studies/participant-page.ts';
import { parseSpec } from '../../server/src/studies/spec.ts';
import type { ItemRow, ParticipantRow, StudyRow } from '../../server/src/studies/study-store.ts';

const spec = parseSpec(EXAMPLE_SPEC);
const row = (over: Partial<StudyRow['spec']> = {}): StudyRow => ({ id: 's', spec: { ...spec, ...over }, specHash: 'h', status: 'running', secret: 'x', createdAt: 0, updatedAt: 0 });
const p = (over: Partial<ParticipantRow> = {}): ParticipantRow => ({
  studyId: 's', participant: 'p-1', token: 't', role: 'judge', stage: 'items', outcome: null, position: 0, failedChecks: 0, flags: [], enteredAt: 0, consentedAt: 0, finishedAt: null, lastSeen: 0, waitingSince: null, ...over,
});
const item: ItemRow = { participant: 'p-1', position: 0, kind: 'item', slot: 'c#1', scenarioId: 'x', condition: 'debate', debateId: 'd1', status: 'open', startedAt: 0, finishedAt: null };

describe("a participant's page", () => {
  it('carries the feedback choice of the spec (after each item unless the spec says at the end or never)', () => {
    expect(participantPage(row(), p(), [item], 'tok').feedback).toBe('afterEach');
    expect(participantPage(row({ feedback: 'never' }), p(), [item], 'tok').feedback).toBe('never');
    expect(participantPage(row({ feedback: 'atEnd' }), p(), [item], 'tok').feedback).toBe('atEnd');
  });

  it('shows the comprehension quiz without its answers, with the tries left', () => {
    const quiz = [{ question: 'Who sees the passage?', answers: ['The judge', 'The debaters'], correct: 1 }];
    const page = participantPage(row({ comprehension: quiz }), p({ stage: 'instructions', flags: ['missed-comprehension'] }), [], '');
    expect(page.quiz).toEqual({ questions: [{ question: 'Who sees the passage?', answers: ['The judge', 'The debaters'] }], triesLeft: 1, missed: true });
    expect(JSON.stringify(page)).not.toContain('"correct"');
  });
});
