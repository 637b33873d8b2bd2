/**
 * Builds the web client (client/dist) when its sources changed since the last build:
 * client/, shared/src (the engine the client bundles), the lockfile and the base
 * tsconfig. A hash of their contents is stamped into the build output; `npm start` builds
 * only when the stamp differs, `npm run build` always.
 *
 *   node scripts/client-build.ts              build always (npm run build)
 *   node scripts/client-build.ts --if-changed build when the sources changed (npm start)
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'client', 'dist');
const STAMP = join(DIST, '.sources-hash');
const SOURCES = ['client', 'shared/src', 'package-lock.json', 'tsconfig.base.json'];
const SKIP = new Set(['node_modules', 'dist']);

/** The files at `path` (a file, or a folder without its node_modules and dist), absolute. */
function files(path: string): string[] {
  if (!existsSync(path)) return [];
  if (statSync(path).isFile()) return [path];
  return readdirSync(path, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && !relative(path, e.parentPath).split(sep).some((p) => SKIP.has(p)))
    .map((e) => join(e.parentPath, e.name));
}

/** A hash of every file the client build reads from the repository. */
export function clientSourcesHash(): string {
  const hash = createHash('sha256');
  const all = SOURCES.flatMap((s) => files(join(ROOT, s))).map((f) => relative(ROOT, f));
  for (const f of all.sort()) hash.update(`${f}\0`).update(readFileSync(join(ROOT, f))).update('\0');
  return hash.digest('hex');
}

/** Why the client needs building, or null when client/dist was built from the present sources. */
export function staleReason(hash = clientSourcesHash()): string | null {
  if (!existsSync(join(DIST, 'index.html'))) return 'no build yet';
  if (!existsSync(STAMP)) return 'built before the sources were stamped';
  return readFileSync(STAMP, 'utf8').trim() === hash ? null : 'sources changed';
}

/** Builds the client (type check, then Vite) and stamps the build; throws when the build fails. */
export function buildClient(hash = clientSourcesHash()): void {
  const npm = process.env.npm_execpath;
  const run = npm ? spawnSync(process.execPath, [npm, 'run', 'build', '--silent', '-w', 'client'], { cwd: ROOT, stdio: 'inherit' }) : spawnSync('npm', ['run', 'build', '--silent', '-w', 'client'], { cwd: ROOT, stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`the client build failed (exit ${run.status ?? run.signal})`);
  writeFileSync(STAMP, `${hash}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const ifChanged = process.argv.includes('--if-changed');
  const hash = clientSourcesHash();
  const reason = ifChanged ? staleReason(hash) : 'asked for';
  try {
    if (reason) {
      console.log(`building client: ${reason}`);
      buildClient(hash);
    } else console.log('client up to date');
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
