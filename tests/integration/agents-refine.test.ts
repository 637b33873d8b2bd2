import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply, rulesFor, viewFor, type DebateState, type Seat } from '@arena/shared';
import { actWithRules } from '../../server/src/agents/driver.ts';
import { createAgent } from '../../server/src/agent-catalog.ts';
import type { AgentsConfig } from '../../server/src/agents/llm/config.ts';
import type { SpeechCandidate } from '../../server/src/agents/llm/llm-agent.ts';
import { framesText, RESEARCHER_TOKEN, startArena, type TestArena } from '../helpers/arena.ts';
import { defaultResponder, startFakeLlmServer, type FakeLlmServer } from '../helpers/fake-llm-server.ts';
import { LIGHTHOUSE, newDebate } from '../helpers/fixtures.ts';
import { playDebate } from '../../server/src/selfplay/run-debate.ts';

/** Words that appear only in drafts and critiques, never in a speech given: searched for in what the judge receives. */
const DRAFT_MARK = 'Zanzibar-draft-marker';
const CRITIQUE_MARK = 'Quokka-critique-marker';
/** The fixture's sentence that supports the oil answer (the refinement quotes it when the story has it). */
const BARREL = /somebody had rolled every barrel of oil down to the jetty and away/;

/**
 * A model that writes a draft without quotes, critiques it (asking for a quote), and
 * refines it into a speech quoting the story's first sentence; judges get the default JSON.
 */
function refiningModel(prompt: string): string {
  if (/Reply with JSON only/.test(prompt)) return defaultResponder(prompt);
  if (/<critique>/.test(prompt)) return BARREL.test(prompt) ? `The story is plain: <quote>${BARREL.source}</quote>. Nothing was left to burn.` : defaultResponder(prompt);
  if (/Critique this draft/.test(prompt)) return `${CRITIQUE_MARK}: the draft quotes nothing; quote the story's first sentence.`;
  return `${DRAFT_MARK}: my answer is right, believe me.`;
}

let server: FakeLlmServer;
beforeAll(async () => {
  server = await startFakeLlmServer(refiningModel);
});
afterAll(async () => {
  await server.close();
});

const env = { FAKE_LLM_KEY: 'sk-fake-123' };

function config(extra: Record<string, unknown>): AgentsConfig {
  return {
    agents: {
      refiner: { provider: 'openai', model: 'fake-openai', baseURL: server.openaiBaseURL, apiKeyEnv: 'FAKE_LLM_KEY', temperature: 0.2, maxTokens: 300, timeoutMs: 10_000, concurrency: 4, bestOf: 1, bestOfJudge: 'builtin:passage-judge', refineRounds: 1, ...extra },
    },
  } as AgentsConfig;
}

/** A debate after the judge's prior: the debaters' opening is next. */
function atOpening(): DebateState {
  let state = newDebate('debate', 'refine-seed');
  for (const [actor, action] of [['system', { type: 'start' }], ['judge', { type: 'judge', probabilities: [0.5, 0.5], end: false }]] as const) {
    const r = apply(state, action as never, actor, 10);
    if (!r.ok) throw new Error(r.refusal.message);
    state = r.state;
  }
  return state;
}

async function speak(agentConfig: AgentsConfig, seat: Seat = 'A') {
  let current = atOpening();
  const agent = createAgent('refiner', { seed: 's', config: agentConfig, env });
  const result = await actWithRules(agent, () => viewFor(current, seat), seat, (action) => {
    const a = apply(current, action, seat as 'A', 20);
    if (!a.ok) return a.refusal;
    current = a.state;
    return null;
  }, { timeoutMs: 5000 });
  return { result, state: current };
}

describe('critique-and-refine debaters', () => {
  it('drafts, critiques and refines, scores every candidate and gives the refinement the scorer believes more', async () => {
    // Seat A argues the oil answer under this seed.
    expect(atOpening().header.assignment.answerOrder[atOpening().header.assignment.debaters.A!]).toBe(1);
    const before = server.requests.length;
    const { result } = await speak(config({ refineRounds: 1 }));
    expect(result.ok).toBe(true);
    const prompts = server.requests.slice(before).map((r) => r.prompt);
    // One draft, one critique, one refinement, in that order.
    expect(prompts).toHaveLength(3);
    expect(prompts[0]).not.toContain('<draft>');
    expect(prompts[1]).toContain('Critique this draft');
    expect(prompts[1]).toContain(DRAFT_MARK);
    expect(prompts[2]).toContain(`<critique>\n${CRITIQUE_MARK}`);
    expect(prompts[2]).toContain(DRAFT_MARK);
    expect(result.meta).toMatchObject({ calls: 3, refineRounds: 1, chosenCandidate: 1 });
    const candidates = result.meta.candidates as SpeechCandidate[];
    expect(candidates.map((c) => [c.stage, c.round])).toEqual([
      ['draft', 0],
      ['refined', 1],
    ]);
    expect(candidates[0]!.text).toContain(DRAFT_MARK);
    expect(candidates[1]!.critique).toContain(CRITIQUE_MARK);
    // Scored by the passage judge: the refinement's verified quote persuades it more than the bare draft.
    expect(candidates.every((c) => typeof c.score === 'number')).toBe(true);
    expect(candidates[1]!.score!).toBeGreaterThan(candidates[0]!.score!);
    expect(result.ok && result.action.type === 'speech' && result.action.text).toBe(candidates[1]!.text);
  });

  it('keeps the draft when the scorer believes the refinement less, and refines for as many rounds as configured', async () => {
    // Two rounds; each refinement comes back without quotes, so the scorer prefers the quoted draft.
    const quoted = 'My answer is right. The story says <quote>somebody had rolled every barrel of oil down to the jetty and away</quote>.';
    server.enqueue({ kind: 'text', text: quoted }, { kind: 'text', text: 'First critique.' }, { kind: 'text', text: 'Bare claim one.' }, { kind: 'text', text: 'Second critique.' }, { kind: 'text', text: 'Bare claim two.' });
    const { result } = await speak(config({ refineRounds: 2 }));
    expect(result.ok).toBe(true);
    const candidates = result.meta.candidates as SpeechCandidate[];
    expect(candidates.map((c) => c.stage)).toEqual(['draft', 'refined', 'refined']);
    expect(candidates.map((c) => c.critique)).toEqual([undefined, 'First critique.', 'Second critique.']);
    // Each round critiques the speech that stands: the draft, since the first refinement scored lower.
    expect(server.requests.at(-2)!.prompt).toContain('<draft>\nMy answer is right.');
    expect(result.meta.chosenCandidate).toBe(0);
    expect(result.ok && result.action.type === 'speech' && result.action.text).toBe(quoted);
  });

  it('never shows an LLM judge a draft or a critique', async () => {
    const cfg = config({ refineRounds: 1 });
    const agents = {
      A: createAgent('refiner', { seed: 'a', config: cfg, env }),
      B: createAgent('refiner', { seed: 'b', config: cfg, env }),
      judge: createAgent('refiner', { seed: 'j', config: cfg, env }),
    };
    const before = server.requests.length;
    const record = await playDebate({ id: 'refine-llm-judge', scenario: LIGHTHOUSE, rules: rulesFor('debate'), seed: 'x', agents, startAt: 0, turnTimeoutMs: 5000 });
    expect(record.status).toBe('finished');
    const speeches = record.events.filter((e) => e.action.type === 'speech');
    expect(speeches.length).toBeGreaterThanOrEqual(2);
    expect(speeches.every((e) => (e.meta?.candidates as SpeechCandidate[]).some((c) => c.critique?.includes(CRITIQUE_MARK)))).toBe(true);
    // What was written but not given: every critique, and each candidate no speech gave (a draft the scorer preferred is given).
    const given = new Set(speeches.map((e) => (e.action.type === 'speech' ? e.action.text : '')));
    const candidates = speeches.flatMap((e) => e.meta?.candidates as SpeechCandidate[]);
    const hidden = [...new Set([...candidates.flatMap((c) => (c.critique ? [c.critique] : [])), ...candidates.map((c) => c.text).filter((t) => !given.has(t))])];
    expect(hidden.some((h) => h.includes(CRITIQUE_MARK))).toBe(true);
    const judgePrompts = server.requests.slice(before).filter((r) => /Reply with JSON only/.test(r.prompt));
    expect(judgePrompts.length).toBeGreaterThanOrEqual(2);
    for (const r of judgePrompts) for (const h of hidden) expect(r.prompt).not.toContain(h.trim());
  });

  it('keeps best-of-N drafts with their texts and scores beside the refinement', async () => {
    const { result } = await speak(config({ bestOf: 2, refineRounds: 1 }));
    expect(result.ok).toBe(true);
    expect(result.meta).toMatchObject({ bestOf: 2, calls: 4 });
    const candidates = result.meta.candidates as SpeechCandidate[];
    expect(candidates.map((c) => c.stage)).toEqual(['draft', 'draft', 'refined']);
    expect(result.meta.candidateScores).toEqual(candidates.slice(0, 2).map((c) => c.score));
  });
});

describe('a live debate with a critique-and-refine debater', () => {
  let t: TestArena;
  const previous = process.env.ARENA_AGENTS;
  const previousKey = process.env.FAKE_LLM_KEY;
  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'arena-refine-')), 'agents.json');
    writeFileSync(file, JSON.stringify(config({ refineRounds: 1 })));
    process.env.ARENA_AGENTS = file;
    process.env.FAKE_LLM_KEY = env.FAKE_LLM_KEY;
    t = await startArena();
  });
  afterAll(async () => {
    await t.close();
    if (previous === undefined) delete process.env.ARENA_AGENTS;
    else process.env.ARENA_AGENTS = previous;
    if (previousKey === undefined) delete process.env.FAKE_LLM_KEY;
    else process.env.FAKE_LLM_KEY = previousKey;
  });

  it('keeps drafts and critiques in the events for the researcher and the export, never on the judge’s wire', async () => {
    const created = await t.createDebate({
      scenarioId: 'the-lantern-room',
      preset: 'debate',
      seed: 'refine-live',
      visibility: 'private',
      seats: { A: { kind: 'agent', agent: 'refiner' }, B: { kind: 'agent', agent: 'builtin:passage-debater' } },
    });
    const judge = await t.join({ debateId: created.id, seat: 'judge', token: created.seats.judge!.token! });
    for (let turn = 0; turn < 10; turn++) {
      await judge.until((c) => c.views.length > 0 && (c.view.legal.length > 0 || c.view.status !== 'running'), 'its turn or the end', 20_000);
      if (judge.view.status !== 'running') break;
      const legal = judge.view.legal.find((l) => l.type === 'judge');
      await judge.act({ type: 'judge', probabilities: [0.5, 0.5], end: legal?.type === 'judge' && legal.canEnd && judge.view.speechRounds >= 1 });
    }
    await judge.until((c) => c.view.status === 'finished', 'the verdict', 20_000);
    // The researcher's full transcript (the export) carries every draft and critique with its score.
    const full = await t.api(`/api/debates/${created.id}/transcript?seat=full`, { token: RESEARCHER_TOKEN });
    expect(full.status).toBe(200);
    const speeches = (full.body.events as { seat: string; action: { type: string }; meta?: Record<string, unknown> }[]).filter((e) => e.seat === 'A' && e.action.type === 'speech');
    expect(speeches.length).toBeGreaterThan(0);
    for (const e of speeches) {
      const candidates = e.meta?.candidates as SpeechCandidate[];
      expect(candidates.map((c) => c.stage)).toEqual(['draft', 'refined']);
      expect(candidates[1]!.critique).toContain(CRITIQUE_MARK);
      expect(candidates.every((c) => typeof c.score === 'number')).toBe(true);
    }
    expect(JSON.stringify(full.body)).toContain(DRAFT_MARK);
    // The judge's live frames and its step-by-step transcript hold no draft and no critique.
    const wire = framesText(judge.frames());
    expect(wire.length).toBeGreaterThan(0);
    expect(wire).not.toContain(DRAFT_MARK);
    expect(wire).not.toContain(CRITIQUE_MARK);
    expect(wire).not.toContain('candidates');
    const steps = await t.api(`/api/debates/${created.id}/transcript?seat=judge`, { token: created.seats.judge!.token! });
    expect(steps.status).toBe(200);
    expect(JSON.stringify(steps.body)).not.toContain(DRAFT_MARK);
    expect(JSON.stringify(steps.body)).not.toContain(CRITIQUE_MARK);
  }, 60_000);
});
