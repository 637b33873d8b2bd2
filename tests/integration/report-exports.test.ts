/**
 * `arena export csv` on a real embedded store (self-play and NYU rooms): the files read
 * back with csv-parse as pandas would (header row, no options), every cell of the type
 * the data dictionary states, and as many rows as the store has finished debates and
 * judge turns in the selection. And `arena report` with debater ratings on that store.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JUDGEMENT_COLUMNS, TURN_COLUMNS } from '../../server/src/report/csv.ts';
import { JUDGEMENT_DICTIONARY, TURN_DICTIONARY, type ColumnEntry } from '../../server/src/report/dictionary.ts';
import { openStore } from '../../server/src/store/open.ts';
import { runArena } from '../helpers/cli.ts';
import { NYU_FIXTURE, writeNyuFixture } from '../helpers/nyu-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'export-csv-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const db = join(root, 'db');

beforeAll(async () => {
  await runArena('selfplay', '--presets', 'debate,consultancy', '--seeds', '2', '--debaters', 'builtin:passage-debater/builtin:random,builtin:random/builtin:passage-debater', '--data-dir', db, '--json', '--no-progress');
  await runArena('import', 'nyu', writeNyuFixture(join(root, 'nyu'), [NYU_FIXTURE.consultancy, NYU_FIXTURE.clippedConsultancy, NYU_FIXTURE.noLiveJudge]), '--data-dir', db, '--json');
}, 120_000);

/** What the store holds: finished debates and judge turns, counted from the transcripts. */
async function counted(source: string | undefined): Promise<{ finished: number; turns: number }> {
  const store = await openStore({ dataDir: join(db, 'db') });
  let finished = 0;
  let turns = 0;
  try {
    for await (const r of store.transcripts(source ? { source } : {})) {
      if (r.status !== 'finished' || !r.verdict) continue;
      finished++;
      turns += r.events.filter((e) => e.seat === 'judge' && e.action.type === 'judge').length;
    }
  } finally {
    await store.close();
  }
  return { finished, turns };
}

function checkTypes(rows: Record<string, string>[], dictionary: Record<string, ColumnEntry>): void {
  for (const row of rows) {
    for (const [column, cell] of Object.entries(row)) {
      if (cell === '') continue;
      const type = dictionary[column]?.type;
      if (type === 'integer') expect(Number.isInteger(Number(cell)), `${column}=${cell}`).toBe(true);
      else if (type === 'number') expect(Number.isFinite(Number(cell)), `${column}=${cell}`).toBe(true);
      else if (type === 'logical') expect(['TRUE', 'FALSE'], `${column}=${cell}`).toContain(cell);
      else expect(type, column).toBe('string');
    }
  }
}

describe('arena export csv', () => {
  it('writes the selection, its turns and a data dictionary that read back with the stated types', async () => {
    const out = join(root, 'all');
    const summary = JSON.parse(await runArena('export', 'csv', '--out', out, '--data-dir', db, '--json')) as { judgements: number; turns: number };
    const store = await counted(undefined);
    expect(store.finished).toBeGreaterThan(40);
    const judgements = parse(readFileSync(join(out, 'judgements.csv')), { columns: true, bom: false }) as Record<string, string>[];
    const turns = parse(readFileSync(join(out, 'turns.csv')), { columns: true }) as Record<string, string>[];
    expect(judgements).toHaveLength(store.finished);
    expect(turns).toHaveLength(store.turns);
    expect(summary).toMatchObject({ judgements: store.finished, turns: store.turns });
    expect(Object.keys(judgements[0]!)).toEqual([...JUDGEMENT_COLUMNS]);
    expect(Object.keys(turns[0]!)).toEqual([...TURN_COLUMNS]);
    checkTypes(judgements, JUDGEMENT_DICTIONARY);
    checkTypes(turns, TURN_DICTIONARY);
    // Every debate's turns end with exactly one final turn, whose p(correct) is the judgement's.
    const finals = turns.filter((t) => t.final === 'TRUE');
    expect(finals).toHaveLength(judgements.length);
    const final = new Map(finals.map((t) => [t.debate_id, Number(t.p_correct)]));
    for (const j of judgements) expect(final.get(j.debate_id)).toBeCloseTo(Number(j.p_correct_final), 12);
    // The dictionary names every column of both files, in order.
    const dict = parse(readFileSync(join(out, 'data-dictionary.csv')), { columns: true }) as { file: string; column: string; type: string }[];
    expect(dict.filter((d) => d.file === 'judgements.csv').map((d) => d.column)).toEqual([...JUDGEMENT_COLUMNS]);
    expect(dict.filter((d) => d.file === 'turns.csv').map((d) => d.column)).toEqual([...TURN_COLUMNS]);
  });

  it('takes the report\'s selection filters', async () => {
    const out = join(root, 'nyu');
    const text = await runArena('export', 'csv', '--out', out, '--source', 'nyu', '--data-dir', db);
    const store = await counted('nyu-debate-2023');
    expect(text).toContain(`wrote ${store.finished} judgement(s)`);
    const judgements = parse(readFileSync(join(out, 'judgements.csv')), { columns: true }) as Record<string, string>[];
    expect(judgements).toHaveLength(store.finished);
    expect(new Set(judgements.map((j) => j.source))).toEqual(new Set(['nyu-debate-2023']));
    const consult = JSON.parse(await runArena('export', 'csv', '--out', join(root, 'c'), '--preset', 'consultancy', '--source', 'selfplay', '--data-dir', db, '--json')) as { judgements: number };
    expect(consult.judgements).toBe(48);
    await expect(runArena('export', 'csv', '--out', join(root, 'x'), '--source', 'bogus', '--data-dir', db)).rejects.toThrow(/no debates from source "bogus"/);
  });
});

describe('arena report: debater ratings', () => {
  it('rates the self-play debaters by role in the table and the JSON', async () => {
    const json = JSON.parse(await runArena('report', '--source', 'selfplay', '--preset', 'debate', '--data-dir', db, '--json')) as {
      ratings: { preset: string; crossPlay: number; agents: { agent: string; elo: number; eloHonest: number; eloDishonest: number; asHonest: { games: number } }[] }[];
    };
    expect(json.ratings).toHaveLength(1);
    const [r] = json.ratings;
    expect(r!.preset).toBe('debate');
    expect(r!.crossPlay).toBeGreaterThan(10);
    expect(r!.agents.map((a) => a.agent)).toEqual(['builtin:passage-debater', 'builtin:random']);
    for (const a of r!.agents) expect(a.elo).toBeCloseTo((a.eloHonest + a.eloDishonest) / 2, 9);
    const text = await runArena('report', '--source', 'selfplay', '--preset', 'debate', '--data-dir', db);
    expect(text).toMatch(/Debater ratings, debate: \d+ two-debater debates \(\d+ between different debaters, 0 self-play\)/);
    const html = join(root, 'ratings.html');
    await runArena('report', '--source', 'selfplay', '--preset', 'debate', '--data-dir', db, '--html', html);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('Debater ratings, debate:');
    expect(page).toContain('"ratings":[{"preset":"debate"');
  });
});

describe('arena power', () => {
  it('estimates power from stated assumptions, seeded, and from the stored pilot', async () => {
    const args = ['power', '--base', '0.7', '--diff', '0.15', '--judges', '12', '--items', '6', '--judge-sd', '0.8', '--question-sd', '0.4', '--simulations', '40', '--json'];
    const a = JSON.parse(await runArena(...args)) as { judgements: number; cluster: { rate: number; n: number }; normal: { rate: number }; plan: { perJudge: number } };
    expect(a).toMatchObject({ judgements: 72, plan: { perJudge: 6 }, cluster: { n: 40 } });
    expect(JSON.parse(await runArena(...args))).toMatchObject({ cluster: a.cluster, normal: a.normal });
    const text = await runArena('power', '--from-store', '--source', 'selfplay', '--data-dir', db, '--simulations', '20');
    expect(text).toMatch(/^Pilot \(source=selfplay\): 96 judgements by 1 judge\(s\) on 12 questions; accuracy debate [\d.]+, consultancy [\d.]+/);
    expect(text).toMatch(/95% judge × question cluster interval excludes 0: [\d.]+ {2}\(Monte Carlo 95% \[/);
    const pilot = JSON.parse(await runArena('power', '--from-store', '--source', 'selfplay', '--data-dir', db, '--simulations', '5', '--json')) as { plan: { base: number }; pilot: { accuracy: Record<string, number> } };
    expect(pilot.plan.base).toBe(pilot.pilot.accuracy.consultancy);
    await expect(runArena('power', '--base', '0.95', '--diff', '0.1', '--simulations', '5')).rejects.toThrow(/strictly between 0 and 1/);
    await expect(runArena('power', '--items', '4', '--per-judge', '6', '--simulations', '5')).rejects.toThrow(/cannot exceed --items/);
  }, 60_000);
});
