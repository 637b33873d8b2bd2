import { ConfigError, loadConfig } from './config.ts';
import { createArena } from './app.ts';
import { StoreFormatError, StoreInUseError } from './store/open.ts';

/** `npm start`: one process serving the web client, the API and the rooms. */
async function main() {
  // Everything the server writes (the embedded database, the generated researcher token) is for its own user only.
  process.umask(0o077);
  const config = loadConfig();
  const arena = await createArena(config);
  const port = await arena.listen();
  const where = config.databaseUrl ? 'Postgres (DATABASE_URL)' : `${config.dataDir}/db (embedded)`;
  console.log(`Oversight Arena on http://localhost:${port}  ·  API /api  ·  transcripts in ${where}`);
  console.log(`Researcher token (exports, full transcripts): ${config.researcherToken ? 'from ARENA_RESEARCHER_TOKEN' : `${config.dataDir}/researcher-token`}`);
  const stop = async (signal: string) => {
    console.log(`${signal}: closing rooms and the store…`);
    await arena.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  const code = (err as NodeJS.ErrnoException).code;
  if (err instanceof ConfigError || err instanceof StoreInUseError || err instanceof StoreFormatError) console.error(err.message);
  else if (code === 'EADDRINUSE') console.error(`port ${loadConfig().port} is already in use: stop the other server or set PORT`);
  else console.error('Oversight Arena could not start:', err);
  process.exit(1);
});
