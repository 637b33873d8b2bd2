import cliProgress from 'cli-progress';

export interface ExportProgress {
  start(total: number): void;
  /** One more debate read; `rows` is the export's running count of rows. */
  debate(rows: number): void;
  stop(): void;
}

/**
 * Progress of an export on stderr: a bar over the debates read on a terminal (with the
 * rows written so far), a line at every tenth otherwise, nothing with --json or
 * --no-progress. The total is the store's count before the report's own filter, so the
 * bar may end short of it.
 */
export function exportProgress(label: string, opts: { progress?: boolean; json?: boolean }): ExportProgress {
  const quiet = opts.progress === false || opts.json === true;
  const bar =
    !quiet && process.stderr.isTTY
      ? new cliProgress.SingleBar({ format: `${label} [{bar}] {value}/{total} debates | {rows} rows | {eta_formatted}`, stream: process.stderr }, cliProgress.Presets.shades_classic)
      : null;
  let total = 0;
  let done = 0;
  let nextLine = 0;
  return {
    start(n) {
      total = n;
      nextLine = Math.ceil(n / 10);
      bar?.start(n, 0, { rows: 0 });
    },
    debate(rows) {
      done++;
      if (bar) bar.update(Math.min(done, total), { rows });
      else if (!quiet && done >= nextLine && total > 0) {
        process.stderr.write(`${label}: ${done}/${total} debates, ${rows} rows\n`);
        nextLine += Math.ceil(total / 10);
      }
    },
    stop() {
      bar?.stop();
    },
  };
}
