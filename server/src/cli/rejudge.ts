import type { Command } from 'commander';
import { batchOptions, list, positiveInt } from './options.ts';
import { agentCatalog } from '../agent-catalog.ts';
import { defaultAgentsConfig, loadAgentsConfig } from '../agents/registry.ts';
import { batchProgress } from './batch-progress.ts';
import { commandStore } from './store.ts';
import { runRejudgeBatch } from '../rejudge/run.ts';
import { sourceName } from './report.ts';


interface RejudgeOptions {
  source?: string;
  ids?: string[];
  judge: string;
  seed: string;
  limit?: number;
  concurrency: number;
  dataDir: string;
  agents?: string;
  turnTimeout: number;
  json?: boolean;
  progress: boolean;
}

export function registerRejudge(program: Command): void {
  batchOptions(program.command('rejudge'))
    .description('judge stored debates again, round by round, with an AI judge (same speeches, same assignment); resumable')
    .option('--source <name>', 'originals from this source ("nyu" = nyu-debate-2023, "selfplay", "none" for debates played live)')
    .option('--ids <ids>', 'only these original debate ids (comma-separated)', list)
    .option('--judge <id>', 'the new judge agent', 'builtin:passage-judge')
    .option('--seed <text>', 'seed of the re-judging (with the original and the judge, it names the new debate)', 'r1')
    .option('--limit <n>', 're-judge at most n new originals, then stop (re-run to resume)', positiveInt)
    .addHelpText(
      'after',
      '\nEach re-judging debate copies the original\'s scenario, assignment and rules (ending after the speech rounds it had);\n' +
        'its debaters replay the original speeches (agent replay:<id>), its judge is --judge. Compare with: arena report --source <name>\n\n' +
        'Example:\n  arena rejudge --source nyu --judge builtin:passage-judge --limit 50',
    )
    .action(async (opts: RejudgeOptions) => {
      const agents = agentCatalog({ config: opts.agents ? loadAgentsConfig(opts.agents) : defaultAgentsConfig() });
      const store = await commandStore(opts.dataDir);
      const progress = batchProgress('rejudge', opts);
      try {
        const source = sourceName(opts.source);
        const summary = await runRejudgeBatch({
          store,
          judge: opts.judge,
          seed: opts.seed,
          ...(source ? { source } : {}),
          ...(opts.ids ? { ids: opts.ids } : {}),
          agents,
          ...(opts.limit ? { limit: opts.limit } : {}),
          concurrency: opts.concurrency,
          signal: progress.signal,
          turnTimeoutMs: opts.turnTimeout,
          onTotal: (n) => progress.start(n),
          onDebate: ({ id, outcome, correct, error }) => progress.debate(id, outcome, correct, error),
        });
        progress.stop();
        if (opts.json) console.log(JSON.stringify(summary, null, 2));
        else {
          console.log(
            `${summary.played} re-judged by ${summary.judge}, ${summary.skipped} already stored, ${summary.notRejudgeable} without speeches, ${summary.failed} failed ` +
              `of ${summary.selected} selected in ${summary.seconds.toFixed(1)} s`,
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
