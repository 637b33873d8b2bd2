import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildProgram } from './main.ts';

// The checkout's data folder (where `npm start` keeps it), wherever the command is run from.
const CHECKOUT = fileURLToPath(new URL('../../../', import.meta.url));
process.env.ARENA_DATA_DIR ??= path.join(CHECKOUT, 'data');
const where = process.env.DATABASE_URL ? 'Postgres (DATABASE_URL)' : `${path.resolve(process.env.ARENA_DATA_DIR)} (ARENA_DATA_DIR or --data-dir to change it)`;

// Databases and files the commands write (transcripts, seat tokens, exports) are for this user only.
process.umask(0o077);

buildProgram()
  .addHelpText('after', `\nData: ${where}`)
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    console.error(`arena: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
