/**
 * The report on the real NYU data, checked against figures computed here directly from
 * the dataset's raw room files: the consultant's honesty (whichever seat it sits in),
 * pairing protocols over common questions, ties, the CSV export.
 */
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TranscriptRecord } from '@arena/shared';
import { judgementsCsv, JUDGEMENT_COLUMNS, SHARED_COLUMNS, turnsCsv } from '../../server/src/report/csv.ts';
import { selectOutcomes } from '../../server/src/report/outcomes.ts';
import { computeReport } from '../../server/src/report/report.ts';
import { nyuReport } from '../../server/src/importers/nyu/report.ts';
import { nyuRecords } from '../helpers/nyu-records.ts';
import { nyuData } from '../helpers/requirements.ts';

const DATA = nyuData('report-nyu: the paper table from the NYU dataset');

type Raw = Awaited<ReturnType<typeof nyuRecords>>[number]['raw'] & { rounds: Record<string, { distribution?: number[]; speeches?: Record<string, unknown> }>[] };
let rooms: { record: TranscriptRecord; raw: Raw }[];
let finished: { record: TranscriptRecord; raw: Raw }[];

beforeAll(async () => {
  if (!DATA) return;
  rooms = (await nyuRecords()) as typeof rooms;
  finished = rooms.filter((r) => r.record.status === 'finished');
}, 60_000);

/** From the raw file: the last judgement's distribution. */
const finalOf = (raw: Raw) => [...raw.rounds].reverse().find((r) => 'JudgeFeedback' in r)!['JudgeFeedback']!.distribution as number[];
const strictlyRight = (p: number[], c: number) => p.every((q, i) => i === c || q < p[c]!);
/** From the raw file: the consultant's answer index ("Debater B" argues answers[1]). */
const consultantOf = (raw: Raw) => {
  const seats = Object.keys(raw.setup.roles).filter((r) => r.startsWith('Debater ')).map((r) => r.charCodeAt(8) - 65);
  const speakers = raw.rounds.flatMap((r) => Object.keys((r['SequentialSpeeches'] ?? r['SimultaneousSpeeches'])?.speeches ?? {})).map(Number);
  return [...new Set([...seats, ...speakers])];
};
const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

describe.runIf(DATA)('the report on the imported NYU data', () => {
  it('decides honesty by the answer the consultant argues, not by its seat', () => {
    const consult = finished.filter((r) => r.record.header.rules.debaters === 'one');
    let honest = 0, honestRight = 0, dishonest = 0, dishonestRight = 0, inSeatB = 0;
    for (const { raw } of consult) {
      const [c] = consultantOf(raw);
      if (c === 1) inSeatB++;
      const right = strictlyRight(finalOf(raw), raw.setup.correctAnswerIndex);
      if (c === raw.setup.correctAnswerIndex) (honest++, honestRight += right ? 1 : 0);
      else (dishonest++, dishonestRight += right ? 1 : 0);
    }
    expect(inSeatB).toBeGreaterThan(50);
    const report = computeReport(rooms.map((r) => r.record), { pack: 'nyu-debate-2023' });
    const g = report.byProtocol.find((x) => x.preset === 'consultancy')!;
    expect(g.balanced!.honest).toMatchObject({ n: honest, successes: honestRight });
    expect(g.balanced!.dishonest).toMatchObject({ n: dishonest, successes: dishonestRight });
    expect(g.balanced!.rate).toBeCloseTo((honestRight / honest + dishonestRight / dishonest) / 2, 12);
    // The NYU table gives the same split for its consultancy rows.
    const nyu = nyuReport(rooms.map((r) => r.record));
    const rows = nyu.rows.filter((r) => r.subset === 'finished' && !r.isDebate);
    expect(rows.reduce((s, r) => s + r.stats.balanced!.honest.n, 0)).toBe(honest);
  });

  it('pairs debate and consultancy over the questions judged under both, by story and question', () => {
    const byQ = new Map<string, { d: boolean[]; c: boolean[] }>();
    for (const { record, raw } of finished) {
      const key = `${norm(raw.setup.sourceMaterial.QuALITYSourceMaterial.title)}::${norm(raw.setup.question)}`;
      const cell = byQ.get(key) ?? { d: [], c: [] };
      (record.header.rules.debaters === 'one' ? cell.c : cell.d).push(strictlyRight(finalOf(raw), raw.setup.correctAnswerIndex));
      byQ.set(key, cell);
    }
    const both = [...byQ.values()].filter((x) => x.d.length && x.c.length);
    const rate = (xs: boolean[]) => xs.filter(Boolean).length / xs.length;
    const diff = both.reduce((s, x) => s + rate(x.d) - rate(x.c), 0) / both.length;
    expect(both.length).toBeGreaterThan(40);
    const report = computeReport(rooms.map((r) => r.record));
    const raw = report.comparisons.find((c) => c.a === 'debate' && c.b === 'consultancy' && c.scoring === 'raw')!;
    expect(raw).toMatchObject({ paired: true, questions: both.length, excluded: 0 });
    expect(raw.difference).toBeCloseTo(diff, 12);
    const balanced = report.comparisons.find((c) => c.scoring === 'balanced')!;
    expect(balanced.questions + balanced.excluded).toBe(both.length);
    expect(balanced.questions).toBeGreaterThan(0);
  });

  it('counts a tie for the most probability as not correct, and says how many there were', () => {
    let ties = 0;
    for (const { raw } of finished) {
      const p = finalOf(raw);
      const c = raw.setup.correctAnswerIndex;
      if (Math.max(...p) === p[c] && p.filter((x) => x === p[c]).length > 1) ties++;
    }
    expect(ties).toBeGreaterThan(0);
    const report = computeReport(rooms.map((r) => r.record));
    expect(report.ties).toBe(ties);
    expect(report.tieRule).toMatch(/tie .* counts as not correct/);
    const hits = finished.filter(({ raw }) => strictlyRight(finalOf(raw), raw.setup.correctAnswerIndex)).length;
    expect(report.byProtocol.reduce((s, g) => s + g.accuracy.successes, 0)).toBe(hits);
  });

  it('writes judgements.csv and turns.csv that a CSV reader reads back with the same values', () => {
    const { outcomes } = selectOutcomes(rooms.map((r) => r.record));
    const rows = parse(judgementsCsv(outcomes), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(finished.length);
    expect(Object.keys(rows[0]!)).toEqual([...JUDGEMENT_COLUMNS]);
    for (const c of SHARED_COLUMNS) expect(Object.keys(rows[0]!)).toContain(c);
    const byId = new Map(finished.map((r) => [r.record.header.id, r.raw]));
    for (const row of rows) {
      const raw = byId.get(row['debate_id']!)!;
      const p = finalOf(raw);
      expect(Number(row['p_correct_final'])).toBeCloseTo(p[raw.setup.correctAnswerIndex]!, 10);
      expect(row['correct']).toBe(strictlyRight(p, raw.setup.correctAnswerIndex) ? 'TRUE' : 'FALSE');
      expect(row['participant']).toBe(raw.setup.roles['Judge']);
      expect(row['excluded']).toBe('FALSE');
      expect(row['study']).toBe('');
    }
    const turns = parse(turnsCsv(outcomes), { columns: true }) as Record<string, string>[];
    const judgeTurns = finished.reduce((s, { record }) => s + record.events.filter((e) => e.action.type === 'judge').length, 0);
    expect(turns).toHaveLength(judgeTurns);
    expect(turns.filter((t) => t['final'] === 'TRUE')).toHaveLength(finished.length);
  });
});
