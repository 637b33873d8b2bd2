import { InvalidArgumentError, type Command } from 'commander';

/** Parses a comma-separated option into its non-empty items. */
export const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Parses an option that must be a whole number of at least 1. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

/** The options every batch command shares: concurrency, store, agents, budgets, output. */
export function batchOptions(command: Command): Command {
  return command
    .option('--concurrency <n>', 'debates in flight at once', positiveInt, 4)
    .option('--data-dir <dir>', 'embedded database folder (ignored when DATABASE_URL is set)', process.env.ARENA_DATA_DIR ?? './data')
    .option('--agents <file>', 'agents configuration (default $ARENA_AGENTS or ./agents.json)')
    .option('--turn-timeout <ms>', 'real-time budget of one agent turn', positiveInt, 120_000)
    .option('--no-progress', 'no progress bar even on a terminal')
    .option('--json', 'print a JSON summary');
}
