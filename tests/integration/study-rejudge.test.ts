/**
 * Stored debates re-judged step by step as study items, through the real server: imported
 * NYU debates selected by source, launched over HTTP, each participant the new judge of
 * replayed debates over a real SDK connection (no original id, no hidden sentence on the
 * wire), never a story twice, a dropout's item refilled, and judgements.csv naming each
 * original (researchers only) recomputed from the stored transcripts.
 */
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgedCorrect, passageText, replay, type TranscriptRecord } from '@arena/shared';
import { convertFile, metadataFile, readMetadata } from '../../server/src/importers/nyu/import.ts';
import { EXAMPLE_SPEC } from '../../server/src/studies/example.ts';
import { parseSpec, type StudySpec } from '../../server/src/studies/spec.ts';
import { framesText, RESEARCHER_TOKEN, startArena, type SeatClient, type TestArena } from '../helpers/arena.ts';
import { nyuData } from '../helpers/requirements.ts';

/** The real dataset, or '' when it is not there (the tests are then left out and named in the summary). */
const DATA = nyuData('study-rejudge: a study over five NYU rooms') ?? '';
// Five debates over three stories: three on "A Pail of Air", one each on two others.
const ROOMS = ['a-pail-of-air-0', 'a-pail-of-air-1', 'a-pail-of-air-3', 'ambition-8', 'pied-piper-of-mars-3'];

let t: TestArena;
const originals = new Map<string, TranscriptRecord>();
const { scenarios: _s, conditions: _c, practice: _p, ...base } = parseSpec(EXAMPLE_SPEC);
const spec = {
  ...base,
  id: 'rejudge-study',
  debates: { ids: [], sources: ['nyu-debate-2023'], packs: [] },
  itemsPerParticipant: 2,
  judgementsPerCell: 1,
  attentionChecks: [],
} as unknown as StudySpec;

type Page = { stage: string; item?: { position: number; total: number; kind: string; status: string; debateId: string; token: string }; end?: { outcome: string; code: string } };
const me = async (token: string) => (await t.api<Page>(`/api/studies/${spec.id}/me`, { token })).body;
const post = async (path: string, token: string, json: unknown = {}) => (await t.api<Page>(`/api/studies/${spec.id}/me/${path}`, { method: 'POST', json, token })).body;
const enter = async (pid: string) => {
  const token = (await t.api(`/api/studies/${spec.id}/enter`, { method: 'POST', json: { PROLIFIC_PID: pid } })).body.token as string;
  await post('consent', token, { agree: true });
  return token;
};

/** Judges the current item to the end of the original's speeches. */
async function judgeAll(token: string): Promise<SeatClient> {
  const page = await me(token);
  const judge = await t.join({ debateId: page.item!.debateId, seat: 'judge', token: page.item!.token });
  for (;;) {
    await judge.until((c) => c.views.length > 0 && (c.view.status === 'finished' || c.view.legal.some((l) => l.type === 'judge')), 'the judge turn or the verdict', 20_000);
    if (judge.view.status === 'finished') break;
    const legal = judge.view.legal.find((l) => l.type === 'judge')!;
    await judge.act({ type: 'judge', probabilities: [0.3, 0.7], end: legal.type === 'judge' && !legal.canContinue });
    expect(judge.refusals).toHaveLength(0);
  }
  for (let i = 0; i < 50 && (await me(token)).item?.status !== 'done' && (await me(token)).stage === 'items'; i++) await new Promise((r) => setTimeout(r, 50));
  return judge;
}

/** (speech round, seat, speech) of every speech, sorted: within a round, simultaneous speeches may come in either order. */
function speechesOf(record: TranscriptRecord): string[] {
  const out: string[] = [];
  let round = 0;
  replay(record.header, record.events, (state, e) => {
    if (e.action.type === 'speech') out.push(JSON.stringify([round, e.seat, e.action]));
    round = state.speechRounds;
  });
  return out.sort();
}

beforeAll(async () => {
  if (!DATA) return;
  t = await startArena({ env: { ARENA_STUDY_SWEEP_SECONDS: '3600' } });
  const metadata = await readMetadata(metadataFile(DATA));
  for (const name of ROOMS) {
    const r = await convertFile(join(DATA, 'debates', 'official', `${name}.json`), metadata);
    if ('error' in r) throw new Error(r.error);
    originals.set(r.room.record.header.id, r.room.record);
    await t.store.saveTranscript(r.room.record, 'public');
  }
});
afterAll(() => t?.close());

describe.runIf(DATA)('a study of stored debates re-judged step by step', () => {
  it('refuses a missing or unre-judgeable original by its field', async () => {
    const bad = await t.api('/api/studies', { method: 'POST', json: { spec: { ...spec, id: 'bad-rejudge', debates: { ids: ['no-such-debate'] } } }, token: RESEARCHER_TOKEN });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/debates\.ids\.0: no stored debate "no-such-debate"/);
    const none = await t.api('/api/studies', { method: 'POST', json: { spec: { ...spec, id: 'bad-rejudge', debates: { sources: ['nowhere'] } } }, token: RESEARCHER_TOKEN });
    expect(none.status).toBe(400);
    expect(none.body.error).toMatch(/debates: no stored debate/);
  });

  it('gives each participant re-judgings of different stories, refills a dropout, and exports the originals', async () => {
    expect((await t.api(`/api/debates/nyu-ambition-8/transcript?seat=full`)).status).toBe(200);
    const launched = await t.api('/api/studies', { method: 'POST', json: { spec }, token: RESEARCHER_TOKEN });
    expect(launched.body.error ?? launched.status).toBe(201);
    expect(launched.body).toMatchObject({ slots: 5, originals: 5 });
    // Launching made the originals private: to anyone but researchers they do not exist.
    for (const id of originals.keys()) {
      expect((await t.api(`/api/debates/${id}/transcript?seat=full`)).status).toBe(404);
      expect((await t.api(`/api/debates/${id}/transcript?seat=full`, { token: RESEARCHER_TOKEN })).status).toBe(200);
    }

    // Participant A judges both items to the end of the original's speeches.
    const a = await enter('PANEL-R1');
    let page = await post('start', a);
    expect(page.item).toMatchObject({ position: 1, total: 2, kind: 'item' });
    const storiesOf = new Map<string, string[]>();
    for (let k = 0; k < 2; k++) {
      const debateId = page.item!.debateId;
      const judge = await judgeAll(a);
      const stored = (await t.store.getTranscript(debateId))!;
      const originalId = stored.header.meta!['rejudgeOf'] as string;
      const original = originals.get(originalId)!;
      expect((stored.header.meta!['study'] as { rejudgeOf: string }).rejudgeOf).toBe(originalId);
      expect(stored.status).toBe('finished');
      expect(replay(stored.header, stored.events).verdict).toEqual(stored.verdict);
      const heard = replay(stored.header, stored.events).speechRounds;
      expect(heard).toBeGreaterThan(0);
      expect(speechesOf(stored)).toEqual(speechesOf(original).filter((s) => (JSON.parse(s) as [number])[0] < heard));
      // On the wire: the judge's view only, neither the original's id nor an unquoted sentence of the story.
      const bytes = framesText(judge.frames());
      expect(bytes).not.toContain(originalId);
      // Whatever the participant asks the API, neither their item's full transcript nor the original opens.
      expect((await t.api(`/api/debates/${debateId}/transcript?seat=full`)).status).toBe(404);
      expect((await t.api(`/api/debates/${originalId}/transcript?seat=full`)).status).toBe(404);
      const said = judge.view.rounds.flatMap((r) => r.speeches.flatMap((s) => s.segments.map((g) => ('text' in g ? g.text : '')))).join(' ');
      const hidden = passageText(original.header.scenario).split(/(?<=[.!?])\s+|\n+/).map((s) => s.trim()).filter((s) => s.length >= 40 && !said.includes(s));
      expect(hidden.length).toBeGreaterThan(10);
      for (const s of hidden) expect(bytes).not.toContain(s);
      storiesOf.set('A', [...(storiesOf.get('A') ?? []), original.header.scenario.title]);
      page = await post('next', a);
    }
    expect(page.end).toMatchObject({ outcome: 'completed' });
    expect(new Set(storiesOf.get('A')).size).toBe(2);
    // This study recruits no debaters: the debater link is refused with a clear error.
    const debater = await t.api(`/api/studies/${spec.id}/enter`, { method: 'POST', json: { PROLIFIC_PID: 'PANEL-RD', role: 'debater' } });
    expect(debater.status).toBe(400);
    expect(debater.body.error).toMatch(/recruits no debaters/);

    // Participant B starts an item and drops out; its slot goes back and C takes it up.
    const b = await enter('PANEL-R2');
    page = await post('start', b);
    const handedBack = page.item!.total;
    const abandoned = (await t.store.getTranscript(page.item!.debateId))!.header.meta!['rejudgeOf'] as string;
    expect(await t.arena.services.studies.sweep(Date.now() + 301_000)).toBe(1);
    expect((await me(b)).end).toMatchObject({ outcome: 'timedOut' });
    const takers: string[] = [];
    // Later arrivals take up what is left (one "A Pail of Air" debate each at most) until every slot is done.
    for (const pid of ['PANEL-R3', 'PANEL-R4', 'PANEL-R5', 'PANEL-R6']) {
      if ((await t.api(`/api/studies/${spec.id}/progress`, { token: RESEARCHER_TOKEN })).body.plan.open === 0) break;
      const token = await enter(pid);
      page = await post('start', token);
      const titles: string[] = [];
      while (page.stage === 'items') {
        const debateId = page.item!.debateId;
        await judgeAll(token);
        const stored = (await t.store.getTranscript(debateId))!;
        takers.push(stored.header.meta!['rejudgeOf'] as string);
        titles.push(stored.header.scenario.title);
        page = await post('next', token);
      }
      // Nobody re-judges the same story twice (the three "A Pail of Air" debates share one).
      expect(new Set(titles).size).toBe(titles.length);
    }
    expect(takers).toContain(abandoned);
    const progress = (await t.api(`/api/studies/${spec.id}/progress`, { token: RESEARCHER_TOKEN })).body;
    // Every planned slot is done; a last arrival who found one slot left got a full queue with a top-up beyond the plan.
    expect(progress.plan).toMatchObject({ planned: 5, open: 0, assigned: 0 });
    expect(progress.plan.done).toBe(progress.plan.slots);
    for (const c of progress.cells as { done: number; planned: number }[]) expect(c.done).toBeGreaterThanOrEqual(c.planned);
    // Each of B's slots was drawn again.
    expect(progress.refills).toBe(handedBack);
    expect(progress.cells.map((c: { cell: string }) => c.cell).sort()).toEqual([...originals.keys()].map((id) => `${id}|rejudge`).sort());

    // judgements.csv: one row per finished re-judging, naming its original; recomputed from the transcripts.
    const csv = parseCsv((await t.api(`/api/studies/${spec.id}/export/judgements.csv`, { token: RESEARCHER_TOKEN })).body as string, { columns: true }) as Record<string, string>[];
    const jsonl = ((await t.api(`/api/studies/${spec.id}/export/transcripts.jsonl`, { token: RESEARCHER_TOKEN })).body as string).trim().split('\n').map((l) => JSON.parse(l) as TranscriptRecord);
    const finished = jsonl.filter((r) => r.status === 'finished');
    // One row per done slot: the five planned and any top-up.
    expect(finished).toHaveLength(progress.plan.done);
    expect(csv).toHaveLength(progress.plan.done);
    for (const r of finished) {
      const row = csv.find((x) => x.debate_id === r.header.id)!;
      const c = r.verdict!.correctIndex;
      expect(row).toMatchObject({ study: spec.id, condition: 'rejudge', rejudge_of: r.header.meta!['rejudgeOf'], source: 'rejudge', scenario_id: originals.get(r.header.meta!['rejudgeOf'] as string)!.header.scenario.id });
      expect(row.correct).toBe(judgedCorrect(r.verdict!.probabilities, c) ? 'TRUE' : 'FALSE');
      expect(Number(row.p_correct_final)).toBeCloseTo(r.verdict!.probabilities[c]!, 9);
    }
    expect(new Set(csv.map((r) => r.rejudge_of))).toEqual(new Set(originals.keys()));
    expect((await t.api(`/api/studies/${spec.id}/export/judgements.csv`)).status).toBe(401);
  });
});
