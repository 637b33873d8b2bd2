/** `arena rejudge` and `arena report --source nyu` through the command line, on an embedded store in a temp folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runArena } from '../helpers/cli.ts';
import { NYU_FIXTURE, writeNyuFixture } from '../helpers/nyu-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'rejudge-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const run = runArena;

describe('arena rejudge / report --source nyu', () => {
  const data = join(root, 'dataset');
  const db = join(root, 'db');
  writeNyuFixture(data, [NYU_FIXTURE.consultancy, NYU_FIXTURE.debate, NYU_FIXTURE.clippedConsultancy, NYU_FIXTURE.noLiveJudge]);

  it('re-judges the imported debates, resumes, and reports original vs re-judged accuracy', async () => {
    await run('import', 'nyu', data, '--data-dir', db);
    process.exitCode = 0;
    const before = await run('report', '--source', 'nyu', '--data-dir', db);
    expect(before).toContain('NYU debate 2023: 4 rooms');
    expect(before).not.toContain('Re-judged');

    const first = JSON.parse(await run('rejudge', '--source', 'nyu', '--limit', '2', '--data-dir', db, '--json')) as { played: number; skipped: number };
    expect(first).toMatchObject({ played: 2, skipped: 0 });
    const second = JSON.parse(await run('rejudge', '--source', 'nyu-debate-2023', '--data-dir', db, '--json')) as { played: number; skipped: number; selected: number };
    expect(second).toMatchObject({ selected: 4, played: 2, skipped: 2 });

    const json = JSON.parse(await run('report', '--source', 'nyu', '--data-dir', db, '--json')) as {
      rooms: number;
      finished: number;
      rejudged: { originals: number; rows: { judge: string; n: number; originalAccuracy: number; rejudgedAccuracy: number }[] };
    };
    // The re-judging debates are not counted as NYU rooms.
    expect(json.rooms).toBe(4);
    expect(json.rejudged.rows[0]).toMatchObject({ judge: 'builtin:passage-judge', n: json.finished });
    const table = await run('report', '--source', 'nyu', '--data-dir', db);
    expect(table).toContain(`| builtin:passage-judge | ${json.finished} |`);
    // The general report shows the comparison too, and keeps re-judgings out of its protocol rows.
    const general = JSON.parse(await run('report', '--data-dir', db, '--json')) as { debates: number; rejudged?: unknown };
    expect(general.debates).toBe(4);
    expect(general.rejudged).toEqual(json.rejudged);
  });
});
