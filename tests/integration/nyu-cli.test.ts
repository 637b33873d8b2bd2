/** `arena import nyu`, `arena export nyu` and `arena report --source nyu` through the command line, on an embedded store in a temp folder. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runArena } from '../helpers/cli.ts';
import { NYU_FIXTURE, writeNyuFixture } from '../helpers/nyu-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'nyu-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const run = runArena;

describe('arena import nyu / export nyu / report --source nyu', () => {
  const data = join(root, 'dataset');
  const db = join(root, 'db');
  const official = writeNyuFixture(data, [NYU_FIXTURE.consultancy, NYU_FIXTURE.clippedConsultancy, NYU_FIXTURE.noLiveJudge]);
  writeFileSync(join(official, 'broken-room.json'), '{ not json');

  it('imports, names the malformed file, and says what is already present the second time', async () => {
    const first = await run('import', 'nyu', data, '--data-dir', db);
    expect(first).toMatch(/imported:\s+3/);
    expect(first).toMatch(/skipped:\s+1/);
    expect(first).toContain('broken-room.json: not valid JSON');
    expect(first).toMatch(/1 × no live judge/);
    expect(process.exitCode).toBe(2);
    process.exitCode = 0;

    const second = JSON.parse(await run('import', 'nyu', data, '--data-dir', db, '--json')) as { imported: number; alreadyPresent: number };
    expect(second).toMatchObject({ imported: 0, alreadyPresent: 3 });
    process.exitCode = 0;
  });

  it('reports on the imported rooms, as a table or JSON', async () => {
    const table = await run('report', '--source', 'nyu', '--data-dir', db);
    expect(table).toContain('| in paper | Human consultancy | 2 |');
    const json = JSON.parse(await run('report', '--source', 'nyu', '--data-dir', db, '--json')) as { rooms: number; finished: number };
    expect(json).toMatchObject({ rooms: 3, finished: 2 });
    // The HTML report carries the table by setting too, and --debaters selects by who debated.
    const html = join(root, 'report.html');
    await run('report', '--source', 'nyu', '--data-dir', db, '--html', html);
    expect(readFileSync(html, 'utf8')).toContain('| in paper | Human consultancy | 2 |');
    const ai = JSON.parse(await run('report', '--source', 'nyu', '--debaters', 'ai', '--data-dir', db, '--json')) as { report: { debates: number } };
    const human = JSON.parse(await run('report', '--source', 'nyu', '--debaters', 'human', '--data-dir', db, '--json')) as { report: { debates: number } };
    expect(ai.report.debates + human.report.debates).toBe(3);
    await expect(run('report', '--debaters', 'both', '--data-dir', db)).rejects.toThrow(/--debaters must be "human" or "ai"/);
  });

  it('exports in the dataset layout', async () => {
    const out = join(root, 'out');
    const text = await run('export', 'nyu', out, '--data-dir', db, '--source', 'nyu-debate-2023');
    expect(text).toContain('exported 3 debate(s)');
    expect(existsSync(join(out, 'debates', 'official', `${NYU_FIXTURE.consultancy}.json`))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'debates', 'official', `${NYU_FIXTURE.consultancy}.json`), 'utf8'))).toEqual(
      JSON.parse(readFileSync(join(official, `${NYU_FIXTURE.consultancy}.json`), 'utf8')),
    );
    expect(JSON.parse(readFileSync(join(out, 'debates-metadata.json'), 'utf8'))).toHaveLength(3);
  });
});
