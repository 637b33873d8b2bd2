import { buildProgram } from './main.ts';

// Databases and files the commands write (transcripts, seat tokens, exports) are for this user only.
process.umask(0o077);

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    console.error(`arena: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
