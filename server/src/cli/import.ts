/**
 * `arena import nyu <folder>` and `arena export nyu <out-folder>`: the NYU human-debate
 * dataset (Michael et al. 2023, CC-BY 4.0) in and out of the store. Its report is
 * `arena report --source nyu`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { NYU_SOURCE } from '../importers/nyu/convert.ts';
import { exportNyu } from '../importers/nyu/export.ts';
import { formatImportSummary, importNyuFolder } from '../importers/nyu/import.ts';
import type { ListFilter, Store } from '../store/store.ts';
import { commandStore } from './store.ts';
import { sourceName, storeSources } from '../report/select.ts';

interface StoreFlags {
  dataDir?: string;
}

/** The server's store (see commandStore). */
export function cliStore(flags: StoreFlags): Promise<Store> {
  return commandStore(flags.dataDir);
}

function progressBar(label: string): cliProgress.SingleBar | null {
  if (!process.stderr.isTTY) return null;
  return new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% {value}/{total} | {file}`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
}

/** A subcommand group (`import`, `export`) shared with other engineers' subcommands. */
function group(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

export function registerNyu(program: Command): void {
  group(program, 'import', 'import debates from other tools and datasets')
    .command('nyu')
    .description('import the NYU human-debate dataset (Michael et al. 2023): a dataset folder or a folder of room files')
    .argument('<folder>', 'the dataset folder (with debates/official/ and debates-metadata.json)')
    .option('--data-dir <dir>', 'embedded database folder (default ./data; DATABASE_URL selects Postgres)')
    .option('--json', 'print the summary as JSON')
    .option('--public', 'make the imported debates public (listed, full transcripts open to anyone); default private: researchers only')
    .action(async (folder: string, o: StoreFlags & { json?: boolean; public?: boolean }) => {
      if (!existsSync(folder)) throw new Error(`no such folder: ${folder}`);
      const store = await cliStore(o);
      const bar = progressBar('import');
      try {
        const summary = await importNyuFolder(store, folder, {
          visibility: o.public ? 'public' : 'private',
          onProgress: (done, total, file) => {
            if (!bar) return;
            if (done === 1) bar.start(total, 0, { file });
            bar.update(done, { file });
          },
        });
        bar?.stop();
        console.log(o.json ? JSON.stringify(summary, null, 2) : formatImportSummary(summary));
        if (summary.skipped.length) process.exitCode = 2;
      } finally {
        bar?.stop();
        await store.close();
      }
    });

  group(program, 'export', 'export debates for other tools')
    .command('nyu')
    .description("write debates in the NYU dataset's own format (debates/official/*.json + debates-metadata.json)")
    .argument('<out-folder>', 'folder to write (created if missing)')
    .option('--source <name>', `only debates from this source ("nyu" = ${NYU_SOURCE}, "selfplay", …; "arena" for debates held here)`)
    .option('--status <status>', 'only debates in this status (waiting, running, finished)')
    .option('--data-dir <dir>', 'embedded database folder (default ./data; DATABASE_URL selects Postgres)')
    .action(async (out: string, o: StoreFlags & { source?: string; status?: string }) => {
      if (o.status && !['waiting', 'running', 'finished'].includes(o.status)) throw new Error(`--status must be waiting, running or finished, got ${o.status}`);
      const store = await cliStore(o);
      try {
        const filter: ListFilter = {};
        const source = sourceName(o.source);
        if (source) filter.source = source === 'none' ? null : source;
        if (o.status) filter.status = o.status as ListFilter['status'];
        const total = await store.countDebates(filter);
        const bar = progressBar('export');
        bar?.start(total, 0, { file: '' });
        const summary = await exportNyu(store, out, filter, (done) => bar?.update(done, { file: '' }));
        bar?.stop();
        console.log(`exported ${summary.rooms} debate(s) to ${join(out, 'debates', 'official')} (metadata: ${join(out, 'debates-metadata.json')})`);
        if (summary.skippedImages) console.log(`left out ${summary.skippedImages} debate(s) over an image: the NYU format has no form for them`);
        if (total === 0 && o.source) {
          const known = await storeSources(store);
          console.log(`no debates from source "${o.source}" (sources in this store: ${known.join(', ') || 'none, the store is empty'}; "nyu" is short for ${NYU_SOURCE}, "arena" for debates held here)`);
        }
      } finally {
        await store.close();
      }
    });
}
