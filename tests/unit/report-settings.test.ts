/**
 * Differences paired within a setting (who debated; the paper's rooms or every room), and
 * the selection by who debated, apart from who judged. The NYU figures are recomputed from
 * the raw room files and the metadata file (numpy, see below); that part runs when the
 * dataset is present next to the repository and is reported as skipped otherwise.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TranscriptRecord } from '@arena/shared';
import { settingsOf } from '../../server/src/report/compare.ts';
import { parse } from 'csv-parse/sync';
import { judgementsCsv } from '../../server/src/report/csv.ts';
import { matchesFilter, selectOutcomes, type Outcome } from '../../server/src/report/outcomes.ts';
import { computeReport } from '../../server/src/report/report.ts';
import { nyuReport } from '../../server/src/importers/nyu/report.ts';
import { nyuRecords } from '../helpers/nyu-records.ts';
import { nyuData } from '../helpers/requirements.ts';

const DATA = nyuData('report-settings: the NYU data by setting');

const o = (debaterKind: Outcome['debaterKind'], inPaper: boolean | null) => ({ debaterKind, inPaper }) as Outcome;

describe('the settings a comparison pairs within', () => {
  it('is one setting when the selection has one, and every kind (pooled first) with the paper apart otherwise', () => {
    expect(settingsOf([o('ai', null), o('ai', null), o(null, null)]).map((r) => r.label)).toEqual(['AI debaters']);
    expect(settingsOf([o('human', true), o('ai', false)]).map((r) => [r.debaters, r.inPaper])).toEqual([
      ['all', false],
      ['all', true],
      ['human', false],
      ['human', true],
      ['ai', false],
    ]);
  });
});

describe.skipIf(!DATA)('the NYU data by setting (needs the NYU dataset)', () => {
  /*
   * Expected values: a recomputation with numpy from the raw files, rooms whose last
   * JudgeFeedback has endDebate, a verdict correct when every other answer has strictly
   * less probability, questions keyed by normalised story title and question, setting and
   * includedInPaper from debates-metadata.jsonl; per question mean(debate) − mean(consultancy),
   * then the mean over questions present under both:
   *   (numpy.mean per question, then over questions) →  human paper (44, 0.005681818181818182)   human all (53, 0.05817610062893082)
   *                         paper pooled (47, -0.005319148936170222)  all pooled (56, 0.05357142857142859)
   */
  const expected = [
    ['human and AI debaters pooled, every room', 56, 0.05357142857142859],
    ['human and AI debaters pooled, rooms in the paper', 47, -0.005319148936170222],
    ['human debaters, every room', 53, 0.05817610062893082],
    ['human debaters, rooms in the paper', 44, 0.005681818181818182],
  ] as const;
  let records: TranscriptRecord[];
  beforeAll(async () => {
    records = (await nyuRecords()).map((r) => r.record);
  }, 60_000);

  it('pairs debate and consultancy within each setting and names the rooms', () => {
    const report = computeReport(records, { source: 'nyu-debate-2023' });
    for (const [label, questions, difference] of expected) {
      const row = report.comparisons.find((c) => c.a === 'debate' && c.b === 'consultancy' && c.scoring === 'raw' && c.rooms.label === label);
      expect(row, label).toMatchObject({ paired: true, questions });
      expect(row!.difference).toBeCloseTo(difference, 12);
    }
  });

  it('selects by who debated, apart from who judged (AI debates have human judges)', () => {
    const meta = readFileSync(join(DATA!, 'debates-metadata.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { name: string; setting: { isHuman: boolean } });
    const human = new Set(meta.filter((m) => m.setting.isHuman).map((m) => m.name));
    const name = (id: string) => records.find((r) => r.header.id === id)!.header.source!.id;
    const byHuman = records.filter((r) => matchesFilter(r, { debaters: 'human' }));
    const byAi = records.filter((r) => matchesFilter(r, { debaters: 'ai' }));
    expect(byHuman.length).toBe(records.filter((r) => human.has(r.header.source!.id as string)).length);
    expect(byHuman.every((r) => human.has(name(r.header.id) as string))).toBe(true);
    expect(byAi.length + byHuman.length).toBe(records.length);
    // --agent human also takes the AI debates (their judge is human); --debaters human does not.
    expect(byAi.length).toBeGreaterThan(0);
    expect(byAi.every((r) => matchesFilter(r, { agent: 'human' }))).toBe(true);
  });

  it('gives the ECE of the probabilities as stated', () => {
    /*
     * Expected: numpy over every final probability of each setting's rooms (rooms and
     * settings as above), bins np.minimum(9, np.floor(np.round(p, 6) * 10)), ECE = Σ_k n_k/n ·
     * |mean(outcome_k) − mean(p_k)|: human debate in the paper 0.1033116883116883 (binning
     * p * 10 unrounded gave 0.115), AI consultancy in the paper 0.1292105263157895 (0.136).
     */
    const rows = nyuReport(records).rows.filter((r) => r.subset === 'paper');
    expect(rows.find((r) => r.isHuman && r.isDebate)!.ece).toBeCloseTo(0.1033116883116883, 12);
    expect(rows.find((r) => !r.isHuman && !r.isDebate)!.ece).toBeCloseTo(0.1292105263157895, 12);
  });

  it('gives the paired difference the standard CGM interval of its weighted regression', () => {
    /*
     * Expected: numpy on the exported judgements.csv, in-paper rooms of both settings pooled on the 47 shared questions:
     * WLS of correct on [1, debate] with weights 1/n (n: the verdicts of that protocol on that question), influence
     * w·x̃·e / Σ w·x̃², V = V_judge + V_question − V_judge×question with G/(G − 1) each, times (N − 1)/(N − 2), N = 175:
     * SE 0.0528006425468927 (statsmodels' two-way cluster WLS gives 0.0528; the even-spread variant had 0.0567).
     */
    const report = computeReport(records, { source: 'nyu-debate-2023' });
    const row = report.comparisons.find((c) => c.scoring === 'raw' && c.rooms.label === 'human and AI debaters pooled, rooms in the paper')!;
    expect(row.cluster.se).toBeCloseTo(0.0528006425468927, 10);
  });

  it('names the debate a re-judging judges again in the rejudge_of column', () => {
    const original = records.find((r) => r.status === 'finished')!;
    const again = { ...original, header: { ...original.header, id: 'rejudge-1', source: { name: 'rejudge' }, meta: { ...original.header.meta, rejudgeOf: original.header.id } } } as TranscriptRecord;
    const rows = (filter: { source: string }) => parse(judgementsCsv(selectOutcomes([original, again], filter).outcomes), { columns: true }) as Record<string, string>[];
    expect(rows({ source: 'rejudge' }).map((r) => [r['debate_id'], r['rejudge_of']])).toEqual([['rejudge-1', original.header.id]]);
    expect(rows({ source: 'nyu-debate-2023' }).map((r) => r['rejudge_of'])).toEqual(['']);
  });
});
