/**
 * Re-judging imported NYU debates in batch with the built-in judge, through the engine:
 * the new transcripts replay, point at their originals, carry exactly the original
 * speeches in the same speech rounds; an empty original speech forfeits; a re-run
 * skips what is done; the report's original vs re-judged numbers match the stored data.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay, type DebateEvent, type TranscriptRecord } from '@arena/shared';
import { convertFile, metadataFile, readMetadata } from '../../server/src/importers/nyu/import.ts';
import { NYU_SOURCE } from '../../server/src/importers/nyu/convert.ts';
import { rejudgeId, rejudgeOf, rejudgeRules, REJUDGE_SOURCE } from '../../server/src/rejudge/header.ts';
import { compareRejudged, formatRejudgeComparison } from '../../server/src/rejudge/report.ts';
import { runRejudgeBatch } from '../../server/src/rejudge/run.ts';
import { rejudgedOf } from '../../server/src/cli/report.ts';
import { openStore } from '../../server/src/store/open.ts';
import type { Store } from '../../server/src/store/store.ts';
import { agentCatalog } from '../../server/src/agent-catalog.ts';

const agents = agentCatalog();
import { nyuData } from '../helpers/requirements.ts';

/** The real dataset, or '' when it is not there (the tests are then left out and named in the summary). */
const DATA = nyuData('rejudge-batch: re-judging seven NYU rooms') ?? '';
const ROOMS = ['a-pail-of-air-0', 'a-pail-of-air-1', 'a-pail-of-air-3', 'ambition-8', 'pied-piper-of-mars-3', 'atom-mystery-young-atom-detective-4', 'atom-mystery-young-atom-detective-6'];
const JUDGE = 'builtin:passage-judge';

let store: Store;
const originals = new Map<string, TranscriptRecord>();

/** (speech round ordinal, seat, action) of every speech, from a replay. */
function speechesOf(record: TranscriptRecord): { round: number; seat: string; action: DebateEvent['action'] }[] {
  const out: { round: number; seat: string; action: DebateEvent['action'] }[] = [];
  let round = 0;
  replay(record.header, record.events, (state, e) => {
    if (e.action.type === 'speech') out.push({ round, seat: e.seat, action: e.action });
    round = state.speechRounds;
  });
  return out;
}

beforeAll(async () => {
  if (!DATA) return;
  store = await openStore({});
  const metadata = await readMetadata(metadataFile(DATA));
  for (const name of ROOMS) {
    const r = await convertFile(join(DATA, 'debates', 'official', `${name}.json`), metadata);
    if ('error' in r) throw new Error(r.error);
    originals.set(r.room.record.header.id, r.room.record);
    await store.saveTranscript(r.room.record, 'public');
  }
  // A native-looking original whose second speech of seat A was never given (forfeited).
  const base = originals.get('nyu-a-pail-of-air-0')!;
  const idx = base.events.findIndex((e, i) => i > 3 && e.seat === 'A' && e.action.type === 'speech');
  const events = base.events.map((e, i) => (i === idx ? { ...e, seat: 'system' as const, action: { type: 'forfeit' as const, seat: 'A' as const, reason: 'left' } } : e));
  const forfeited = { ...base, header: { ...base.header, id: 'forfeit-original', source: { name: 'test' } }, events } as TranscriptRecord;
  const state = replay(forfeited.header, forfeited.events);
  forfeited.verdict = state.verdict;
  originals.set('forfeit-original', forfeited);
  await store.saveTranscript(forfeited, 'public');
});
afterAll(() => store?.close());

describe.runIf(DATA)('arena rejudge (batch, built-in judge)', () => {
  it('re-judges every selected original, replays, and carries exactly the original speeches', async () => {
    const first = await runRejudgeBatch({ agents, store, source: NYU_SOURCE, judge: JUDGE, limit: 3, concurrency: 2 });
    expect(first).toMatchObject({ played: 3, failed: 0, skipped: 0 });
    const second = await runRejudgeBatch({ agents, store, source: NYU_SOURCE, judge: JUDGE });
    // Resumable: the three done before are skipped, the rest are played.
    expect(second).toMatchObject({ selected: ROOMS.length, skipped: 3, played: ROOMS.length - 3, failed: 0 });
    const third = await runRejudgeBatch({ agents, store, source: NYU_SOURCE, judge: JUDGE });
    expect(third).toMatchObject({ skipped: ROOMS.length, played: 0 });

    for (const [id, original] of originals) {
      if (id === 'forfeit-original') continue;
      const rj = (await store.getTranscript(rejudgeId(id, JUDGE, 'r1')))!;
      expect(rj).not.toBeNull();
      expect(rejudgeOf(rj)).toBe(id);
      expect(rj.header.source).toEqual({ name: REJUDGE_SOURCE, id });
      expect(rj.header.assignment).toEqual(original.header.assignment);
      expect(rj.header.scenario).toEqual(original.header.scenario);
      const origState = replay(original.header, original.events);
      expect(rj.header.rules.maxSpeechRounds).toBe(origState.speechRounds);
      expect(rj.header.seats.judge).toEqual({ kind: 'agent', agent: JUDGE });
      // Replays to the stored verdict.
      const state = replay(rj.header, rj.events);
      expect(rj.status).toBe('finished');
      expect(state.verdict).toEqual(rj.verdict);
      // The same speeches in the same speech rounds: those of the rounds the new judge heard.
      const heard = state.speechRounds;
      const expected = speechesOf(original).filter((s) => s.round < heard);
      const got = speechesOf(rj);
      expect(got.map((s) => [s.round, s.seat, s.action]).sort()).toEqual(expected.map((s) => [s.round, s.seat, s.action]).sort());
      expect(rj.events.some((e) => e.action.type === 'forfeit')).toBe(false);
    }
    // The judgeless room (offline judging in the data) got judge turns around its speeches.
    const judgeless = (await store.getTranscript(rejudgeId('nyu-a-pail-of-air-1', JUDGE, 'r1')))!;
    expect(originals.get('nyu-a-pail-of-air-1')!.header.rules.opening).not.toContain('judge');
    expect(judgeless.header.rules.opening[0]).toBe('judge');
    expect(judgeless.header.meta?.['rejudge']).toMatchObject({ judgeRoundsAdded: true, judge: JUDGE });
  });

  it('an original speech that was empty makes the replay agent fail and the seat forfeit', async () => {
    const summary = await runRejudgeBatch({ agents, store, ids: ['forfeit-original'], judge: JUDGE });
    expect(summary).toMatchObject({ played: 1, failed: 0 });
    const rj = (await store.getTranscript(rejudgeId('forfeit-original', JUDGE, 'r1')))!;
    const state = replay(rj.header, rj.events);
    expect(state.verdict).toEqual(rj.verdict);
    // The built-in judge hears both speech rounds; A's second speech is the missing one.
    expect(state.speechRounds).toBe(2);
    const forfeits = rj.events.filter((e) => e.action.type === 'forfeit');
    expect(forfeits).toHaveLength(1);
    expect(forfeits[0]!.action).toMatchObject({ seat: 'A' });
    expect(String(forfeits[0]!.meta?.['failure'])).toMatch(/no speech in speech round 2/);
    const round = state.rounds.filter((r) => r.kind !== 'judge')[1]!;
    expect(round.speeches.find((s) => s.seat === 'A')).toMatchObject({ timedOut: true, chars: 0 });
    expect(round.speeches.find((s) => s.seat === 'B')!.chars).toBeGreaterThan(0);
  });

  it('refuses unknown ids and unknown judges before any work', async () => {
    await expect(runRejudgeBatch({ agents, store, ids: ['no-such-debate'] })).rejects.toThrow(/no such original/);
    await expect(runRejudgeBatch({ agents, store, ids: ['nyu-ambition-8'], judge: 'no-such-judge' })).rejects.toThrow(/unknown agent/);
  });

  it('the report recomputes original vs re-judged accuracy from the stored transcripts', async () => {
    const selection: TranscriptRecord[] = [];
    for await (const r of store.transcripts({ source: NYU_SOURCE })) selection.push(r);
    const comparison = (await rejudgedOf(store, selection))!;
    // By hand: finished originals with a finished re-judging.
    let n = 0;
    let orig = 0;
    let re = 0;
    for (const o of selection) {
      if (o.status !== 'finished' || !o.verdict) continue;
      const rj = (await store.getTranscript(rejudgeId(o.header.id, JUDGE, 'r1')))!;
      if (rj.status !== 'finished' || !rj.verdict) continue;
      n++;
      orig += o.verdict.correct ? 1 : 0;
      re += rj.verdict.correct ? 1 : 0;
    }
    expect(n).toBeGreaterThanOrEqual(3);
    expect(comparison.originals).toBe(n);
    const row = comparison.rows.find((r) => r.judge === JUDGE)!;
    expect(row.n).toBe(n);
    expect(row.rejudges).toBe(n);
    expect(row.originalAccuracy).toBeCloseTo(orig / n, 12);
    expect(row.rejudgedAccuracy).toBeCloseTo(re / n, 12);
    expect(row.difference.difference).toBeCloseTo((re - orig) / n, 12);
    expect(row.difference.low).toBeLessThanOrEqual(row.difference.difference);
    expect(row.difference.high).toBeGreaterThanOrEqual(row.difference.difference);
    expect(formatRejudgeComparison(comparison)).toContain(`| ${JUDGE} | ${n} | ${n} |`);
    // Several re-judgings of one original count once, with their mean.
    const o = selection.find((r) => r.verdict)!;
    const fake = (correct: boolean, id: string): TranscriptRecord =>
      ({ header: { ...o.header, id, meta: { rejudgeOf: o.header.id, rejudge: { judge: 'x' } } }, events: [], status: 'finished', verdict: { ...o.verdict!, correct } }) as TranscriptRecord;
    const c2 = compareRejudged([o], [fake(true, 'f1'), fake(false, 'f2')], { resamples: 100 });
    expect(c2.rows[0]).toMatchObject({ judge: 'x', n: 1, rejudges: 2, rejudgedAccuracy: 0.5, originalAccuracy: o.verdict!.correct ? 1 : 0 });
  });

  it('rules end where the original speeches ran out', () => {
    const rules = originals.get('nyu-a-pail-of-air-0')!.header.rules;
    expect(rejudgeRules(rules, 2).rules).toMatchObject({ maxSpeechRounds: 2, minSpeechRoundsBeforeEnd: 1, opening: rules.opening, repeating: rules.repeating });
    expect(rejudgeRules({ ...rules, opening: ['simultaneous'], repeating: ['sequential'] }, 3)).toMatchObject({
      rules: { opening: ['judge', 'simultaneous', 'judge'], repeating: ['sequential', 'judge'], maxSpeechRounds: 3 },
      judgeRoundsAdded: true,
    });
  });
});
