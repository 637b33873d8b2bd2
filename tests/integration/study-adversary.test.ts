/**
 * A participant who tries every public way to the answers of their study's items, during a
 * study whose items come from the public pack (launched with publicItems: allow): the
 * lobby's scenarios, the debates list, replays, results, exports, and a new debate on an item.
 * Where a route applies the access policy's study decision (access/study.ts) the test asks
 * the route; for the routes that do not call it yet (the scenario list, the debates list and
 * lobby creation) it checks that the decision hides what they would show.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creationHidden, debateHidden, scenarioHidden } from '../../server/src/access/study.ts';
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
    const launched = await t.api('/api/studies', { method: 'POST', json: { spec }, token: RESEARCHER_TOKEN });
    expect(launched.status).toBe(201);
    expect(launched.body.warnings.length).toBeGreaterThan(0);

    const token = (await t.api(`/api/studies/${spec.id}/enter`, { method: 'POST', json: { pid: 'PANEL-ADV' } })).body.token as string;
    await t.api(`/api/studies/${spec.id}/me/consent`, { method: 'POST', json: { agree: true }, token });
    const page = (await t.api(`/api/studies/${spec.id}/me/start`, { method: 'POST', json: {}, token })).body;
    const itemDebate = page.item.debateId as string;
    const scenarioId = (await t.store.getTranscript(itemDebate))!.header.scenario.id;
    expect(ITEMS).toContain(scenarioId);
    const shield = await t.arena.services.studies.shield();
    const outsider = { researcher: false };

    for (const as of [undefined, token]) {
      const auth = as ? { token: as } : {};
      // The lobby's scenarios: none of the study's, once the route applies the decision.
      const scenarios = (await t.api('/api/scenarios', auth)).body.scenarios as { id: string }[];
      expect(scenarios.filter((s) => scenarioHidden(shield, outsider, s.id) === null).map((s) => s.id)).not.toContain(scenarioId);
      // The debates list: no study debate; no public debate on an item once the route applies the decision.
      const listed = (await t.api('/api/debates?limit=500', auth)).body.debates as { id: string; scenarioId: string }[];
      expect(listed.map((d) => d.id)).not.toContain(itemDebate);
      expect(listed.filter((d) => debateHidden(shield, outsider, d) === null).some((d) => ITEMS.includes(d.scenarioId))).toBe(false);
      expect(debateHidden(shield, outsider, { scenarioId: ITEMS[0]!, studyId: undefined })).not.toBeNull();
      // Their own item's full transcript, or its replay: not found.
      expect((await t.api(`/api/debates/${itemDebate}/transcript?seat=full`, auth)).status).toBe(404);
      expect((await t.api(`/api/debates/${itemDebate}`, auth)).status).toBe(404);
      // Results over study debates: nothing for anyone but researchers.
      const results = (await t.api('/api/results?provenance=study&format=judgements', auth)).body as string;
      expect(results).not.toContain(itemDebate);
      // The study's exports need the researcher token.
      for (const file of ['judgements.csv', 'transcripts.jsonl', 'spec.json']) expect((await t.api(`/api/studies/${spec.id}/export/${file}`, auth)).status).toBe(401);
      // A new lobby debate on the item: refused with a reason, once the route applies the decision.
      expect(creationHidden(shield, outsider, scenarioId)).toMatch(/cannot be started now/);
    }
    // The debate played before the study is hidden too; the researcher still sees everything.
    expect(debateHidden(shield, outsider, { scenarioId: ITEMS[0]! })).not.toBeNull();
    expect(debateHidden(shield, { researcher: true }, { scenarioId: ITEMS[0]! })).toBeNull();
    expect(before.id).toBeTruthy();
  });
});
