import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply, probabilityProblem, rulesFor, viewFor, type DebateState, type Seat } from '@arena/shared';
import { actWithRules, type Submit } from '../../server/src/agents/driver.ts';
import { createAgent } from '../../server/src/agent-catalog.ts';
import type { AgentsConfig } from '../../server/src/agents/llm/config.ts';
import { playDebate } from '../../server/src/selfplay/run-debate.ts';
import { LIGHTHOUSE, newDebate } from '../helpers/fixtures.ts';
import { startFakeLlmServer, type FakeLlmServer } from '../helpers/fake-llm-server.ts';

let server: FakeLlmServer;
beforeAll(async () => {
  server = await startFakeLlmServer();
});
afterAll(async () => {
  await server.close();
});

const env = { FAKE_LLM_KEY: 'sk-fake-123' };

function config(provider: 'openai' | 'anthropic', extra: Record<string, unknown> = {}): AgentsConfig {
  const baseURL = provider === 'openai' ? server.openaiBaseURL : server.anthropicBaseURL;
  return {
    agents: {
      llm: { provider, model: `fake-${provider}`, baseURL, apiKeyEnv: 'FAKE_LLM_KEY', temperature: 0.2, maxTokens: 300, timeoutMs: 10_000, concurrency: 4, bestOf: 1, bestOfJudge: 'builtin:passage-judge', refineRounds: 0, ...extra },
    },
  } as AgentsConfig;
}

/** A debate at the judge's first turn (the prior). */
function atJudgePrior(): DebateState {
  const r = apply(newDebate('debate', 'llm-seed'), { type: 'start' }, 'system', 0);
  if (!r.ok) throw new Error(r.refusal.message);
  return r.state;
}

/** Drives one seat against a live state, as a room or the batch runner does. */
function drive(state: DebateState, seat: Seat, provider: 'openai' | 'anthropic', timeoutMs = 5000) {
  let current = state;
  const agent = createAgent('llm', { seed: 's', config: config(provider), env });
  const submit: Submit = (action) => {
    const r = apply(current, action, seat as 'judge', 1000);
    if (!r.ok) return r.refusal;
    current = r.state;
    return null;
  };
  return actWithRules(agent, () => viewFor(current, seat), seat, submit, { timeoutMs, backoffMs: 20 }).then((result) => ({ result, state: current }));
}

describe.each(['openai', 'anthropic'] as const)('an LLM agent over the %s SDK against a local server', (provider) => {
  it('judges with valid probabilities, records tokens and latency, and sends the configured key', async () => {
    const before = server.requests.length;
    const { result, state } = await drive(atJudgePrior(), 'judge', provider);
    expect(result.ok).toBe(true);
    expect(state.rounds[0]?.judge?.probabilities).toBeDefined();
    expect(probabilityProblem(state.rounds[0]!.judge!.probabilities, 2)).toBeNull();
    const req = server.requests.at(-1)!;
    expect(server.requests.length - before).toBe(1);
    expect(req.api).toBe(provider);
    // OpenAI sends a bearer token; Anthropic's SDK sends the key as a bearer token or x-api-key depending on version.
    expect(`${req.headers.authorization ?? ''} ${req.headers['x-api-key'] ?? ''}`).toContain('sk-fake-123');
    expect(req.prompt).toContain(LIGHTHOUSE.question);
    // The judge's prompt never contains the passage.
    expect(req.prompt).not.toContain('smugglers');
    expect(result.meta).toMatchObject({ provider, model: `fake-${provider}`, calls: 1 });
    expect(result.meta.tokensIn).toBeGreaterThan(0);
    expect(result.meta.tokensOut).toBeGreaterThan(0);
    expect(typeof result.meta.latencyMs).toBe('number');
  });

  it('asks again after a reply it cannot read, then accepts the good one', async () => {
    server.enqueue({ kind: 'text', text: 'Hard to say; I lean towards the first answer, maybe.' });
    const before = server.requests.length;
    const { result } = await drive(atJudgePrior(), 'judge', provider);
    expect(result.ok).toBe(true);
    expect(server.requests.length - before).toBe(2);
    expect(server.requests.at(-1)!.prompt).toContain('could not be read');
    expect(result.meta).toMatchObject({ parseRetries: 1, calls: 2 });
  });

  it('reads "A: 70%" lines as well as JSON', async () => {
    server.enqueue({ kind: 'text', text: 'My verdict:\nA: 70%\nB: 30%\nend: no' });
    const { result, state } = await drive(atJudgePrior(), 'judge', provider);
    expect(result.ok).toBe(true);
    expect(state.rounds[0]!.judge!.probabilities).toEqual([0.7, 0.3]);
  });

  it('retries a 429 after the server’s Retry-After and then succeeds', async () => {
    server.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '0' } });
    const before = server.requests.length;
    const { result } = await drive(atJudgePrior(), 'judge', provider);
    expect(result.ok).toBe(true);
    expect(server.requests.length - before).toBe(2);
    expect(result.meta.retries).toBe(1);
    expect(String((result.meta.errors as string[])[0])).toMatch(/429/);
  });

  it('retries a 503 and gives up on a 400 without retrying', async () => {
    server.enqueue({ kind: 'status', status: 503 });
    const ok = await drive(atJudgePrior(), 'judge', provider);
    expect(ok.result.ok).toBe(true);
    expect(ok.result.meta.retries).toBe(1);
    server.enqueue({ kind: 'status', status: 400 });
    const before = server.requests.length;
    const bad = await drive(atJudgePrior(), 'judge', provider);
    expect(bad.result.ok).toBe(false);
    expect(server.requests.length - before).toBe(1);
  });

  it('reports a failure within the turn budget when the server never answers', async () => {
    server.enqueue({ kind: 'hang' });
    const started = Date.now();
    const { result, state } = await drive(atJudgePrior(), 'judge', provider, 700);
    const elapsed = Date.now() - started;
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/within 700 ms/);
    expect(elapsed).toBeGreaterThanOrEqual(650);
    expect(elapsed).toBeLessThan(1500);
    // Nothing was applied: the room (or batch) now takes the rules' expiry path.
    expect(state.rounds[0]?.judge).toBeNull();
  });

  it('trims an over-long speech to the limits and keeps its verified quote', async () => {
    const long = `The story is clear. <quote>somebody had rolled every barrel of oil down to the jetty and away</quote> ${'Besides, consider this at length. '.repeat(60)}`;
    let state = atJudgePrior();
    const r = apply(state, { type: 'judge', probabilities: [0.5, 0.5], end: false }, 'judge', 10);
    if (!r.ok) throw new Error(r.refusal.message);
    state = r.state;
    server.enqueue({ kind: 'text', text: long });
    const { result, state: after } = await drive(state, 'A', provider);
    expect(result.ok).toBe(true);
    const speech = after.rounds.at(-1)!.speeches.find((s) => s.seat === 'A')!;
    expect(speech.chars).toBeLessThanOrEqual(rulesFor('debate').speechChars);
    expect(speech.segments.some((g) => g.kind === 'quote' && g.verified)).toBe(true);
  });

  it('plays a whole debate with LLM debaters and judge, every event carrying its usage', async () => {
    const agents = {
      A: createAgent('llm', { seed: 'a', config: config(provider), env }),
      B: createAgent('llm', { seed: 'b', config: config(provider), env }),
      judge: createAgent('llm', { seed: 'j', config: config(provider), env }),
    };
    const record = await playDebate({ id: `llm-${provider}`, scenario: LIGHTHOUSE, rules: rulesFor('debate'), seed: 'x', agents, startAt: 0, turnTimeoutMs: 5000 });
    expect(record.status).toBe('finished');
    const acted = record.events.filter((e) => e.seat !== 'system');
    expect(acted.length).toBeGreaterThanOrEqual(4);
    for (const e of acted) expect(e.meta?.tokensIn).toBeGreaterThan(0);
    const speeches = acted.filter((e) => e.action.type === 'speech');
    expect(speeches.every((e) => e.action.type === 'speech' && /<quote>/.test(e.action.text ?? ''))).toBe(true);
  });
});

describe('an endpoint that refuses connections', () => {
  it('is retried as a network error, then reported as a failure', async () => {
    const closed = await startFakeLlmServer();
    const baseURL = closed.openaiBaseURL;
    await closed.close();
    const cfg = { agents: { down: { ...config('openai').agents.llm!, baseURL } } } as AgentsConfig;
    const agent = createAgent('down', { seed: 's', config: cfg, env });
    const state = atJudgePrior();
    const result = await actWithRules(agent, () => viewFor(state, 'judge'), 'judge', () => null, { timeoutMs: 5000, retries: 2, backoffMs: 10 });
    expect(result.ok).toBe(false);
    expect(result.meta.retries).toBe(2);
  });
});

describe('best-of-N debaters', () => {
  it('draws N speeches and keeps the one the scoring judge likes best', async () => {
    const candidates = [
      'I am right. <quote>The keeper folded the note and put it in his coat</quote>.',
      'I am right. <quote>somebody had rolled every barrel of oil down to the jetty and away</quote>. There was nothing to burn.',
      'I am right, trust me.',
    ];
    server.enqueue(...candidates.map((text) => ({ kind: 'text' as const, text })));
    let state = atJudgePrior();
    const r = apply(state, { type: 'judge', probabilities: [0.5, 0.5], end: false }, 'judge', 10);
    if (!r.ok) throw new Error(r.refusal.message);
    state = r.state;
    // The debater arguing the oil answer (shown position of original answer 1).
    const seat = Object.entries(state.header.assignment.debaters).find(([, pos]) => state.header.assignment.answerOrder[pos] === 1)![0] as Seat;
    const agent = createAgent('llm', { seed: 's', config: config('openai', { bestOf: 3 }), env });
    let current = state;
    const result = await actWithRules(agent, () => viewFor(current, seat), seat, (action) => {
      const a = apply(current, action, seat as 'A', 20);
      if (!a.ok) return a.refusal;
      current = a.state;
      return null;
    }, { timeoutMs: 5000 });
    expect(result.ok).toBe(true);
    expect(result.meta).toMatchObject({ bestOf: 3, calls: 3 });
    const scores = result.meta.candidateScores as number[];
    expect(result.meta.chosen).toBe(scores.indexOf(Math.max(...scores)));
    expect(result.ok && result.action.type === 'speech' && result.action.text).toContain('barrel of oil');
  });
});
