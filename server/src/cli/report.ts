import type { Command } from 'commander';
import type { TranscriptRecord } from '@arena/shared';
import { computeReport, formatReport, type ReportFilter } from '../selfplay/report.ts';
import { storeFor } from './selfplay.ts';

interface ReportOptions {
  source?: string;
  pack?: string;
  preset?: string;
  dataDir: string;
  json?: boolean;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('judge accuracy by protocol and agent with 95% intervals, calibration, and paired protocol differences')
    .option('--source <name>', 'only debates from this source ("selfplay", an importer; "none" for debates played live)')
    .option('--pack <id>', 'only debates on scenarios of this pack')
    .option('--preset <name>', 'only debates under this protocol preset')
    .option('--data-dir <dir>', 'embedded database folder (ignored when DATABASE_URL is set)', process.env.ARENA_DATA_DIR ?? './data')
    .option('--json', 'print the report as JSON')
    .action(async (opts: ReportOptions) => {
      const filter: ReportFilter = {
        ...(opts.source ? { source: opts.source } : {}),
        ...(opts.pack ? { pack: opts.pack } : {}),
        ...(opts.preset ? { preset: opts.preset } : {}),
      };
      const store = await storeFor(opts);
      try {
        const records: TranscriptRecord[] = [];
        // The store filters what it can; computeReport applies the whole filter again.
        const listFilter = {
          ...(opts.pack ? { pack: opts.pack } : {}),
          ...(opts.preset ? { preset: opts.preset } : {}),
          ...(opts.source ? { source: opts.source === 'none' ? null : opts.source } : {}),
        };
        for await (const r of store.transcripts(listFilter)) records.push(r);
        const report = computeReport(records, filter);
        console.log(opts.json ? JSON.stringify(report, null, 2) : formatReport(report));
      } finally {
        await store.close();
      }
    });
}
