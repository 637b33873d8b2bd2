import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { TranscriptRecord } from '@arena/shared';
import { NYU_SOURCE } from '../importers/nyu/convert.ts';
import { formatNyuReport, nyuReport } from '../importers/nyu/report.ts';
import { REJUDGE_SOURCE, rejudgeOf } from '../rejudge/header.ts';
import { compareRejudged, formatRejudgeComparison, type RejudgeComparison } from '../rejudge/report.ts';
import { formatReport } from '../report/format.ts';
import type { ReportFilter } from '../report/outcomes.ts';
import { computeReport } from '../report/report.ts';
import { excludedSelection, loadSelection, sourceName } from '../report/select.ts';
import type { Store } from '../store/store.ts';
import { studyAnalysis } from '../studies/prereg.ts';
import type { StudyStore } from '../studies/study-store.ts';
import { commandStores } from './store.ts';

interface ReportOptions {
  source?: string;
  pack?: string;
  preset?: string;
  judge?: string;
  agent?: string;
  inPaper?: boolean;
  provenance?: string;
  study?: string;
  debaters?: string;
  tournament?: string;
  dataDir: string;
  json?: boolean;
}

export { sourceName };

/** The report's filter from the shared command-line options. */
export function reportFilter(opts: Pick<ReportOptions, 'source' | 'pack' | 'preset' | 'judge' | 'agent' | 'inPaper' | 'provenance' | 'study' | 'debaters' | 'tournament'>): ReportFilter {
  if (opts.judge && opts.judge !== 'human' && opts.judge !== 'ai') throw new Error(`--judge must be "human" or "ai", got "${opts.judge}"`);
  if (opts.debaters && opts.debaters !== 'human' && opts.debaters !== 'ai') throw new Error(`--debaters must be "human" or "ai", got "${opts.debaters}"`);
  const source = sourceName(opts.source);
  return {
    ...(source ? { source } : {}),
    ...(opts.pack ? { pack: opts.pack } : {}),
    ...(opts.preset ? { preset: opts.preset } : {}),
    ...(opts.judge ? { judge: opts.judge as 'human' | 'ai' } : {}),
    ...(opts.agent ? { agent: opts.agent } : {}),
    ...(opts.inPaper ? { inPaper: true } : {}),
    ...(opts.provenance ? { provenance: opts.provenance } : {}),
    ...(opts.study ? { study: opts.study } : {}),
    ...(opts.debaters ? { debaters: opts.debaters as 'human' | 'ai' } : {}),
    ...(opts.tournament ? { tournament: opts.tournament } : {}),
  };
}

/** The selection options every report and export command shares. */
export function selectionOptions(cmd: Command): Command {
  return cmd
    .option('--source <name>', `only debates from this source ("selfplay", "nyu" = ${NYU_SOURCE}, an importer; "arena" for debates played live)`)
    .option('--pack <id>', 'only debates on scenarios of this pack')
    .option('--preset <name>', 'only debates under this protocol preset')
    .option('--judge <kind>', 'only debates judged by a "human" or an "ai"')
    .option('--agent <id>', 'only debates with this agent (or "human") in a seat')
    .option('--debaters <kind>', 'only debates whose debaters are all "human" or all "ai" (who debated, apart from who judged)')
    .option('--in-paper', "only imported debates the original analysis included (NYU's includedInPaper)")
    .option('--provenance <how>', 'only debates created this way: lobby, researcher, selfplay, study, fork, … ("unknown" for older ones; forks count only when asked for)')
    .option('--study <id>', "only this study's counted items (practice items, attention checks and excluded participants' judgements are never counted)")
    .option('--tournament <id>', 'only the debates of this tournament (arena tournament)')
    .option('--data-dir <dir>', 'embedded database folder (ignored when DATABASE_URL is set)', process.env.ARENA_DATA_DIR ?? './data');
}

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

/** What `--study` reports: the pre-registered analysis of a closed study (said so), or an interim look at a running one. */
export async function studyPreamble(studies: Pick<StudyStore, 'get'>, studyId: string): Promise<string> {
  const row = await studies.get(studyId);
  if (!row) throw new Error(`no study "${studyId}" in this store`);
  if (row.status !== 'closed') return `Study ${studyId} is ${row.status}: an interim look, not yet the pre-registered analysis.\n\n`;
  return `The pre-registered analysis of study ${studyId} (spec hash ${row.specHash}, frozen at launch), run on the closed study:\n${studyAnalysis(row.spec)}\n\n`;
}

export function registerReport(program: Command): void {
  selectionOptions(program.command('report'))
    .description('judge accuracy by protocol and agent with Wilson and judge × question cluster intervals, calibration, balance, paired protocol differences, and original vs re-judged accuracy')
    .option('--json', 'print the report as JSON')
    .option('--html <file>', 'also write a self-contained HTML report with plots to this file')
    .addHelpText('after', '\nWhen debates of the selection were re-judged (arena rejudge, POST /api/rejudge), a table compares the original judges with the new ones on the same debates.')
    .action(async (opts: ReportOptions & { html?: string }) => {
      const filter = reportFilter(opts);
      const stores = await commandStores(opts.dataDir);
      const store = stores.debates;
      try {
        const records = await loadSelection(stores, filter);
        const rejudged = await rejudgedOf(store, records.filter((r) => rejudgeOf(r) === undefined));
        const report = computeReport(records, filter);
        const nyu = filter.source === NYU_SOURCE ? nyuReport(records) : null;
        if (opts.html) {
          const { htmlReport } = await import('../report/html.ts');
          await writeFile(opts.html, await htmlReport(report, undefined, nyu ? [formatNyuReport(nyu)] : []));
        }
        if (nyu) {
          if (opts.json) console.log(JSON.stringify({ ...nyu, report, ...(rejudged ? { rejudged } : {}) }, null, 2));
          else console.log(formatNyuReport(nyu) + `\n\n${formatReport(report)}` + (rejudged ? `\n\n${formatRejudgeComparison(rejudged)}` : ''));
          return;
        }
        const excluded = (await excludedSelection(stores, filter)).filter((r) => r.status === 'finished').length;
        const preamble = filter.study ? await studyPreamble(stores.studies, filter.study) : '';
        const apart = excluded ? `\n\nNot counted: ${excluded} judgement${excluded === 1 ? '' : 's'} of study participants excluded by their study's rules (in the study's judgements.csv, excluded = TRUE).` : '';
        if (opts.json) console.log(JSON.stringify({ ...report, excludedJudgements: excluded, ...(rejudged ? { rejudged } : {}) }, null, 2));
        else console.log(preamble + formatReport(report) + (rejudged ? `\n\n${formatRejudgeComparison(rejudged)}` : '') + apart);
      } finally {
        await stores.close();
      }
    });
}
