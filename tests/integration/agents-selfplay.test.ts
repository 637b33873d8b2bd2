import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay, rulesFor, wilson, type TranscriptRecord } from '@arena/shared';
import type { Agent } from '../../server/src/agents/agent.ts';
import { agentCatalog, createAgent } from '../../server/src/agent-catalog.ts';
import { playDebate } from '../../server/src/selfplay/run-debate.ts';
import { loadScenarioPacks } from '../../server/src/scenarios/load.ts';
import { planDebates, runBatch, type BatchPlan, type BatchSummary } from '../../server/src/selfplay/batch.ts';
import { computeReport } from '../../server/src/report/report.ts';
import { benchSelfplay } from '../../server/src/selfplay/bench.ts';
import { openStore } from '../../server/src/store/open.ts';
import type { Store } from '../../server/src/store/store.ts';

const agents = agentCatalog();

const BUILTIN = [{ debaters: ['builtin:passage-debater'], judge: 'builtin:passage-judge' }];

async function allTranscripts(store: Store): Promise<TranscriptRecord[]> {
  const out: TranscriptRecord[] = [];
  for await (const r of store.transcripts()) out.push(r);
  return out;
}

describe('a batch of 216 built-in debates (12 scenarios × 3 protocols × 6 seeds)', () => {
  let store: Store;
  let plan: BatchPlan;
  let summary: BatchSummary;
  let records: TranscriptRecord[];

  beforeAll(async () => {
    const scenarios = await originals();
    plan = { scenarios, presets: ['debate', 'consultancy', 'blind'], assignments: BUILTIN, seeds: ['1', '2', '3', '4', '5', '6'] };
    store = await openStore({});
    summary = await runBatch(plan, { agents, store, concurrency: 2, startAt: 1_700_000_000_000 });
    records = await allTranscripts(store);
  }, 60_000);
  afterAll(async () => {
    await store.close();
  });

  it('stores every planned debate, finished, as an ordinary transcript', () => {
    expect(scenariosCount(plan)).toBe(12);
    expect(summary).toMatchObject({ planned: 216, played: 216, failed: 0, unfinished: 0, skipped: 0 });
    expect(records).toHaveLength(216);
    expect(new Set(records.map((r) => r.header.id)).size).toBe(216);
    for (const r of records) {
      expect(r.status).toBe('finished');
      expect(r.header.source?.name).toBe('selfplay');
      expect(r.header.seats.judge).toEqual({ kind: 'agent', agent: 'builtin:passage-judge' });
    }
  });

  it('reports accuracies that a replay of the stored events reproduces', () => {
    const report = computeReport(records);
    // Recompute from scratch: replay every transcript's events with the engine.
    const tally = new Map<string, { n: number; hits: number; honest: [number, number]; dishonest: [number, number] }>();
    const perScenario = new Map<string, Map<string, boolean[][]>>();
    for (const r of records) {
      const state = replay(r.header as never, r.events as never);
      expect(state.status).toBe('finished');
      const v = state.verdict!;
      const p = v.probabilities;
      const c = r.header.assignment.correctIndex;
      const correct = p.every((q, i) => i === c || q < p[c]!);
      expect(correct).toBe(v.correct);
      expect(v).toEqual(r.verdict);
      const preset = r.header.rules.preset;
      const t = tally.get(preset) ?? { n: 0, hits: 0, honest: [0, 0], dishonest: [0, 0] };
      t.n++;
      if (correct) t.hits++;
      if (preset === 'consultancy') {
        const honest = Object.values(r.header.assignment.debaters).includes(c);
        const bucket = honest ? t.honest : t.dishonest;
        bucket[0] += correct ? 1 : 0;
        bucket[1]++;
      }
      tally.set(preset, t);
      const byPreset = perScenario.get(preset) ?? new Map<string, boolean[][]>();
      const cell = byPreset.get(r.header.scenario.id) ?? [[], []];
      cell[preset === 'consultancy' && !Object.values(r.header.assignment.debaters).includes(c) ? 1 : 0]!.push(correct);
      byPreset.set(r.header.scenario.id, cell);
      perScenario.set(preset, byPreset);
    }
    expect(report.byProtocol.map((g) => g.preset)).toEqual(['debate', 'consultancy', 'blind']);
    for (const g of report.byProtocol) {
      const t = tally.get(g.preset)!;
      expect(g.n).toBe(72);
      expect(g.accuracy).toEqual(wilson(t.hits, t.n));
      if (g.preset === 'consultancy') {
        const rate = t.honest[0] / t.honest[1] / 2 + t.dishonest[0] / t.dishonest[1] / 2;
        expect(g.balanced!.rate).toBeCloseTo(rate, 12);
        expect(g.balanced!.honest.n + g.balanced!.dishonest.n).toBe(72);
      } else expect(g.balanced).toBeNull();
    }
    // Paired differences: the mean over questions of per-question accuracy differences.
    const acc = (cell: boolean[][], balanced: boolean) => {
      const rate = (xs: boolean[]) => xs.filter(Boolean).length / xs.length;
      const [h, d] = cell as [boolean[], boolean[]];
      return balanced ? (rate(h) + rate(d)) / 2 : rate([...h, ...d]);
    };
    for (const cmp of report.comparisons) {
      const a = perScenario.get(cmp.a)!;
      const b = perScenario.get(cmp.b)!;
      const diffs = [...a.keys()].map((s) => acc(a.get(s)!, false) - acc(b.get(s)!, cmp.scoring === 'balanced' && cmp.b === 'consultancy'));
      expect(cmp.paired).toBe(true);
      expect(cmp.questions).toBe(12);
      expect(cmp.excluded).toBe(0);
      expect(cmp.difference).toBeCloseTo(diffs.reduce((x, y) => x + y, 0) / diffs.length, 12);
      for (const ci of [cmp.normal, cmp.cluster]) {
        expect(ci.low).toBeLessThanOrEqual(cmp.difference);
        expect(ci.high).toBeGreaterThanOrEqual(cmp.difference);
      }
    }
    // Six seeds balance every scenario: three honest and three dishonest consultants, the correct debater first three times.
    for (const [preset, byScenario] of perScenario) {
      if (preset !== 'consultancy') continue;
      for (const cell of byScenario.values()) expect([cell[0]!.length, cell[1]!.length]).toEqual([3, 3]);
    }
    const debateBalance = report.balance.find((b) => b.preset === 'debate')!;
    expect(debateBalance).toMatchObject({ debates: 72, questions: 12, correctFirst: 36, correctLater: 36, balancedQuestions: 12 });
    expect(report.balance.find((b) => b.preset === 'consultancy')).toMatchObject({ honest: 36, dishonest: 36, balancedQuestions: 12 });
    expect(report.comparisons.map((c) => `${c.a}-${c.b}/${c.scoring}`)).toEqual(['debate-consultancy/raw', 'debate-consultancy/balanced', 'debate-blind/raw']);
    // Same input, same numbers (deterministic intervals, seeded bootstraps).
    expect(computeReport(records)).toEqual(report);
  });

  it('filters by preset, pack and source', () => {
    expect(computeReport(records, { preset: 'blind' }).finished).toBe(72);
    expect(computeReport(records, { pack: 'originals' }).finished).toBe(216);
    expect(computeReport(records, { pack: 'other' }).finished).toBe(0);
    expect(computeReport(records, { source: 'none' }).finished).toBe(0);
  });

  it('plays the same debate identically from the same seed', async () => {
    const other = await openStore({});
    try {
      const small = { ...plan, scenarios: plan.scenarios.slice(0, 2), seeds: ['1'] };
      await runBatch(small, { agents, store: other, startAt: 1_700_000_000_000 });
      // Everything but the measured real-time latency in the events' meta is the same.
      const game = (r: TranscriptRecord) => ({ ...r, events: r.events.map(({ meta: _m, ...e }) => e) });
      const again = await allTranscripts(other);
      expect(again).toHaveLength(6);
      for (const r of again) {
        const same = records.find((x) => x.header.id === r.header.id);
        expect(game(same!)).toEqual(game(r));
      }
    } finally {
      await other.close();
    }
  });
});

/** The passage scenarios written for the project (the built-in debaters argue over passages). */
async function originals() {
  return (await loadScenarioPacks('scenarios')).scenarios.filter((s) => s.pack === 'originals');
}

function scenariosCount(plan: BatchPlan): number {
  return plan.scenarios.length;
}

describe('resuming an interrupted batch', () => {
  it('skips finished debates and completes the rest without duplicates', async () => {
    const scenarios = await originals();
    const plan: BatchPlan = { scenarios: scenarios.slice(0, 4), presets: ['debate', 'consultancy', 'blind'], assignments: BUILTIN, seeds: ['a', 'b'] };
    const planned = planDebates(plan).length;
    expect(planned).toBe(24);
    const store = await openStore({});
    try {
      const first = await runBatch(plan, { agents, store, limit: 10, concurrency: 3 });
      expect(first.played).toBe(10);
      expect(await store.countDebates()).toBe(10);
      const second = await runBatch(plan, { agents, store, concurrency: 3 });
      expect(second.skipped).toBe(10);
      expect(second.played).toBe(planned - 10);
      const ids = (await allTranscripts(store)).map((r) => r.header.id);
      expect(ids).toHaveLength(planned);
      expect(new Set(ids)).toEqual(new Set(planDebates(plan).map((p) => p.id)));
      const third = await runBatch(plan, { agents, store });
      expect(third).toMatchObject({ played: 0, skipped: planned });
    } finally {
      await store.close();
    }
  });

  it('stops scheduling on abort but saves the debates already played', async () => {
    const scenarios = await originals();
    const store = await openStore({});
    try {
      const abort = new AbortController();
      let seen = 0;
      const s = await runBatch(
        { scenarios, presets: ['debate'], assignments: BUILTIN, seeds: ['z'] },
        { agents, store, concurrency: 1, signal: abort.signal, onDebate: () => ++seen === 3 && abort.abort() },
      );
      expect(s.played).toBe(3);
      expect(await store.countDebates()).toBe(3);
    } finally {
      await store.close();
    }
  });
});

describe('an agent that fails in a batch debate', () => {
  it('forfeits its turn with the reason in the event, and the debate still finishes', async () => {
    const scenarios = await originals();
    const hangs: Agent = { id: 'test:hangs', act: () => new Promise(() => {}) };
    const judge = createAgent('builtin:passage-judge', { seed: 'j' });
    const debater = createAgent('builtin:passage-debater', { seed: 'd' });
    const started = Date.now();
    const record = await playDebate({
      id: 'forfeits',
      scenario: scenarios[0]!,
      rules: rulesFor('debate'),
      seed: 'f',
      agents: { A: hangs, B: debater, judge },
      startAt: 0,
      turnTimeoutMs: 150,
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(record.status).toBe('finished');
    const forfeits = record.events.filter((e) => e.action.type === 'forfeit');
    expect(forfeits.length).toBe(record.verdict!.speechRounds);
    for (const e of forfeits) {
      expect(e.seat).toBe('system');
      expect(e.meta).toMatchObject({ seat: 'A', agent: 'test:hangs' });
      expect(String(e.meta!.failure)).toMatch(/within 150 ms/);
    }
    // The replayed transcript agrees: A's speeches are empty and marked as timed out.
    const state = replay(record.header as never, record.events as never);
    const aSpeeches = state.rounds.flatMap((r) => r.speeches).filter((s) => s.seat === 'A');
    expect(aSpeeches.every((s) => s.timedOut && s.chars === 0)).toBe(true);
  });
});

describe('the self-play bench', () => {
  it('measures debates per second', async () => {
    const r = await benchSelfplay({ agents, seeds: 1 });
    expect(r.debates).toBe(36);
    expect(r.debatesPerSecond).toBeGreaterThan(1);
  });
});
