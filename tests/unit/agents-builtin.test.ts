import { describe, expect, it } from 'vitest';
import {
  answerLabel,
  answerPosition,
  apply,
  probabilityProblem,
  rulesFor,
  setup,
  toMove,
  viewFor,
  type ClientAction,
  type DebateState,
  type PresetName,
  type Scenario,
  type Seat,
} from '@arena/shared';
import { readdirSync, readFileSync } from 'node:fs';
import { createAgent, listAgents } from '../../server/src/agent-catalog.ts';
import { toProbabilities } from '../../server/src/agents/builtin/common.ts';
import { PassageJudge } from '../../server/src/agents/builtin/passage-judge.ts';
import { LIGHTHOUSE } from '../helpers/fixtures.ts';

const ORIGINALS: Scenario[] = readdirSync('scenarios/originals')
  .filter((f) => f !== 'pack.json' && f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(`scenarios/originals/${f}`, 'utf8')) as Scenario);

const signal = new AbortController().signal;

async function actFor(id: string, seed: string, state: DebateState, seat: Seat): Promise<ClientAction> {
  const view = viewFor(state, seat);
  return (await createAgent(id, { seed }).act({ view, legal: view.legal, signal })).action;
}

/** Plays a debate with the given agents, failing on any refusal. Returns the final state and every action. */
async function play(preset: PresetName, scenario: Scenario, seed: string, ids: { debater: string; judge: string }) {
  let state = setup({ id: `t-${preset}-${scenario.id}-${seed}`, scenario, rules: rulesFor(preset), seed, createdAt: 0 });
  let now = 0;
  const step = (seat: Seat | 'system', action: Parameters<typeof apply>[1]) => {
    const r = apply(state, action, seat, (now += 1000));
    if (!r.ok) throw new Error(`${seat} refused: ${r.refusal.code} ${r.refusal.message}`);
    state = r.state;
  };
  step('system', { type: 'start' });
  const actions: { seat: Seat; action: ClientAction }[] = [];
  while (state.status === 'running') {
    const seat = toMove(state)[0] as Seat;
    const action = await actFor(seat === 'judge' ? ids.judge : ids.debater, `${seed}/${seat}`, state, seat);
    actions.push({ seat, action });
    step(seat, action);
  }
  return { state, actions };
}

describe('the built-in passage debater', () => {
  it('writes speeches the engine accepts, within the limits, whose quotes are all verified', async () => {
    for (const scenario of ORIGINALS) {
      for (const preset of ['debate', 'consultancy'] as const) {
        const { state } = await play(preset, scenario, 'q1', { debater: 'builtin:passage-debater', judge: 'builtin:passage-judge' });
        const rules = rulesFor(preset);
        const speeches = state.rounds.flatMap((r) => r.speeches);
        expect(speeches.length).toBeGreaterThan(0);
        for (const s of speeches) {
          expect(s.chars).toBeLessThanOrEqual(rules.speechChars);
          expect(s.quoteChars).toBeLessThanOrEqual(rules.quoteChars);
          const quotes = s.segments.filter((g) => g.kind === 'quote');
          expect(quotes.length).toBeGreaterThan(0);
          expect(quotes.every((g) => g.verified)).toBe(true);
        }
      }
    }
  });

  it('argues its own answer and rebuts the opponent in later rounds', async () => {
    const { actions, state } = await play('debate', LIGHTHOUSE, 'r1', { debater: 'builtin:passage-debater', judge: 'builtin:passage-judge' });
    const speeches = actions.filter((a) => a.action.type === 'speech');
    const first = speeches[0]!;
    const own = state.header.assignment.debaters[first.seat as 'A']!;
    const shown = state.header.scenario.answers[state.header.assignment.answerOrder[own]!]!;
    expect(first.action.type === 'speech' && first.action.text).toContain(shown.replace(/[.!?]+$/, ''));
    // It names its answer as the page does: by its number in the shown order (debaters are lettered).
    expect(first.action.type === 'speech' && first.action.text).toContain(`I argue for answer ${answerLabel(own)}:`);
    expect(answerLabel(own)).toBe(String(own + 1));
    expect(answerPosition(answerLabel(own), state.header.scenario.answers.length)).toBe(own);
    const later = speeches.slice(2);
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((a) => a.action.type === 'speech' && /My opponent/.test(a.action.text ?? ''))).toBe(true);
  });

  it('is deterministic under its seed', async () => {
    const a = await play('debate', ORIGINALS[3]!, 'same', { debater: 'builtin:passage-debater', judge: 'builtin:passage-judge' });
    const b = await play('debate', ORIGINALS[3]!, 'same', { debater: 'builtin:passage-debater', judge: 'builtin:passage-judge' });
    expect(b.actions).toEqual(a.actions);
  });
});

describe('the built-in passage judge', () => {
  it('gives probabilities in [0.01, 0.99] summing to 1 and ends after the configured rounds', async () => {
    for (const scenario of ORIGINALS) {
      for (const preset of ['debate', 'consultancy', 'blind'] as const) {
        const { state, actions } = await play(preset, scenario, 'p1', { debater: 'builtin:passage-debater', judge: 'builtin:passage-judge' });
        expect(state.status).toBe('finished');
        for (const { action } of actions) {
          if (action.type !== 'judge') continue;
          expect(probabilityProblem(action.probabilities, scenario.answers.length)).toBeNull();
          expect(Math.abs(action.probabilities.reduce((x, y) => x + y, 0) - 1)).toBeLessThan(1e-9);
        }
        // Default: ends once two speech rounds are complete (blind has none).
        expect(state.speechRounds).toBe(preset === 'blind' ? 0 : 2);
      }
    }
  });

  it('favours the answer whose verified quotes support it, and penalises unverified quotes', () => {
    let state = setup({ id: 'j1', scenario: LIGHTHOUSE, rules: rulesFor('debate'), seed: 'j', createdAt: 0 });
    const go = (seat: Seat | 'system', action: Parameters<typeof apply>[1]) => {
      const r = apply(state, action, seat, 1);
      if (!r.ok) throw new Error(r.refusal.message);
      state = r.state;
    };
    const { answerOrder, debaters } = state.header.assignment;
    const seatFor = (original: number) => (Object.entries(debaters).find(([, pos]) => answerOrder[pos] === original)![0]) as 'A' | 'B';
    go('system', { type: 'start' });
    go('judge', { type: 'judge', probabilities: [0.5, 0.5], end: false });
    go(seatFor(1), { type: 'speech', text: 'The oil was gone: <quote>somebody had rolled every barrel of oil down to the jetty and away</quote>, so nothing was left to burn.' });
    go(seatFor(0), { type: 'speech', text: 'He was ordered: <quote>the harbour master ordered the keeper to darken the race</quote>.' });
    const judge = new PassageJudge('j', 'seed');
    const scores = judge.scores(viewFor(state, 'judge'));
    const oil = answerOrder.indexOf(1);
    const ordered = answerOrder.indexOf(0);
    expect(scores[oil]!).toBeGreaterThan(scores[ordered]!);
    // The invented quote is unverified and costs its side.
    expect(scores[ordered]!).toBeLessThan(0);
  });

  it('sees nothing but its view: the passage never reaches it', async () => {
    const state = setup({ id: 'j2', scenario: LIGHTHOUSE, rules: rulesFor('blind'), seed: 'b', createdAt: 0 });
    const started = apply(state, { type: 'start' }, 'system', 0);
    if (!started.ok) throw new Error('start');
    const view = viewFor(started.state, 'judge');
    expect(view.passage).toBeUndefined();
    const action = await actFor('builtin:passage-judge', 's', started.state, 'judge');
    expect(action.type === 'judge' && action.end).toBe(true);
  });
});

describe('probabilities from weights', () => {
  it('clamps to [0.01, 0.99] and sums to exactly 1 for awkward inputs', () => {
    const cases = [[1, 0], [1e9, 1, 1], [0, 0, 0], [Number.NaN, 1], [1, 1, 1], [3, 1, 1, 1], [1e-12, 1e-12, 1e-12, 1], [0.3333, 0.3333, 0.3334], [1, 2]];
    for (const w of cases) {
      const p = toProbabilities(w);
      expect(p).toHaveLength(w.length);
      expect(probabilityProblem(p, w.length)).toBeNull();
      expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-9);
    }
    expect(toProbabilities([1, 0])).toEqual([0.99, 0.01]);
    expect(toProbabilities([1, 1])).toEqual([0.5, 0.5]);
  });
});

describe('the random agent and the registry', () => {
  it('plays any seat within the rules, deterministically', async () => {
    for (const preset of ['debate', 'consultancy', 'blind'] as const) {
      for (const scenario of ORIGINALS.slice(0, 4)) {
        const a = await play(preset, scenario, 'rnd', { debater: 'builtin:random', judge: 'builtin:random' });
        const b = await play(preset, scenario, 'rnd', { debater: 'builtin:random', judge: 'builtin:random' });
        expect(a.state.status).toBe('finished');
        expect(b.actions).toEqual(a.actions);
      }
    }
  });

  it('differs across seeds', async () => {
    const a = await play('debate', ORIGINALS[0]!, 'x1', { debater: 'builtin:random', judge: 'builtin:random' });
    const b = await play('debate', ORIGINALS[0]!, 'x2', { debater: 'builtin:random', judge: 'builtin:random' });
    expect(b.actions).not.toEqual(a.actions);
  });

  it('lists the built-ins and refuses an unknown id, naming the known ones', () => {
    expect(listAgents(undefined)).toEqual(['builtin:passage-debater', 'builtin:passage-judge', 'builtin:random', 'builtin:pixel-debater', 'builtin:pixel-judge']);
    expect(() => createAgent('nope', { seed: 's', config: { agents: {} } })).toThrow(/unknown agent "nope".*builtin:random/);
  });

  it('refuses an LLM agent whose API key variable is unset', () => {
    const config = { agents: { x: { provider: 'openai' as const, model: 'm', apiKeyEnv: 'NOT_SET_ANYWHERE', temperature: 0, maxTokens: 10, timeoutMs: 1000, concurrency: 1, bestOf: 1, bestOfJudge: 'builtin:passage-judge', refineRounds: 0 } } };
    expect(() => createAgent('x', { seed: 's', config, env: {} })).toThrow(/NOT_SET_ANYWHERE/);
  });
});
