import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describeIssues, PackInfo, Scenario } from '@arena/shared';

export class ScenarioFileError extends Error {
  readonly file: string;

  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.file = file;
    this.name = 'ScenarioFileError';
  }
}

async function readJson(file: string, shown: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ScenarioFileError(shown, `cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ScenarioFileError(shown, `invalid JSON (${(err as Error).message})`);
  }
}

/**
 * Loads every scenario pack under `dir`: each sub-folder with a pack.json and one
 * JSON file per scenario. Errors name the file and the field.
 */
export async function loadScenarioPacks(dir = 'scenarios'): Promise<{ packs: PackInfo[]; scenarios: Scenario[] }> {
  const packs: PackInfo[] = [];
  const scenarios: Scenario[] = [];
  const seen = new Map<string, string>();
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const folder = join(dir, entry.name);
    const shownPack = relative(process.cwd(), join(folder, 'pack.json'));
    const parsedPack = PackInfo.safeParse(await readJson(join(folder, 'pack.json'), shownPack));
    if (!parsedPack.success) throw new ScenarioFileError(shownPack, describeIssues(parsedPack.error));
    packs.push(parsedPack.data);
    const files = (await readdir(folder)).filter((f) => f.endsWith('.json') && f !== 'pack.json').sort();
    for (const f of files) {
      const shown = relative(process.cwd(), join(folder, f));
      const parsed = Scenario.safeParse(await readJson(join(folder, f), shown));
      if (!parsed.success) throw new ScenarioFileError(shown, describeIssues(parsed.error));
      if (`${parsed.data.id}.json` !== f) throw new ScenarioFileError(shown, `id: "${parsed.data.id}" does not match the file name`);
      const other = seen.get(parsed.data.id);
      if (other) throw new ScenarioFileError(shown, `id: "${parsed.data.id}" is also used by ${other}`);
      seen.set(parsed.data.id, shown);
      scenarios.push({ ...parsed.data, pack: parsedPack.data.id });
    }
  }
  return { packs, scenarios };
}
