/**
 * Recruited human debaters through the real server: debaters arrive by the debater link
 * and wait in the lobby; a judge reaching an item with human debater seats is seated with
 * them (real SDK clients in every seat); a judge nobody comes for is given another item
 * after the lobby time; a debater who drops out mid-debate sends the judge back to the
 * lobby and another debater takes the seat; a verdict the study missed (its process died)
 * is recorded on the page's next heartbeat; a debater may leave the lobby.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TranscriptRecord } from '@arena/shared';
import { EXAMPLE_SPEC } from '../../server/src/studies/example.ts';
import { parseSpec, type StudySpec } from '../../server/src/studies/spec.ts';
import { framesText, RESEARCHER_TOKEN, startArena, type SeatClient, type TestArena } from '../helpers/arena.ts';

let t: TestArena;
const base = parseSpec(EXAMPLE_SPEC);
const rules = { maxSpeechRounds: 1, minSpeechRoundsBeforeEnd: 1 };
const spec: StudySpec = {
  ...base,
  id: 'human-debaters',
  scenarios: { packs: [], ids: ['the-lantern-room', 'log-of-the-petrel', 'the-quiet-relay'] },
  conditions: [
    { name: 'people', preset: 'debate', rules, debaters: 'human' },
    { name: 'machines', preset: 'debate', rules, debaters: 'builtin:passage-debater' },
  ],
  itemsPerParticipant: 2,
  judgementsPerCell: 1,
  practice: [],
  attentionChecks: [],
  humanDebaters: { lobbySeconds: 60, debaterWaitSeconds: 600, debatesPerDebater: 1, instructions: '## Debaters\nArgue for your side.' },
};

type Page = {
  stage: string;
  role?: string;
  instructionsHtml?: string;
  item?: { position: number; total: number; kind: string; status: string; debateId: string | null; token: string; seat: string };
  lobby?: { waitingSince: number | null; canLeave: boolean };
  end?: { outcome: string; code: string };
};
const me = async (token: string) => (await t.api<Page>(`/api/studies/${spec.id}/me`, { token })).body;
const post = async (path: string, token: string, json: unknown = {}) => (await t.api<Page>(`/api/studies/${spec.id}/me/${path}`, { method: 'POST', json, token })).body;
const enter = async (pid: string, role?: string) => (await t.api(`/api/studies/${spec.id}/enter`, { method: 'POST', json: { PROLIFIC_PID: pid, ...(role ? { role } : {}) } })).body.token as string;
const progress = async () => (await t.api(`/api/studies/${spec.id}/progress`, { token: RESEARCHER_TOKEN })).body;

/** Arrives, consents and reads the instructions. */
async function arrive(pid: string, role?: string): Promise<{ token: string; page: Page }> {
  const token = await enter(pid, role);
  const consented = await post('consent', token, { agree: true });
  if (role === 'debater') expect(consented.instructionsHtml).toContain('<h2>Debaters</h2>');
  return { token, page: await post('start', token) };
}

/** Plays a debate to its verdict with SDK clients in the judge's and the debaters' seats. */
async function play(judge: SeatClient, debaters: SeatClient[]): Promise<void> {
  for (let step = 0; step < 40; step++) {
    await judge.until((c) => c.views.length > 0 && (c.view.status === 'finished' || c.view.legal.length > 0 || debaters.some((d) => d.views.length > 0 && d.view.legal.length > 0)), 'someone to move', 20_000);
    if (judge.view.status === 'finished') return;
    if (judge.view.legal.some((l) => l.type === 'judge')) {
      const canEnd = judge.view.legal.some((l) => l.type === 'judge' && l.canEnd);
      await judge.act({ type: 'judge', probabilities: judge.view.answers.map((_, i) => (i === 0 ? 0.8 : 0.2 / (judge.view.answers.length - 1))), end: canEnd });
      continue;
    }
    for (const d of debaters) if (d.view.legal.some((l) => l.type === 'speech')) await d.act({ type: 'speech', text: `Seat ${d.view.seat} argues its case from the passage.` });
  }
  throw new Error(`the debate did not finish: ${JSON.stringify(judge.refusals.slice(-2))} ${judge.view.status} ${JSON.stringify(judge.view.legal)}`);
}

beforeAll(async () => {
  t = await startArena({ env: { ARENA_STUDY_SWEEP_SECONDS: '3600' } });
  const launched = await t.api('/api/studies', { method: 'POST', json: { spec }, token: RESEARCHER_TOKEN });
  expect(launched.body.error ?? launched.status).toBe(201);
  expect(launched.body.debaterLink).toBe(`${launched.body.link}&role=debater`);
});
afterAll(() => t?.close());

describe('a study with recruited human debaters', () => {
  it('seats waiting debaters with a judge, never a passage twice, and gives a judge nobody came for another item', async () => {
    // Two debaters wait in the lobby.
    const d1 = await arrive('PANEL-D1', 'debater');
    expect(d1.page).toMatchObject({ stage: 'lobby', role: 'debater', lobby: { canLeave: true } });
    const d2 = await arrive('PANEL-D2', 'debater');
    expect(d2.page.stage).toBe('lobby');

    // A judge: their item with people debating is seated at once, the other played by agents.
    const j1 = await arrive('PANEL-J1');
    let page = j1.page;
    const seen: string[] = [];
    while (page.stage === 'items') {
      expect(page.item!.debateId).toBeTruthy();
      const record = (await t.store.getTranscript(page.item!.debateId!))!;
      seen.push(record.header.scenario.id);
      const judge = await t.join({ debateId: page.item!.debateId!, seat: 'judge', token: page.item!.token });
      const debaters: SeatClient[] = [];
      if (record.header.seats.A?.kind === 'human') {
        const meta = record.header.meta!['study'] as { condition: string; debaters: Record<string, string> };
        expect(meta.condition).toBe('people');
        expect(Object.keys(meta.debaters).sort()).toEqual(['A', 'B']);
        for (const d of [d1, d2]) {
          const dp = await me(d.token);
          expect(dp.item).toMatchObject({ kind: 'debate', debateId: page.item!.debateId, status: 'open' });
          const client = await t.join({ debateId: dp.item!.debateId!, seat: dp.item!.seat as 'A', token: dp.item!.token });
          // A debater reads the passage; the judge never receives it.
          await client.until((c) => c.views.length > 0, 'the debater view');
          expect(client.view.passage?.text.length).toBeGreaterThan(200);
          debaters.push(client);
        }
        await play(judge, debaters);
        const hidden = debaters[0]!.view.passage!.text.split(/\n+/).filter((l) => l.length > 80);
        for (const line of hidden) expect(framesText(judge.frames())).not.toContain(line.slice(0, 80));
      } else {
        await play(judge, []);
      }
      for (let i = 0; i < 50 && (await me(j1.token)).item?.status !== 'done'; i++) await new Promise((r) => setTimeout(r, 50));
      page = await post('next', j1.token);
    }
    expect(page.end?.outcome).toBe('completed');
    expect(new Set(seen).size).toBe(2);
    // One debate each: the debaters are done, with the completed code.
    for (const d of [d1, d2]) expect((await me(d.token)).end).toMatchObject({ outcome: 'completed' });

    // A second judge reaches an item with people debating, and nobody is in the lobby.
    const j2 = await arrive('PANEL-J2');
    page = j2.page;
    if (page.item!.debateId) {
      // Their first item is played by agents: judge it, then the people item comes.
      await play(await t.join({ debateId: page.item!.debateId, seat: 'judge', token: page.item!.token }), []);
      for (let i = 0; i < 50 && (await me(j2.token)).item?.status !== 'done'; i++) await new Promise((r) => setTimeout(r, 50));
      page = await post('next', j2.token);
    }
    expect(page.item).toMatchObject({ debateId: null, status: 'pending' });
    expect(page.lobby?.waitingSince).toBeGreaterThan(0);
    const before = await progress();
    // Past the lobby time the item returns to the pool and the judge gets another (or moves on).
    await t.arena.services.studies.sweep(Date.now() + 61_000);
    page = await me(j2.token);
    const after = await progress();
    expect(after.participants.find((p: { participant: string; flags: string[] }) => p.flags.includes('lobby-timeout'))).toBeTruthy();
    expect(after.plan.open).toBeGreaterThanOrEqual(before.plan.open);
    if (page.stage === 'items') {
      expect(page.lobby).toBeUndefined();
      const record = (await t.store.getTranscript(page.item!.debateId!))!;
      expect((record.header.meta!['study'] as { condition: string }).condition).toBe('machines');
      expect(record.header.seats.A).toMatchObject({ kind: 'agent' });
    } else {
      expect(page.end?.outcome).toBe('completed');
    }
  });

  it('a debater who drops out mid-debate is replaced; a debater may leave the lobby', async () => {
    const d3 = await arrive('PANEL-D3', 'debater');
    const d4 = await arrive('PANEL-D4', 'debater');
    const d5 = await arrive('PANEL-D5', 'debater');
    // A judge whose queue has a people item (every judge gets one of each condition while both are open).
    const j3 = await arrive('PANEL-J3');
    let page = j3.page;
    let record: TranscriptRecord | null = page.item?.debateId ? await t.store.getTranscript(page.item.debateId) : null;
    if (record && record.header.seats.A?.kind !== 'human') {
      await play(await t.join({ debateId: page.item!.debateId!, seat: 'judge', token: page.item!.token }), []);
      for (let i = 0; i < 50 && (await me(j3.token)).item?.status !== 'done'; i++) await new Promise((r) => setTimeout(r, 50));
      page = await post('next', j3.token);
      record = page.item?.debateId ? await t.store.getTranscript(page.item.debateId) : null;
    }
    expect(record?.header.seats.A?.kind).toBe('human');
    const meta = record!.header.meta!['study'] as { debaters: Record<string, string> };
    const seated = Object.values(meta.debaters);
    expect(seated).toHaveLength(2);
    const tokens = { [await pseudonymOf(d3.token)]: d3, [await pseudonymOf(d4.token)]: d4, [await pseudonymOf(d5.token)]: d5 };
    const [left, stays] = seated.map((p) => tokens[p]!);
    const spare = Object.entries(tokens).find(([p]) => !seated.includes(p))![1];
    // The leaving debater's page stops; everyone else keeps asking. The sweep ends them and cancels the debate.
    const firstDebate = record!.header.id;
    for (const who of [stays!, spare, j3]) await me(who.token);
    const ended = await endIdle(left!.token);
    expect(ended).toBeGreaterThanOrEqual(1);
    expect((await me(left!.token)).end).toMatchObject({ outcome: 'timedOut' });
    expect((await t.api(`/api/debates/${firstDebate}`, { token: RESEARCHER_TOKEN })).body.status).toBe('ended');
    // The judge's item is seated again, with the debater who stayed and the spare.
    page = await me(j3.token);
    expect(page.item!.debateId).toBeTruthy();
    expect(page.item!.debateId).not.toBe(firstDebate);
    const again = (await t.store.getTranscript(page.item!.debateId!))!;
    expect(again.header.scenario.id).toBe(record!.header.scenario.id);
    expect(Object.values((again.header.meta!['study'] as { debaters: Record<string, string> }).debaters).sort()).toEqual([await pseudonymOf(stays!.token), await pseudonymOf(spare.token)].sort());

    // The new debate is played. Then, as if the process serving it had died before the study heard
    // the verdict, the study's record is set back: the judge's page's next heartbeat records it from the store.
    const judge3 = await t.join({ debateId: page.item!.debateId!, seat: 'judge', token: page.item!.token });
    const seatedAgain: SeatClient[] = [];
    for (const who of [stays!, spare]) {
      const dp = await me(who.token);
      seatedAgain.push(await t.join({ debateId: dp.item!.debateId!, seat: dp.item!.seat as 'A', token: dp.item!.token }));
    }
    await play(judge3, seatedAgain);
    const studies = t.arena.services.studies;
    const j3p = await studies.participantFor(spec.id, j3.token);
    await expect.poll(async () => (await studies.db.items(spec.id, j3p.participant))[j3p.position]?.status).toBe('done');
    await studies.db.updateItem(spec.id, j3p.participant, j3p.position, { status: 'open', finishedAt: null });
    for (const who of [stays!, spare]) {
      const d = await studies.participantFor(spec.id, who.token);
      const mine = await studies.db.items(spec.id, d.participant);
      await studies.db.updateItem(spec.id, d.participant, mine.length - 1, { status: 'open', finishedAt: null });
      await studies.db.updateParticipant(spec.id, d.participant, { stage: 'items', position: mine.length - 1, outcome: null, finishedAt: null });
    }
    expect((await post('seen', j3.token)).item).toMatchObject({ status: 'done', debateId: again.header.id });
    for (const who of [stays!, spare]) expect((await me(who.token)).end).toMatchObject({ outcome: 'completed' });

    // Another debater leaves the lobby of their own accord, with the no-capacity code (no debate done).
    const d6 = await arrive('PANEL-D6', 'debater');
    expect((await post('leave', d6.token)).end).toMatchObject({ outcome: 'noCapacity' });
    expect((await t.api(`/api/studies/${spec.id}/me/leave`, { method: 'POST', json: {}, token: j3.token })).status).toBe(409);

    // The exports name the recruited debaters by pseudonym, never by panel id.
    const csv = (await t.api(`/api/studies/${spec.id}/export/judgements.csv`, { token: RESEARCHER_TOKEN })).body as string;
    const rows = parseCsv(csv, { columns: true }) as Record<string, string>[];
    const people = rows.filter((r) => r.condition === 'people');
    expect(people.length).toBeGreaterThan(0);
    for (const r of people) expect(r.debater_participants).toMatch(/^A:p-[0-9a-f]{16} B:p-[0-9a-f]{16}$/);
    expect(csv).not.toContain('PANEL-');
  });
});

/** A participant's pseudonym, from the researchers' view of the study. */
async function pseudonymOf(token: string): Promise<string> {
  const p = await t.arena.services.studies.participantFor(spec.id, token);
  return p.participant;
}

/** One participant's page went silent past idleSeconds (the others' pages keep asking), then the sweep runs. */
async function endIdle(idle: string): Promise<number> {
  const studies = t.arena.services.studies;
  const p = await studies.participantFor(spec.id, idle);
  await studies.db.updateParticipant(spec.id, p.participant, { lastSeen: Date.now() - 301_000 });
  return studies.sweepOne(spec.id);
}
