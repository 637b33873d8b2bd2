/**
 * Self-play of the expert judge and the open protocols through the real batch runner and
 * store: every debate reaches a verdict, the open protocols' choices are events of the
 * transcript, and the report's account of the choices matches a count made here
 * straight from the stored events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay, sidesOf, viewFor, wilson, type DebateHeader, type TranscriptRecord } from '@arena/shared';
import { computeReport } from '../../server/src/report/report.ts';
import { judgementsCsv } from '../../server/src/report/csv.ts';
import { selectOutcomes } from '../../server/src/report/outcomes.ts';
import { loadScenarioPacks } from '../../server/src/scenarios/load.ts';
import { runBatch, type BatchPlan, type BatchSummary } from '../../server/src/selfplay/batch.ts';
import { openStore } from '../../server/src/store/open.ts';
import type { Store } from '../../server/src/store/store.ts';
import { parse } from 'csv-parse/sync';
import { agentCatalog } from '../../server/src/agent-catalog.ts';

const agents = agentCatalog();

const PRESETS = ['expert', 'open-consultancy', 'open-debate', 'blind'] as const;

describe('self-play of the expert judge and the open protocols', () => {
  let store: Store;
  let plan: BatchPlan;
  let summary: BatchSummary;
  const records: TranscriptRecord[] = [];

  beforeAll(async () => {
    const scenarios = (await loadScenarioPacks('scenarios')).scenarios.filter((s) => s.pack === 'originals');
    plan = {
      scenarios,
      presets: [...PRESETS],
      // The passage debater chooses by the passage's support; the random agent chooses at random.
      assignments: [
        { debaters: ['builtin:passage-debater'], judge: 'builtin:passage-judge' },
        { debaters: ['builtin:random'], judge: 'builtin:passage-judge' },
      ],
      seeds: ['s1', 's2', 's3', 's4'],
    };
    store = await openStore({});
    summary = await runBatch(plan, { agents, store, concurrency: 2, startAt: 1_700_000_000_000 });
    for await (const r of store.transcripts()) records.push(r);
  }, 120_000);
  afterAll(async () => {
    await store.close();
  });

  it('plays every debate to a verdict', () => {
    // The judge-alone presets have no debaters, so the two assignments collapse into one debate.
    const n = plan.scenarios.length * plan.seeds.length;
    expect(summary).toMatchObject({ planned: n * 6, played: n * 6, failed: 0, unfinished: 0 });
    for (const r of records) {
      expect(r.status).toBe('finished');
      expect(r.verdict).not.toBeNull();
    }
  });

  it('records the choice as the first action of every open debate, by debater A, and the sides follow it', () => {
    const open = records.filter((r) => r.header.rules.preset.startsWith('open-'));
    expect(open).toHaveLength(plan.scenarios.length * plan.seeds.length * 4);
    for (const r of open) {
      const first = r.events[1]!;
      expect(first.seat).toBe('A');
      expect(first.action.type).toBe('choose');
      const answer = first.action.type === 'choose' ? first.action.answer : -1;
      const state = replay(r.header as DebateHeader, r.events);
      expect(sidesOf(state)?.A).toBe(answer);
      expect(viewFor(state, 'judge').debaters.find((d) => d.seat === 'A')?.answerIndex).toBe(answer);
    }
  });

  it('the expert judge had the passage; the blind judge did not; neither has debaters', () => {
    for (const r of records.filter((x) => x.header.rules.debaters === 'none')) {
      expect(r.events.every((e) => e.seat === 'system' || e.seat === 'judge')).toBe(true);
      const started = replay(r.header as DebateHeader, r.events.slice(0, 1));
      expect(viewFor(started, 'judge').passage !== undefined).toBe(r.header.rules.preset === 'expert');
    }
  });

  it('reports how often the chosen answer was the correct one, as counted from the events', () => {
    const report = computeReport(records);
    expect(report.choices.map((c) => c.preset)).toEqual(['open-consultancy', 'open-debate']);
    for (const row of report.choices) {
      const mine = records.filter((r) => r.header.rules.preset === row.preset);
      let chosen = 0;
      let right = 0;
      let hitsRight = 0;
      let hitsWrong = 0;
      for (const r of mine) {
        const e = r.events.find((x) => x.action.type === 'choose');
        if (!e || e.action.type !== 'choose') continue;
        chosen++;
        const correct = e.action.answer === r.header.assignment.correctIndex;
        if (correct) right++;
        if (r.verdict!.correct) correct ? hitsRight++ : hitsWrong++;
      }
      expect(row.debates).toBe(mine.length);
      expect(row.chosen).toBe(chosen);
      expect(row.timedOut).toBe(0);
      expect(row.choseCorrect).toEqual(wilson(right, chosen));
      expect(row.accuracyAfterCorrect).toEqual(wilson(hitsRight, right));
      expect(row.accuracyAfterWrong).toEqual(wilson(hitsWrong, chosen - right));
      // Random choosers take each answer; the passage debater mostly the supported one: both kinds occur.
      expect(right).toBeGreaterThan(0);
      expect(right).toBeLessThan(chosen);
    }
    // The consultant's honesty is the choice's correctness.
    const { outcomes } = selectOutcomes(records);
    for (const o of outcomes.filter((x) => x.preset === 'open-consultancy')) expect(o.honest).toBe(o.choice!.correct);
    const rows = parse(judgementsCsv(outcomes), { columns: true }) as Record<string, string>[];
    for (const row of rows) {
      const o = outcomes.find((x) => x.id === row['debate_id'])!;
      expect(row['chose_correct']).toBe(o.choice ? (o.choice.correct ? 'TRUE' : 'FALSE') : '');
      expect(row['condition']).toBe({ expert: 'expert', blind: 'blind', 'open-consultancy': 'consultancy', 'open-debate': 'debate' }[o.preset]);
    }
    const by = Object.fromEntries(report.byProtocol.map((g) => [g.preset, g.accuracy]));
    console.log(
      `self-play accuracy: ${PRESETS.map((p) => `${p} ${by[p]!.successes}/${by[p]!.n}`).join(', ')}; ` +
        report.choices.map((c) => `${c.preset} chose correct ${c.choseCorrect.successes}/${c.choseCorrect.n}`).join(', '),
    );
  });
});
