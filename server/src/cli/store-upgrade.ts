import path from 'node:path';
import type { Command } from 'commander';
import { upgradePglite } from '../store/upgrade.ts';

/** `arena store upgrade`: brings a data folder of the old embedded format up to date. */
export function registerStore(program: Command): void {
  program
    .command('store')
    .description('maintenance of the embedded database')
    .command('upgrade')
    .description('copy a database of the old embedded format (PGlite) into the current one (SQLite), keeping the old folder as <folder>.pglite')
    .argument('[folder]', 'the database folder', path.join(process.env.ARENA_DATA_DIR ?? './data', 'db'))
    .action(async (folder: string) => {
      const s = await upgradePglite(folder);
      console.log(`${folder}: ${s.debates} debates, ${s.events} events and ${s.seatTokens} seat tokens copied; the old folder is kept as ${s.kept}`);
    });
}
