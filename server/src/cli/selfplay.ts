import type { Command } from 'commander';
import { batchOptions, list, positiveInt } from './options.ts';
import { PRESET_NAMES, rulesFor, rulesSuitEvidence, type PresetName } from '@arena/shared';
import { createAgent, defaultAgentsConfig, listAgents, loadAgentsConfig } from '../agents/registry.ts';
import { runBatch, planDebates, type SeatAgents } from '../selfplay/batch.ts';
import { loadScenarioPacks } from '../scenarios/load.ts';
import { batchProgress } from './batch-progress.ts';
import { commandStore } from './store.ts';



interface SelfplayOptions {
  scenariosDir: string;
  pack?: string;
  scenario?: string[];
  presets: string[];
  debaters: string[];
  judges: string[];
  seeds: number;
  seedPrefix: string;
  concurrency: number;
  limit?: number;
  dataDir: string;
  agents?: string;
  turnTimeout: number;
  json?: boolean;
  progress: boolean;
}

export function registerSelfplay(program: Command): void {
  batchOptions(program.command('selfplay'))
    .description('run AI-vs-AI debates in batch through the engine and store their transcripts (resumable)')
    .option('--scenarios-dir <dir>', 'folder of scenario packs', process.env.ARENA_SCENARIOS_DIR ?? 'scenarios')
    .option('--pack <id>', 'only scenarios of this pack (default: every passage scenario; image scenarios too when --presets has an image-only protocol such as pixels)')
    .option('--scenario <ids>', 'only these scenario ids (comma-separated)', list)
    .option('--presets <names>', `protocols (comma-separated; known: ${PRESET_NAMES.join(', ')})`, list, ['debate', 'consultancy', 'blind'])
    .option('--debaters <ids>', 'debater agents, comma-separated; "x/y" seats x as A and y as B', list, ['builtin:passage-debater'])
    .option('--judges <ids>', 'judge agents, comma-separated', list, ['builtin:passage-judge'])
    .option('--seeds <n>', 'seeds per combination', positiveInt, 3)
    .option('--seed-prefix <text>', 'seed names are <prefix>1 … <prefix>n', 's')
    .option('--limit <n>', 'play at most n new debates, then stop (re-run to resume)', positiveInt)
    .addHelpText(
      'after',
      `\nExample:\n  arena selfplay --presets debate,consultancy,blind --seeds 6 --judges builtin:passage-judge\n\nBuilt-in agents: ${listAgents(undefined).join(', ')}`,
    )
    .action(async (opts: SelfplayOptions) => {
      const config = opts.agents ? loadAgentsConfig(opts.agents) : defaultAgentsConfig();
      const presets = opts.presets.map((p) => {
        if (!(PRESET_NAMES as string[]).includes(p)) throw new Error(`unknown preset "${p}" (known: ${PRESET_NAMES.join(', ')})`);
        return p as PresetName;
      });
      const assignments: SeatAgents[] = [];
      for (const d of opts.debaters) for (const judge of opts.judges) assignments.push({ debaters: d.split('/'), judge });
      // Fail before any debate on an unknown agent or a missing API key.
      for (const id of new Set([...opts.debaters.flatMap((d) => d.split('/')), ...opts.judges])) createAgent(id, { seed: 'check', ...(config ? { config } : {}) });
      let { scenarios } = await loadScenarioPacks(opts.scenariosDir);
      // Image scenarios are played only when asked for: by pack, by id, or with an image preset.
      // Otherwise blind debates over the digits would be judged by a passage judge and mixed into the passage figures.
      const imageOnly = presets.some((p) => !rulesSuitEvidence(rulesFor(p), 'passage'));
      if (!opts.pack && !opts.scenario && !imageOnly) scenarios = scenarios.filter((s) => s.evidence.kind === 'passage');
      if (opts.pack) scenarios = scenarios.filter((s) => s.pack === opts.pack);
      if (opts.scenario) {
        const wanted = new Set(opts.scenario);
        scenarios = scenarios.filter((s) => wanted.has(s.id));
      }
      if (scenarios.length === 0) throw new Error('no scenarios match');
      const plan = { scenarios, presets, assignments, seeds: Array.from({ length: opts.seeds }, (_, i) => `${opts.seedPrefix}${i + 1}`) };
      const total = planDebates(plan).length;
      const store = await commandStore(opts.dataDir);
      const progress = batchProgress('selfplay', opts);
      progress.start(total);
      const tty = process.stderr.isTTY && opts.progress && !opts.json;
      try {
        const summary = await runBatch(plan, {
          store,
          ...(config ? { config } : {}),
          concurrency: opts.concurrency,
          ...(opts.limit ? { limit: opts.limit } : {}),
          signal: progress.signal,
          turnTimeoutMs: opts.turnTimeout,
          ...(tty ? {} : { log: (line: string) => process.stderr.write(`${line}\n`) }),
          onDebate: ({ item, outcome, correct, error }) => progress.debate(item.id, outcome, correct, error),
        });
        progress.stop();
        if (opts.json) console.log(JSON.stringify(summary, null, 2));
        else {
          console.log(
            `${summary.played} played, ${summary.skipped} already stored, ${summary.failed} failed, ${summary.unfinished} unfinished ` +
              `of ${summary.planned} planned in ${summary.seconds.toFixed(1)} s (${summary.debatesPerSecond.toFixed(1)} debates/s)`,
          );
          for (const e of summary.errors.slice(0, 10)) console.log(`  ${e.id}: ${e.error}`);
        }
        if (summary.failed) process.exitCode = 1;
      } finally {
        progress.stop();
        await store.close();
      }
    });
}
