import { buildProgram } from './main.ts';

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    console.error(`arena: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
