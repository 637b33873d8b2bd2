import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describeIssues, PackInfo, Scenario } from '@arena/shared';

export interface LoadedPacks {
  packs: PackInfo[];
  scenarios: Scenario[];
}

/** An error that names the file (and, through the message, the field) at fault. */
export class ScenarioLoadError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'ScenarioLoadError';
  }
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ScenarioLoadError(file, `cannot read (${(err as Error).message})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ScenarioLoadError(file, `not valid JSON (${(err as Error).message})`);
  }
}

/**
 * Loads every scenario pack under `dir`: each sub-folder holding a pack.json plus one
 * JSON file per scenario. Validates with the shared schemas, sets `scenario.pack` to the
 * pack's id, and refuses duplicate scenario ids. Packs and scenarios come back sorted
 * (by id, then file name) so loading is deterministic.
 */
export async function loadScenarioPacks(dir = 'scenarios'): Promise<LoadedPacks> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const packs: PackInfo[] = [];
  const scenarios: Scenario[] = [];
  const seen = new Map<string, string>();
  for (const folder of entries) {
    const packDir = path.join(dir, folder);
    const files = (await readdir(packDir)).filter((f) => f.endsWith('.json')).sort();
    if (!files.includes('pack.json')) continue;
    const packFile = path.join(packDir, 'pack.json');
    const pack = PackInfo.safeParse(await readJson(packFile));
    if (!pack.success) throw new ScenarioLoadError(packFile, describeIssues(pack.error));
    packs.push(pack.data);
    for (const name of files) {
      if (name === 'pack.json') continue;
      const file = path.join(packDir, name);
      const parsed = Scenario.safeParse(await readJson(file));
      if (!parsed.success) throw new ScenarioLoadError(file, describeIssues(parsed.error));
      const previous = seen.get(parsed.data.id);
      if (previous) throw new ScenarioLoadError(file, `id: "${parsed.data.id}" is already used by ${previous}`);
      seen.set(parsed.data.id, file);
      scenarios.push({ ...parsed.data, pack: pack.data.id });
    }
  }
  return { packs, scenarios };
}
