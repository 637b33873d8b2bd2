import { describe, expect, it } from 'vitest';
import { apply, viewFor, type DebateState, type Refusal } from '@arena/shared';
import { InvalidReply, type Agent, type AgentTurn } from '../../server/src/agents/agent.ts';
import { actWithRules, isTransient } from '../../server/src/agents/driver.ts';
import { parseJudgeReply, trimSpeech } from '../../server/src/agents/llm/parse.ts';
import { APIConnectionError, APIConnectionTimeoutError, APIUserAbortError } from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { newDebate } from '../helpers/fixtures.ts';

function judgeTurnState(): DebateState {
  const r = apply(newDebate('debate', 'drv'), { type: 'start' }, 'system', 0);
  if (!r.ok) throw new Error(r.refusal.message);
  return r.state;
}

/** A scripted stand-in for a model: each call runs the next step. */
function scripted(steps: ((turn: AgentTurn) => Promise<unknown>)[]): Agent & { turns: AgentTurn[] } {
  const turns: AgentTurn[] = [];
  return {
    id: 'scripted',
    turns,
    async act(turn) {
      turns.push(turn);
      const step = steps[Math.min(turns.length - 1, steps.length - 1)]!;
      return (await step(turn)) as never;
    },
  };
}

const good = async () => ({ action: { type: 'judge', probabilities: [0.6, 0.4], end: false } });
const bad = async () => ({ action: { type: 'judge', probabilities: [0.6, 0.6], end: false } });
const httpError = (status: number) => async () => {
  throw Object.assign(new Error(`HTTP ${status}`), { status });
};

function run(agent: Agent, timeoutMs = 2000) {
  let state = judgeTurnState();
  const submitted: unknown[] = [];
  return actWithRules(
    agent,
    () => viewFor(state, 'judge'),
    'judge',
    (action, meta) => {
      submitted.push(meta);
      const r = apply(state, action, 'judge', 1);
      if (!r.ok) return r.refusal;
      state = r.state;
      return null;
    },
    { timeoutMs, backoffMs: 5 },
  ).then((result) => ({ result, state: () => state, submitted }));
}

describe('the agent driver', () => {
  it('asks once more with the refusal when the engine refuses, then accepts', async () => {
    const agent = scripted([bad, good]);
    const { result } = await run(agent);
    expect(result.ok).toBe(true);
    expect(agent.turns).toHaveLength(2);
    expect(agent.turns[0]!.refusal).toBeUndefined();
    expect((agent.turns[1]!.refusal as Refusal).code).toBe('bad-probabilities');
    expect((result.meta.refusedOnce as Refusal).code).toBe('bad-probabilities');
  });

  it('fails after a second refusal, leaving the turn to the rules’ expiry path', async () => {
    const agent = scripted([bad, bad, good]);
    const { result, state } = await run(agent);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/refused twice/);
    expect(agent.turns).toHaveLength(2);
    expect(state().rounds[0]!.judge).toBeNull();
  });

  it('treats an unreadable answer (InvalidReply) like a refusal: one more try with it, then a failure', async () => {
    const unreadable = async () => {
      throw new InvalidReply({ code: 'malformed', message: 'not an action' });
    };
    const once = scripted([unreadable, good]);
    const first = await run(once);
    expect(first.result.ok).toBe(true);
    expect(once.turns[1]!.refusal).toEqual({ code: 'malformed', message: 'not an action' });
    expect(first.submitted).toHaveLength(1);
    expect(first.submitted[0]).toMatchObject({ refusedOnce: { code: 'malformed' } });
    const twice = scripted([unreadable, unreadable, good]);
    const second = await run(twice);
    expect(second.result.ok).toBe(false);
    expect(twice.turns).toHaveLength(2);
    expect(second.result.ok || second.result.reason).toMatch(/^refused twice: not an action/);
  });

  it('gives the agent the end of its budget as a deadline', async () => {
    const agent = scripted([good]);
    const before = Date.now();
    await run(agent, 1500);
    expect(agent.turns[0]!.deadline).toBeGreaterThanOrEqual(before + 1500);
    expect(agent.turns[0]!.deadline).toBeLessThanOrEqual(Date.now() + 1500);
  });

  it('retries transient errors with backoff and records them', async () => {
    const agent = scripted([httpError(429), httpError(502), good]);
    const { result } = await run(agent);
    expect(result.ok).toBe(true);
    expect(result.meta.retries).toBe(2);
    expect(result.meta.errors).toEqual(['Error: HTTP 429', 'Error: HTTP 502']);
  });

  it('does not retry a permanent error', async () => {
    const agent = scripted([httpError(401), good]);
    const { result } = await run(agent);
    expect(result.ok).toBe(false);
    expect(agent.turns).toHaveLength(1);
  });

  it('returns within the budget even when the agent never settles and ignores its signal', async () => {
    const agent = scripted([() => new Promise(() => {})]);
    const started = Date.now();
    const { result } = await run(agent, 300);
    expect(result.ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(agent.turns[0]!.signal.aborted).toBe(true);
  });

  it('treats an infinite budget as no time limit rather than an instant timeout', async () => {
    const agent = scripted([async () => new Promise((r) => setTimeout(() => r({ action: { type: 'judge', probabilities: [0.5, 0.5], end: false } }), 30))]);
    const { result } = await run(agent, Number.POSITIVE_INFINITY);
    expect(result.ok).toBe(true);
  });

  it('classifies errors', () => {
    expect(isTransient(Object.assign(new Error('x'), { status: 429 }))).toBe(true);
    expect(isTransient(Object.assign(new Error('x'), { status: 500 }))).toBe(true);
    expect(isTransient(Object.assign(new Error('x'), { status: 400 }))).toBe(false);
    expect(isTransient(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransient(new Error('fetch failed'))).toBe(true);
    expect(isTransient(new Error('bad answer'))).toBe(false);
    expect(isTransient(Object.assign(new Error('Request timed out.'), { name: 'APIConnectionTimeoutError' }))).toBe(true);
    expect(isTransient(Object.assign(new Error('Request was aborted.'), { name: 'APIUserAbortError' }))).toBe(false);
    // The SDKs' own error classes.
    expect(isTransient(new APIConnectionError({ message: 'Connection error.' }))).toBe(true);
    expect(isTransient(new APIConnectionTimeoutError())).toBe(true);
    expect(isTransient(new APIUserAbortError())).toBe(false);
    expect(isTransient(new Anthropic.APIConnectionError({ message: 'Connection error.' }))).toBe(true);
    expect(isTransient(new Anthropic.APIUserAbortError())).toBe(false);
  });
});

describe('reading model replies', () => {
  it('reads JSON, fenced JSON, arrays, percentages and "A: 0.7" lines', () => {
    expect(parseJudgeReply('{"probabilities": {"A": 0.7, "B": 0.3}, "end": true}', 2)).toEqual({ probabilities: [0.7, 0.3], end: true, comment: '' });
    expect(parseJudgeReply('```json\n{"probabilities": [0.2, 0.8]}\n```', 2).probabilities).toEqual([0.2, 0.8]);
    expect(parseJudgeReply('{"probabilities": {"A": "60%", "B": "30%", "C": "10%"}}', 3).probabilities).toEqual([0.6, 0.3, 0.1]);
    expect(parseJudgeReply('Thinking...\nA: 0.9\nB: 0.1\nend: yes', 2)).toMatchObject({ probabilities: [0.9, 0.1], end: true });
    expect(parseJudgeReply('{"probabilities": {"A": 1, "B": 0}}', 2).probabilities).toEqual([0.99, 0.01]);
    expect(() => parseJudgeReply('I think the first one.', 2)).toThrow(/could not read/);
    expect(() => parseJudgeReply('{"probabilities": {"A": 0.5}}', 2)).toThrow();
  });

  it('trims speeches to the character and quote limits as the engine counts them', () => {
    const passage = 'The cat sat on the mat all day long. The dog barked at the postman every morning without fail.';
    const text = `Look: <quote>the cat sat on the mat all day long</quote> and <quote>the dog barked at the postman every morning without fail</quote>. ${'More words here. '.repeat(20)}`;
    const out = trimSpeech(text, passage, { speechChars: 120, quoteChars: 40 });
    expect(out).toContain('<quote>the cat sat on the mat all day long</quote>');
    expect(out).not.toContain('postman');
    expect(out.replace(/<\/?quote>/g, '').length).toBeLessThanOrEqual(120);
  });
});
