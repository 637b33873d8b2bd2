/**
 * Post-item questions and feedback at the end, through the real server: a judged item is
 * left only once its questions are answered (invalid answers refused by field), the answers
 * are in judgements.csv, and the end page sums up how the judge did.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_SPEC } from '../../server/src/studies/example.ts';
import { parseSpec, type StudySpec } from '../../server/src/studies/spec.ts';
import { framesText, RESEARCHER_TOKEN, startArena, type TestArena } from '../helpers/arena.ts';

let t: TestArena;
const base = parseSpec(EXAMPLE_SPEC);
const spec: StudySpec = {
  ...base,
  id: 'questions-study',
  scenarios: { packs: [], ids: ['the-lantern-room', 'log-of-the-petrel'] },
  conditions: base.conditions.filter((c) => c.preset === 'blind'),
  itemsPerParticipant: 1,
  judgementsPerCell: 1,
  practice: [],
  attentionChecks: [],
  feedback: 'atEnd',
  postItemQuestions: [
    { id: 'confidence', prompt: 'How sure are you?', kind: 'scale', min: 1, max: 7, optional: false },
    { id: 'reason', prompt: 'Why?', kind: 'text', min: 1, max: 7, optional: true },
  ],
};

beforeAll(async () => {
  t = await startArena({ env: { ARENA_STUDY_SWEEP_SECONDS: '3600' } });
});
afterAll(async () => t?.close());

describe('post-item questions', () => {
  it('are answered before going on, exported per item, and the end page gives the feedback kept for the end', async () => {
    expect((await t.api('/api/studies', { method: 'POST', json: { spec }, token: RESEARCHER_TOKEN })).status).toBe(201);
    const token = (await t.api(`/api/studies/${spec.id}/enter`, { method: 'POST', json: { pid: 'PANEL-Q' } })).body.token as string;
    const post = async (path: string, json: unknown = {}) => t.api(`/api/studies/${spec.id}/me/${path}`, { method: 'POST', json, token });
    await post('consent', { agree: true });
    let page = (await post('start')).body;
    expect(page.feedback).toBe('atEnd');
    expect(page.questions).toMatchObject({ answered: false });
    const judge = await t.join({ debateId: page.item.debateId, seat: 'judge', token: page.item.token });
    await judge.until((c) => c.views.length > 0 && c.view.legal.some((l) => l.type === 'judge'), 'the judge turn', 20_000);
    await judge.act({ type: 'judge', probabilities: judge.view.answers.map((_, i) => (i === 0 ? 0.9 : 0.1 / (judge.view.answers.length - 1))), end: true });
    for (let i = 0; i < 50 && (await t.api(`/api/studies/${spec.id}/me`, { token })).body.item?.status !== 'done'; i++) await new Promise((r) => setTimeout(r, 50));
    // Feedback kept for the end: the finished item's judge seat never carried the correct answer or the scores, on the wire.
    await judge.until((c) => c.view.status === 'finished', 'the finished view');
    expect(judge.views.some((v) => v.correctIndex !== undefined || v.verdict !== undefined)).toBe(false);
    expect(framesText(judge.frames())).not.toMatch(/correctIndex|judgeScore|debaterScores/);
    expect((await t.api(`/api/debates/${page.item.debateId}/view?seat=judge`, { token: page.item.token })).body).not.toHaveProperty('correctIndex');
    // Nor does the debate's summary tell the judge whether it was right (researchers see it).
    const summary = await t.api(`/api/debates/${page.item.debateId}`, { token: page.item.token });
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({ status: 'finished', outcome: null });
    expect(JSON.stringify(summary.body)).not.toMatch(/judgeScore|revealOutcome/);
    expect((await t.api(`/api/debates/${page.item.debateId}`, { token: RESEARCHER_TOKEN })).body.outcome).toMatchObject({ correct: expect.any(Boolean), judgeScore: expect.any(Number) });
    expect((await post('next')).status).toBe(409);
    const bad = await post('answers', { position: 1, answers: { confidence: 9 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/from 1 to 7/);
    page = (await post('answers', { position: 1, answers: { confidence: 6, reason: 'the quotes' } })).body;
    expect(page.questions).toMatchObject({ answered: true });
    page = (await post('next')).body;
    expect(page.end.outcome).toBe('completed');
    expect(page.end.feedback).toHaveLength(1);
    expect(typeof page.end.feedback[0].correct).toBe('boolean');
    const csv = parseCsv((await t.api(`/api/studies/${spec.id}/export/judgements.csv`, { token: RESEARCHER_TOKEN })).body as string, { columns: true }) as Record<string, string>[];
    expect(csv).toHaveLength(1);
    expect(csv[0]).toMatchObject({ q_confidence: '6', q_reason: 'the quotes', correct: page.end.feedback[0].correct ? 'TRUE' : 'FALSE' });
  });
});
