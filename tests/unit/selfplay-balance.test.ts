/**
 * Self-play with two different debater agents: over the seeds each agent argues the correct
 * answer in half the debates of a scenario (the seed alone balances the correct answer's seat
 * only over blocks of 4 seeds, so 6 seeds gave one seat 2 or 4). Counted on the stored
 * transcripts of a batch played through the engine.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioPacks } from '../../server/src/scenarios/load.ts';
import { planDebates, runBatch, type BatchPlan } from '../../server/src/selfplay/batch.ts';
import { openStore } from '../../server/src/store/open.ts';
import { agentCatalog } from '../../server/src/agent-catalog.ts';

describe('self-play seat × correctness', () => {
  it('gives each of two different debaters the correct answer in 3 of 6 seeds, per scenario', async () => {
    const scenarios = (await loadScenarioPacks('scenarios')).scenarios.filter((s) => s.pack === 'originals' && s.answers.length === 2).slice(0, 3);
    const plan: BatchPlan = { scenarios, presets: ['debate'], assignments: [{ debaters: ['builtin:passage-debater', 'builtin:random'], judge: 'builtin:passage-judge' }], seeds: ['s1', 's2', 's3', 's4', 's5', 's6'] };
    expect(planDebates(plan)).toHaveLength(18);
    const store = await openStore({});
    try {
      await runBatch(plan, { store, agents: agentCatalog() });
      const honestRandom = new Map<string, number>();
      let played = 0;
      for await (const r of store.transcripts({})) {
        played++;
        const { debaters, correctIndex } = r.header.assignment;
        const honestSeat = (['A', 'B'] as const).find((s) => debaters[s] === correctIndex)!;
        const agent = r.header.seats[honestSeat]!.agent;
        if (agent === 'builtin:random') honestRandom.set(r.header.scenario.id, (honestRandom.get(r.header.scenario.id) ?? 0) + 1);
      }
      expect(played).toBe(18);
      expect(scenarios.map((s) => honestRandom.get(s.id) ?? 0)).toEqual([3, 3, 3]);
    } finally {
      await store.close();
    }
  }, 60_000);
});
