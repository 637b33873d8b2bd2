import { loadScenarioPacks } from '../scenarios/load.ts';
import { openStore } from '../store/open.ts';
import { runBatch, type BatchOptions } from './batch.ts';

/**
 * Self-play throughput with the built-in agents: the twelve original scenarios under
 * every preset, four seeds, into an in-memory store (the store's inserts included).
 */
export async function benchSelfplay(options: { agents: BatchOptions['agents']; seeds?: number; scenariosDir?: string }): Promise<{ debatesPerSecond: number; debates: number }> {
  const scenarios = (await loadScenarioPacks(options.scenariosDir ?? 'scenarios')).scenarios.filter((s) => s.pack === 'originals');
  const store = await openStore({});
  try {
    const summary = await runBatch(
      {
        scenarios,
        presets: ['debate', 'consultancy', 'blind'],
        assignments: [{ debaters: ['builtin:passage-debater'], judge: 'builtin:passage-judge' }],
        seeds: Array.from({ length: options.seeds ?? 4 }, (_, i) => `bench-${i + 1}`),
      },
      { store, agents: options.agents, concurrency: 2, startAt: 0 },
    );
    if (summary.failed) throw new Error(`bench: ${summary.failed} debates failed: ${summary.errors[0]?.error}`);
    return { debatesPerSecond: summary.debatesPerSecond, debates: summary.played };
  } finally {
    await store.close();
  }
}
