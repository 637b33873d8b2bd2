import type { Command } from 'commander';
import type { TranscriptRecord } from '@arena/shared';
import { NYU_SOURCE } from '../importers/nyu/convert.ts';
import { formatNyuReport, nyuReport } from '../importers/nyu/report.ts';
import { REJUDGE_SOURCE, rejudgeOf } from '../rejudge/header.ts';
import { compareRejudged, formatRejudgeComparison, type RejudgeComparison } from '../rejudge/report.ts';
import { computeReport, formatReport, matchesFilter, type ReportFilter } from '../selfplay/report.ts';
import type { Store } from '../store/store.ts';
import { commandStore } from './store.ts';

interface ReportOptions {
  source?: string;
  pack?: string;
  preset?: string;
  dataDir: string;
  json?: boolean;
}

/** `--source nyu` is short for the NYU dataset's source name. */
export const sourceName = (s: string | undefined): string | undefined => (s === 'nyu' ? NYU_SOURCE : s);

/** The re-judging debates whose originals are among `originals`, compared with them (null when there are none). */
export async function rejudgedOf(store: Store, originals: readonly TranscriptRecord[]): Promise<RejudgeComparison | null> {
  const ids = new Set(originals.map((r) => r.header.id));
  const rejudges: TranscriptRecord[] = [];
  for await (const r of store.transcripts({ source: REJUDGE_SOURCE })) {
    const of = rejudgeOf(r);
    if (of !== undefined && ids.has(of)) rejudges.push(r);
  }
  if (rejudges.length === 0) return null;
  return compareRejudged(originals, rejudges);
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('judge accuracy by protocol and agent with 95% intervals, calibration, paired protocol differences, and original vs re-judged accuracy')
    .option('--source <name>', `only debates from this source ("selfplay", "nyu" = ${NYU_SOURCE}, an importer; "none" for debates played live)`)
    .option('--pack <id>', 'only debates on scenarios of this pack')
    .option('--preset <name>', 'only debates under this protocol preset')
    .option('--data-dir <dir>', 'embedded database folder (ignored when DATABASE_URL is set)', process.env.ARENA_DATA_DIR ?? './data')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nWhen debates of the selection were re-judged (arena rejudge, POST /api/rejudge), a table compares the original judges with the new ones on the same debates.')
    .action(async (opts: ReportOptions) => {
      const source = sourceName(opts.source);
      const filter: ReportFilter = {
        ...(source ? { source } : {}),
        ...(opts.pack ? { pack: opts.pack } : {}),
        ...(opts.preset ? { preset: opts.preset } : {}),
      };
      const store = await commandStore(opts.dataDir);
      try {
        const records: TranscriptRecord[] = [];
        // The store filters what it can; the reports apply the whole filter again.
        const listFilter = {
          ...(opts.pack ? { pack: opts.pack } : {}),
          ...(opts.preset ? { preset: opts.preset } : {}),
          ...(source ? { source: source === 'none' ? null : source } : {}),
        };
        for await (const r of store.transcripts(listFilter)) records.push(r);
        const rejudged = await rejudgedOf(store, records.filter((r) => matchesFilter(r, filter) && rejudgeOf(r) === undefined));
        if (source === NYU_SOURCE) {
          const report = nyuReport(records.filter((r) => matchesFilter(r, filter)));
          if (opts.json) console.log(JSON.stringify({ ...report, ...(rejudged ? { rejudged } : {}) }, null, 2));
          else console.log(formatNyuReport(report) + (rejudged ? `\n\n${formatRejudgeComparison(rejudged)}` : ''));
          return;
        }
        const report = computeReport(records, filter);
        if (opts.json) console.log(JSON.stringify({ ...report, ...(rejudged ? { rejudged } : {}) }, null, 2));
        else console.log(formatReport(report) + (rejudged ? `\n\n${formatRejudgeComparison(rejudged)}` : ''));
      } finally {
        await store.close();
      }
    });
}
