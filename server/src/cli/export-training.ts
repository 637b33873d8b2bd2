/**
 * `arena export sft | preferences | dataset | inspect`: a selection of debates as
 * training data (chat fine-tuning rows, preference pairs), as a dataset folder (Parquet
 * and a dataset card) and as an Inspect evaluation log. Each streams the store (one page
 * of debates in memory), writes as it goes and shows its progress on stderr.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { TranscriptRecord } from '@arena/shared';
import { datasetCard, DEBATE_COLUMNS, debateRow, JUDGEMENT_TABLE_COLUMNS, judgementTableRow, TURN_COLUMNS, turnRows } from '../exports/dataset.ts';
import { writeInspectLog } from '../exports/inspect-log.ts';
import { StreamedFile } from '../exports/jsonl.ts';
import { ParquetTable } from '../exports/parquet.ts';
import { candidateRows, ForkPairs } from '../exports/preferences.ts';
import { sftRows, type SftOptions } from '../exports/sft.ts';
import { filterLabel } from '../report/format.ts';
import type { ReportFilter } from '../report/outcomes.ts';
import { listFilterOf, streamSelection } from '../report/select.ts';
import type { Stores } from '../stores.ts';
import { exportGroup } from './export.ts';
import { exportProgress, type ExportProgress } from './export-progress.ts';
import { reportFilter, selectionOptions } from './report.ts';
import { commandStores } from './store.ts';

type SelectionOpts = Parameters<typeof reportFilter>[0] & { dataDir: string; json?: boolean; progress?: boolean };

/** Runs `work` over the selection with a progress bar, and closes the store. */
async function overSelection<T>(opts: SelectionOpts, label: string, work: (records: AsyncIterable<TranscriptRecord>, progress: ExportProgress, filter: ReportFilter, stores: Stores) => Promise<T>): Promise<T> {
  const filter = reportFilter(opts);
  const stores = await commandStores(opts.dataDir);
  const progress = exportProgress(label, opts);
  try {
    progress.start(await stores.debates.countDebates(listFilterOf(filter)));
    return await work(streamSelection(stores, filter), progress, filter, stores);
  } finally {
    progress.stop();
    await stores.close();
  }
}

function report(opts: { json?: boolean }, summary: Record<string, unknown>, line: string): void {
  console.log(opts.json ? JSON.stringify(summary, null, 2) : line);
}

const selectionText = (filter: ReportFilter) => {
  const f = filterLabel(filter);
  return f ? ` (${f})` : '';
};

function common(cmd: Command): Command {
  return selectionOptions(cmd).option('--no-progress', 'no progress bar on stderr').option('--json', 'print a JSON summary');
}

function roleOption(value: string): 'debater' | 'judge' {
  if (value !== 'debater' && value !== 'judge') throw new Error(`--role must be "debater" or "judge", got "${value}"`);
  return value;
}

export function registerExportTraining(program: Command): void {
  const group = exportGroup(program);

  common(group.command('sft'))
    .description('write chat fine-tuning rows (OpenAI chat JSONL): per debater or judge turn, the prompt the LLM agents would be sent for that seat\'s view and the reply that gave its action')
    .requiredOption('--out <file>', 'JSON Lines file to write')
    .option('--role <role>', 'only "debater" or "judge" turns', roleOption)
    .option('--winners', "only winners' turns: debaters whose answer got strictly the most final probability, judges whose verdict was correct")
    .option('--honest', 'only debaters arguing the correct answer (judge turns are kept unless --role debater)')
    .option('--seat-agent <id>', 'only turns of seats played by this agent ("human" for people)')
    .option('--prompts-dir <dir>', "render with your own copies of the prompt templates (an LLM agent's promptsDir)")
    .option('--metadata', 'add a "metadata" object to each row (debate, event, seat, agent, answer, honest, won)')
    .action(async (opts: SelectionOpts & { out: string; role?: 'debater' | 'judge'; winners?: boolean; honest?: boolean; seatAgent?: string; promptsDir?: string; metadata?: boolean }) => {
      const sft: SftOptions = { ...(opts.role ? { role: opts.role } : {}), winners: !!opts.winners, honest: !!opts.honest, ...(opts.seatAgent ? { seatAgent: opts.seatAgent } : {}), ...(opts.promptsDir ? { promptsDir: opts.promptsDir } : {}), metadata: !!opts.metadata };
      await overSelection(opts, 'export sft', async (records, progress, filter) => {
        const out = new StreamedFile(opts.out);
        let debates = 0;
        for await (const r of records) {
          debates++;
          for (const row of sftRows(r, sft)) await out.line(row);
          progress.debate(out.lines);
        }
        await out.close();
        report(opts, { file: opts.out, debates, rows: out.lines, filter }, `wrote ${out.lines} turn(s) of ${debates} debate(s)${selectionText(filter)} to ${opts.out}`);
      });
    });

  common(group.command('preferences'))
    .description('write preference pairs (prompt / chosen / rejected JSONL) from scored speech candidates (best-of-N drafts, critique-and-refine rewrites) and from forks of one debate at one speech that the judge ended up believing differently')
    .requiredOption('--out <file>', 'JSON Lines file to write')
    .option('--prompts-dir <dir>', "render with your own copies of the prompt templates (an LLM agent's promptsDir)")
    .action(async (opts: SelectionOpts & { out: string; promptsDir?: string }) => {
      await overSelection(opts, 'export preferences', async (records, progress, filter, stores) => {
        const out = new StreamedFile(opts.out);
        const forks = new ForkPairs(opts.promptsDir);
        let debates = 0;
        let candidates = 0;
        for await (const r of records) {
          debates++;
          for (const row of candidateRows(r, opts.promptsDir)) {
            await out.line(row);
            candidates++;
          }
          forks.add(r);
          progress.debate(out.lines);
        }
        for await (const row of forks.rows((id) => stores.debates.getTranscript(id))) await out.line(row);
        await out.close();
        const fromForks = out.lines - candidates;
        report(opts, { file: opts.out, debates, rows: out.lines, candidates, forks: fromForks, forkPoints: forks.size, filter }, `wrote ${out.lines} pair(s) from ${debates} debate(s)${selectionText(filter)} to ${opts.out}: ${candidates} from scored speech candidates (best-of-N, critique-and-refine), ${fromForks} from ${forks.size} fork point(s)`);
      });
    });

  common(group.command('dataset'))
    .description('write a dataset folder: debates.parquet, turns.parquet, judgements.parquet and a dataset card (README.md with the YAML header dataset hubs read)')
    .requiredOption('--out <dir>', 'folder to write (created if missing)')
    .option('--title <text>', "the dataset card's title", 'Oversight Arena debates')
    .action(async (opts: SelectionOpts & { out: string; title: string }) => {
      mkdirSync(opts.out, { recursive: true });
      await overSelection(opts, 'export dataset', async (records, progress, filter) => {
        const tables = {
          debates: new ParquetTable(join(opts.out, 'debates.parquet'), DEBATE_COLUMNS),
          turns: new ParquetTable(join(opts.out, 'turns.parquet'), TURN_COLUMNS),
          judgements: new ParquetTable(join(opts.out, 'judgements.parquet'), JUDGEMENT_TABLE_COLUMNS),
        };
        for await (const r of records) {
          tables.debates.add(debateRow(r));
          for (const row of turnRows(r)) tables.turns.add(row);
          const j = judgementTableRow(r);
          if (j) tables.judgements.add(j);
          progress.debate(tables.debates.rows + tables.turns.rows + tables.judgements.rows);
        }
        for (const t of Object.values(tables)) t.finish();
        const counts = { debates: tables.debates.rows, turns: tables.turns.rows, judgements: tables.judgements.rows };
        const f = selectionText(filter);
        writeFileSync(join(opts.out, 'README.md'), datasetCard(counts, { title: opts.title, selection: f ? `the selection${f}` : 'every debate of the store', exportedAt: new Date().toISOString().slice(0, 10) }));
        report(opts, { dir: opts.out, ...counts, filter }, `wrote ${counts.debates} debate(s), ${counts.turns} turn(s) and ${counts.judgements} judgement(s)${f} to ${opts.out}: debates.parquet, turns.parquet, judgements.parquet, README.md`);
      });
    });

  common(group.command('inspect'))
    .description('write an Inspect AI evaluation log (JSON): one sample per finished debate, the judge\'s messages, its final probabilities as scores, the preset, seats, seed and assignment as metadata; listing.json lets Inspect\'s viewer serve the folder')
    .requiredOption('--out <dir>', 'folder to write the log into (created if missing)')
    .option('--task <name>', "the log's task name", 'oversight-arena/debate')
    .action(async (opts: SelectionOpts & { out: string; task: string }) => {
      mkdirSync(opts.out, { recursive: true });
      await overSelection(opts, 'export inspect', async (records, progress, filter) => {
        const log = await writeInspectLog(opts.out, opts.task, { ...filter }, records, (n) => progress.debate(n));
        report(opts, { ...log, filter }, `wrote ${log.samples} sample(s)${selectionText(filter)} to ${log.file}${log.skipped ? ` (${log.skipped} unfinished or image debate(s) left out)` : ''}`);
      });
    });
}
