/**
 * A participant who tries every public way to the answers of their study's items, during a
 * study whose items come from the public pack (launched with publicItems: allow): the
 * lobby's scenarios, the debates list, replays, results, exports, and a new debate on an item.
 * Every answer comes from the routes, which ask the access policy's study decision
 * (access/study.ts) through the debates service, the lobby and the results.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_SPEC } from '../../server/src/studies/example.ts';
import { parseSpec, type StudySpec } from '../../server/src/studies/spec.ts';
import { RESEARCHER_TOKEN, startArena, type TestArena } from '../helpers/arena.ts';

let t: TestArena;
const base = parseSpec(EXAMPLE_SPEC);
const ITEMS = ['the-lantern-room', 'log-of-the-petrel', 'the-quiet-relay'];
const spec: StudySpec = {
  ...base,
  id: 'adversary-study',
  scenarios: { packs: [], ids: ITEMS },
  conditions: base.conditions.map((c) => (c.preset === 'blind' ? c : { ...c, rules: { maxSpeechRounds: 1 } })),
  itemsPerParticipant: 3,
  judgementsPerCell: 1,
  practice: [],
};

beforeAll(async () => {
  t = await startArena({ env: { ARENA_STUDY_SWEEP_SECONDS: '3600' } });
});
afterAll(async () => t?.close());

describe('a participant looking for their items’ answers', () => {
  it('finds none of them by any public way while the study runs', async () => {
    // A public debate on an item, played before the study.
    const before = await t.createDebate({ scenarioId: ITEMS[0], preset: 'debate', visibility: 'public', seats: { A: { kind: 'agent', agent: 'builtin:passage-debater' }, B: { kind: 'agent', agent: 'builtin:passage-debater' } } });
    // A lobby game on an item with people in every seat, made before the study: its seat links are collected, to be used while it runs.
    const collected = await t.createDebate({ scenarioId: ITEMS[1], preset: 'debate' }, null);
    const seatA = collected.seats.A!.token!;
    expect((await t.api(`/api/debates/${collected.id}/view?seat=A`, { token: seatA })).status).toBe(200);
    const launched = await t.api('/api/studies', { method: 'POST', json: { spec }, token: RESEARCHER_TOKEN });
    expect(launched.status).toBe(201);
    expect(launched.body.warnings.length).toBeGreaterThan(0);

    const token = (await t.api(`/api/studies/${spec.id}/enter`, { method: 'POST', json: { pid: 'PANEL-ADV' } })).body.token as string;
    await t.api(`/api/studies/${spec.id}/me/consent`, { method: 'POST', json: { agree: true }, token });
    const page = (await t.api(`/api/studies/${spec.id}/me/start`, { method: 'POST', json: {}, token })).body;
    const itemDebate = page.item.debateId as string;
    const scenarioId = (await t.store.getTranscript(itemDebate))!.header.scenario.id;
    expect(ITEMS).toContain(scenarioId);
    for (const as of [undefined, token]) {
      const auth = as ? { token: as } : {};
      // The lobby's scenarios: none of the study's.
      const scenarios = (await t.api('/api/scenarios', auth)).body.scenarios as { id: string }[];
      expect(scenarios.length).toBeGreaterThan(0);
      expect(scenarios.map((s) => s.id).filter((id) => ITEMS.includes(id))).toEqual([]);
      // The debates list: neither the study's debates nor the public one played on an item before it.
      const listed = (await t.api('/api/debates?limit=500', auth)).body.debates as { id: string; scenarioId: string }[];
      expect(listed.map((d) => d.id)).not.toContain(itemDebate);
      expect(listed.map((d) => d.id)).not.toContain(before.id);
      expect(listed.filter((d) => ITEMS.includes(d.scenarioId))).toEqual([]);
      // Their own item's full transcript, or its replay, and the public debate on an item: not found.
      expect((await t.api(`/api/debates/${itemDebate}/transcript?seat=full`, auth)).status).toBe(404);
      expect((await t.api(`/api/debates/${itemDebate}`, auth)).status).toBe(404);
      expect((await t.api(`/api/debates/${before.id}`, auth)).status).toBe(404);
      expect((await t.api(`/api/debates/${before.id}/transcript?seat=full`, auth)).status).toBe(404);
      expect((await t.api(`/api/debates/${before.id}/view?seat=judge`, auth)).status).toBe(404);
      // Results over the items: nothing for anyone but researchers.
      for (const query of ['provenance=study&format=judgements', 'format=judgements']) {
        const results = (await t.api(`/api/results?${query}`, auth)).body as string;
        expect(results).not.toContain(itemDebate);
        expect(results).not.toContain(before.id);
      }
      // The study's exports need the researcher token.
      for (const file of ['judgements.csv', 'transcripts.jsonl', 'spec.json']) expect((await t.api(`/api/studies/${spec.id}/export/${file}`, auth)).status).toBe(401);
      // A new lobby debate on an item: refused with a reason.
      const created = await t.api('/api/debates', { method: 'POST', json: { scenarioId: ITEMS[1], preset: 'debate' }, ...auth });
      expect(created.status).toBe(403);
      expect(created.body.error).toMatch(/cannot be started now: its scenario is an item of a study that is running/);
    }
    // The seat links made before the study open nothing of it while it runs: not its debater's view (the passage, the answer), not the room.
    for (const path of [`/api/debates/${collected.id}/view?seat=A`, `/api/debates/${collected.id}/transcript?seat=A`, `/api/debates/${collected.id}`]) {
      const r = await t.api(path, { token: seatA });
      expect(r.status, path).toBe(404);
      expect(JSON.stringify(r.body), path).toMatch(/its scenario is an item of a study that is running/);
    }
    for (const seat of ['A', 'observer'] as const) {
      const refused = await t.joinRefusal({ debateId: collected.id, seat, token: seatA });
      expect(refused?.code, seat).toBe('no-such-debate');
      expect(refused?.message).toMatch(/its scenario is an item of a study that is running/);
    }
    // The researcher still sees everything.
    expect((await t.api(`/api/debates/${before.id}`, { token: RESEARCHER_TOKEN })).status).toBe(200);
    expect(((await t.api('/api/scenarios', { token: RESEARCHER_TOKEN })).body.scenarios as { id: string }[]).map((s) => s.id)).toEqual(expect.arrayContaining(ITEMS));
    // Once the study closes, its items are back.
    expect((await t.api(`/api/studies/${spec.id}/close`, { method: 'POST', json: {}, token: RESEARCHER_TOKEN })).status).toBe(200);
    expect(((await t.api('/api/scenarios')).body.scenarios as { id: string }[]).map((s) => s.id)).toEqual(expect.arrayContaining(ITEMS));
    expect((await t.api(`/api/debates/${before.id}`)).status).toBe(200);
    expect((await t.api(`/api/debates/${collected.id}/view?seat=A`, { token: seatA })).status).toBe(200);
    const back = await t.join({ debateId: collected.id, seat: 'A', token: seatA });
    await back.until((c) => c.views.length > 0, 'seat A view after the study closed');
  });
});
