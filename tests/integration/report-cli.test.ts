/**
 * The report and export commands on a real embedded store: an unknown source is named,
 * `export nyu --source nyu` exports the NYU rooms, image debates are left out of the NYU
 * export with a word, self-play's defaults keep the digits out of the passage figures,
 * the HTML report and the CSV exports; and `arena pixels eval` through the `arena` bin.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runArena } from '../helpers/cli.ts';
import { NYU_FIXTURE, writeNyuFixture } from '../helpers/nyu-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'report-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const db = join(root, 'db');
const BIN = fileURLToPath(new URL('../../server/bin/arena.js', import.meta.url));

describe('arena report / export on a store with NYU rooms, self-play and a digit debate', () => {
  it('self-play with the default scenarios plays passages only', async () => {
    const out = JSON.parse(await runArena('selfplay', '--presets', 'blind', '--seeds', '1', '--data-dir', db, '--json', '--no-progress')) as { planned: number };
    expect(out.planned).toBe(12);
    // Asked for by pack, the digits are played.
    const digits = JSON.parse(
      await runArena('selfplay', '--presets', 'pixels', '--pack', 'mnist', '--scenario', 'mnist-08965a18d4', '--debaters', 'builtin:random', '--judges', 'builtin:pixel-judge', '--seeds', '1', '--data-dir', db, '--json', '--no-progress'),
    ) as { played: number };
    expect(digits.played).toBe(1);
  });

  it('says so when a source has no debates, naming the sources there are', async () => {
    await runArena('import', 'nyu', writeNyuFixture(join(root, 'nyu'), [NYU_FIXTURE.consultancy, NYU_FIXTURE.clippedConsultancy, NYU_FIXTURE.noLiveJudge]), '--data-dir', db);
    process.exitCode = 0;
    await expect(runArena('report', '--source', 'bogus', '--data-dir', db)).rejects.toThrow(/no debates from source "bogus" \(sources in this store: nyu-debate-2023, selfplay/);
  });

  it('exports the NYU rooms with --source nyu, and leaves out a digit debate with a word', async () => {
    const out = join(root, 'out');
    const text = await runArena('export', 'nyu', out, '--source', 'nyu', '--data-dir', db);
    expect(text).toContain('exported 3 debate(s)');
    const all = await runArena('export', 'nyu', join(root, 'all'), '--data-dir', db);
    expect(all).toContain('exported 15 debate(s)');
    expect(all).toContain('left out 1 debate(s) over an image');
    expect(readdirSync(join(root, 'all', 'debates', 'official'))).toHaveLength(15);
    const none = await runArena('export', 'nyu', join(root, 'none'), '--source', 'arena', '--data-dir', db);
    expect(none).toMatch(/no debates from source "arena"/);
  });

  it('writes a self-contained HTML report with three plots, and the passage figures without the digit', async () => {
    const html = join(root, 'report.html');
    const json = JSON.parse(await runArena('report', '--source', 'selfplay', '--data-dir', db, '--json', '--html', html)) as { finished: number; byProtocol: { preset: string }[] };
    expect(json.byProtocol.map((g) => g.preset)).toEqual(['blind', 'pixels']);
    const page = readFileSync(html, 'utf8');
    expect(page.match(/<svg/g)).toHaveLength(3);
    expect(page).not.toMatch(/<script(?! type="application\/json")/);
    expect(page).toContain('Reliability diagram');
    const passages = JSON.parse(await runArena('report', '--source', 'selfplay', '--preset', 'blind', '--data-dir', db, '--json')) as { finished: number; balance: { preset: string; byPosition: number[] }[] };
    expect(passages.finished).toBe(12);
  });
});

describe('arena pixels eval through the arena bin', () => {
  it('runs with its default two workers', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'pixels', 'eval', '--images', '2', '--rollouts', '4', '--k', '4', '--json', '--no-progress'], { cwd: root, timeout: 120_000 });
    const report = JSON.parse(stdout) as { config: { workers: number }; rows: { n: number }[] };
    expect(report.config.workers).toBe(Math.max(1, Math.min(2, availableParallelism())));
    expect(report.rows.some((r) => r.n === 2)).toBe(true);
    expect(existsSync(BIN)).toBe(true);
  }, 120_000);
});
