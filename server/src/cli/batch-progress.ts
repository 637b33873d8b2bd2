import cliProgress from 'cli-progress';

export type DebateOutcome = 'played' | 'skipped' | 'failed';

export interface BatchProgress {
  /** Aborted by the first Ctrl-C: finish the debates in flight, start no more. */
  signal: AbortSignal;
  start(total: number): void;
  debate(id: string, outcome: DebateOutcome, correct?: boolean, error?: string): void;
  /** Stops the bar and the Ctrl-C handler. */
  stop(): void;
}

/**
 * Progress of a batch command: a bar on a terminal, one line per debate otherwise
 * (none with --json), and a graceful first Ctrl-C (a second one quits at once).
 */
export function batchProgress(label: string, opts: { progress: boolean; json?: boolean }): BatchProgress {
  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(130);
    abort.abort();
    process.stderr.write('\nstopping after the debates in flight (Ctrl-C again to quit now)\n');
  };
  process.on('SIGINT', onSigint);
  const bar =
    process.stderr.isTTY && opts.progress && !opts.json
      ? new cliProgress.SingleBar(
          { format: `${label} [{bar}] {value}/{total} | {played} played, {skipped} skipped, {failed} failed | {eta_formatted}`, stream: process.stderr },
          cliProgress.Presets.shades_classic,
        )
      : null;
  const counts = { played: 0, skipped: 0, failed: 0 };
  let done = 0;
  let total = 0;
  return {
    signal: abort.signal,
    start(n) {
      total = n;
      bar?.start(n, 0, counts);
    },
    debate(id, outcome, correct, error) {
      done++;
      counts[outcome]++;
      if (bar) bar.update(done, counts);
      else if (!opts.json && outcome !== 'skipped') {
        process.stderr.write(`[${done}/${total}] ${id} ${outcome}${outcome === 'played' ? (correct ? ' correct' : ' wrong') : ''}${error ? `: ${error}` : ''}\n`);
      }
    },
    stop() {
      bar?.stop();
      process.off('SIGINT', onSigint);
    },
  };
}
