/**
 * GET /api/results on the real server: the same numbers as `arena report` on the same
 * store (the same module), re-judgings never counted as original verdicts, one
 * calibration definition, filters, CSV downloads and refusals.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TranscriptRecord } from '@arena/shared';
import { NYU_SOURCE } from '../../server/src/importers/nyu/convert.ts';
import { runRejudgeBatch } from '../../server/src/rejudge/run.ts';
import { computeReport } from '../../server/src/report/report.ts';
import { RESEARCHER_TOKEN, startArena, type TestArena } from '../helpers/arena.ts';
import { nyuRecords } from '../helpers/nyu-records.ts';
import { agentCatalog } from '../../server/src/agent-catalog.ts';

const agents = agentCatalog();
import { nyuData } from '../helpers/requirements.ts';

const DATA = nyuData('results-http: /api/results on forty NYU rooms');

let t: TestArena;
let originals: TranscriptRecord[];

beforeAll(async () => {
  if (!DATA) return;
  t = await startArena();
  // Forty rooms of the real data, then an AI re-judging of each finished one.
  originals = (await nyuRecords()).map((r) => r.record).slice(0, 40);
  for (const r of originals) await t.store.saveTranscript(r, 'public');
  const rj = await runRejudgeBatch({ agents, store: t.store, source: NYU_SOURCE, judge: 'builtin:passage-judge', concurrency: 2 });
  expect(rj.played).toBeGreaterThan(20);
}, 120_000);
afterAll(() => t?.close());

describe.runIf(DATA)('GET /api/results', () => {
  it("gives arena report's numbers, without counting re-judgings as original verdicts", async () => {
    const res = await t.api('/api/results', { token: RESEARCHER_TOKEN });
    expect(res.status).toBe(200);
    const expected = JSON.parse(JSON.stringify(computeReport(originals)));
    expect(res.body.report).toEqual(expected);
    expect(res.body.total).toBe(originals.filter((r) => r.status === 'finished').length);
    expect(res.body.sources).toEqual([NYU_SOURCE, 'rejudge']);
    // Re-judgings are private: the public report neither counts nor names them.
    const anonymous = await t.api('/api/results');
    expect(anonymous.body.report).toEqual(expected);
    expect(anonymous.body.sources).toEqual([NYU_SOURCE]);
    expect(anonymous.body.agents.some((a: string) => a.startsWith('replay'))).toBe(false);
    // ECE is over every stated final probability, as in the CLI.
    const debate = res.body.report.byProtocol.find((g: { preset: string }) => g.preset === 'debate');
    expect(debate.bins.reduce((s: number, b: { n: number }) => s + b.n, 0)).toBe(2 * debate.n);
  });

  it('filters by source, judge kind and agent, and the re-judgings when asked for by their source', async () => {
    const rejudged = await t.api('/api/results?source=rejudge&judge=ai', { token: RESEARCHER_TOKEN });
    expect(rejudged.body.report.finished).toBeGreaterThan(20);
    expect(rejudged.body.report.byAgent.every((g: { judge: string }) => g.judge === 'builtin:passage-judge')).toBe(true);
    const human = await t.api('/api/results?source=nyu&judge=human&preset=consultancy');
    expect(human.body.report.finished).toBe(computeReport(originals, { preset: 'consultancy' }).finished);
    expect((await t.api('/api/results?source=bogus')).status).toBe(400);
    expect((await t.api('/api/results?source=rejudge')).status).toBe(400);
    expect((await t.api('/api/results?judge=robot')).status).toBe(400);
  });

  it('downloads the selection as judgements.csv and turns.csv', async () => {
    const res = await fetch(`${t.http}/api/results?format=judgements&source=nyu`);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    expect(res.headers.get('content-disposition')).toContain('judgements.csv');
    const rows = parse(await res.text(), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(originals.filter((r) => r.status === 'finished').length);
    const turns = parse(await (await fetch(`${t.http}/api/results?format=turns&source=nyu`)).text(), { columns: true }) as Record<string, string>[];
    expect(turns.length).toBeGreaterThan(rows.length);
  });
});
