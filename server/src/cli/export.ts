/**
 * `arena export csv --out DIR [selection]`: the tidy exports of the report's selection
 * (judgements.csv, turns.csv: the same module as the results page's download) and
 * data-dictionary.csv describing their columns.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { judgementsCsv, turnsCsv } from '../report/csv.ts';
import { dictionaryCsv } from '../report/dictionary.ts';
import { filterLabel } from '../report/format.ts';
import { selectOutcomes } from '../report/outcomes.ts';
import { loadSelection } from '../report/select.ts';
import { commandStores } from './store.ts';
import { reportFilter, selectionOptions } from './report.ts';

/** The `export` subcommand group, created by whichever export module registers first. */
export function exportGroup(program: Command): Command {
  return program.commands.find((c) => c.name() === 'export') ?? program.command('export').description('export debates for other tools');
}

export function registerExportCsv(program: Command): void {
  const cmd = exportGroup(program).command('csv');
  selectionOptions(cmd)
    .description('write judgements.csv (one row per final judgement), turns.csv (one row per judge turn) and data-dictionary.csv for a selection of debates')
    .requiredOption('--out <dir>', 'folder to write (created if missing)')
    .option('--json', 'print a JSON summary')
    .action(async (opts: Parameters<typeof reportFilter>[0] & { out: string; dataDir: string; json?: boolean }) => {
      const filter = reportFilter(opts);
      const stores = await commandStores(opts.dataDir);
      try {
        const records = await loadSelection(stores, filter);
        const { debates, outcomes } = selectOutcomes(records, filter);
        mkdirSync(opts.out, { recursive: true });
        const files = { judgements: join(opts.out, 'judgements.csv'), turns: join(opts.out, 'turns.csv'), dictionary: join(opts.out, 'data-dictionary.csv') };
        writeFileSync(files.judgements, judgementsCsv(outcomes));
        writeFileSync(files.turns, turnsCsv(outcomes));
        writeFileSync(files.dictionary, dictionaryCsv());
        const turns = outcomes.reduce((s, o) => s + o.turns.length, 0);
        const summary = { debates, judgements: outcomes.length, turns, files, filter };
        if (opts.json) console.log(JSON.stringify(summary, null, 2));
        else {
          const f = filterLabel(filter);
          console.log(`wrote ${outcomes.length} judgement(s) of ${debates} debate(s)${f ? ` (${f})` : ''} and ${turns} judge turn(s) to ${opts.out}: judgements.csv, turns.csv, data-dictionary.csv`);
          if (debates > outcomes.length) console.log(`${debates - outcomes.length} unfinished debate(s) have no judgement and are left out`);
        }
      } finally {
        await stores.close();
      }
    });
}
