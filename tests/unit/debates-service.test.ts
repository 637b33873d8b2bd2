import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scenario } from '@arena/shared';
import type { Credentials, Principal } from '../../server/src/access/principal.ts';
import { agentCatalog } from '../../server/src/agent-catalog.ts';
import { DebatesService } from '../../server/src/debates/service.ts';
import { loadScenarioPacks } from '../../server/src/scenarios/load.ts';
import { LocalOwnership } from '../../server/src/sessions/ownership.ts';
import { Sessions } from '../../server/src/sessions/sessions.ts';
import { openStore } from '../../server/src/store/open.ts';
import type { Store } from '../../server/src/store/store.ts';

const RESEARCHER_TOKEN = 'researcher-token-0123456789';
const RESEARCHER: Principal = { kind: 'researcher' };
const ANONYMOUS: Principal = { kind: 'anonymous' };
const asResearcher: Credentials = { bearer: RESEARCHER_TOKEN };

let store: Store;
let sessions: Sessions;
let scenarios: Map<string, Scenario>;

/** A service over an in-memory store and this process's sessions; the lobby on or off, with a private pack "mnist". */
function service(publicLobby = true, hidden: Map<string, string> = new Map()): DebatesService {
  const agents = agentCatalog({ config: undefined, transcripts: (id) => store.getTranscript(id) });
  const packs = [...new Set([...scenarios.values()].map((s) => s.pack!))].map((id) => ({ id, title: id, private: id === 'mnist' })) as never;
  return new DebatesService({
    store,
    cancel: (id, reason) => sessions.cancel(id, reason),
    creating: { store, scenarios, agentCapabilities: (id) => agents.capabilities(id), makeAgent: (id, seed) => agents.make(id, seed), onCreated: (id) => sessions.created(id) },
    agents,
    lobby: { publicLobby, packs },
    researcherToken: RESEARCHER_TOKEN,
    shield: async () => hidden,
  });
}

beforeAll(async () => {
  store = await openStore({});
  scenarios = new Map((await loadScenarioPacks('scenarios')).scenarios.map((s) => [s.id, s]));
  const agents = agentCatalog({ config: undefined });
  sessions = new Sessions({ store, makeAgent: (id, seed) => agents.make(id, seed), agentTurnMs: 5000, waitingMs: 600_000, log: () => {} });
  await sessions.start(new LocalOwnership('test'), () => {});
});
afterAll(async () => {
  await sessions.close();
  await store.close();
});

const SCENARIO = 'the-lantern-room';
const digit = () => [...scenarios.values()].find((s) => s.pack === 'mnist')!.id;
const code = (r: { ok: boolean; code?: string }) => (r.ok ? 'ok' : r.code);

describe('the debates service refuses with a typed code', () => {
  it('creation: a closed lobby, a hidden or unknown scenario, what only researchers ask, seats that cannot be played', async () => {
    const debates = service();
    const before = await store.countDebates({});
    expect(debates.mayCreate(ANONYMOUS).ok).toBe(true);
    expect(code(service(false).mayCreate(ANONYMOUS))).toBe('forbidden');
    expect(code(await service(false).create(ANONYMOUS, { scenarioId: SCENARIO, preset: 'debate' }))).toBe('forbidden');
    expect(code(await debates.create(ANONYMOUS, { scenarioId: digit(), preset: 'pixels' }))).toBe('not-found');
    expect(code(await debates.create(RESEARCHER, { scenarioId: 'no-such-scenario', preset: 'debate' }))).toBe('not-found');
    expect(code(await debates.create(ANONYMOUS, { scenarioId: SCENARIO, preset: 'debate', seed: 'chosen' }))).toBe('forbidden');
    expect(code(await debates.create(ANONYMOUS, { scenarioId: SCENARIO, preset: 'debate', visibility: 'private' }))).toBe('forbidden');
    expect(code(await debates.create(RESEARCHER, { scenarioId: SCENARIO, preset: 'debate', seats: { A: { kind: 'agent' } } }))).toBe('invalid');
    expect(code(await debates.create(RESEARCHER, { scenarioId: SCENARIO, preset: 'debate', seats: { A: { kind: 'agent', agent: 'nobody' } } }))).toBe('invalid');
    expect(code(await debates.create(RESEARCHER, { scenarioId: SCENARIO, preset: 'debate', seats: { A: { kind: 'agent', agent: 'builtin:passage-judge' } } }))).toBe('unprocessable');
    expect(code(await debates.create(RESEARCHER, { scenarioId: digit(), preset: 'pixels', seats: { A: { kind: 'agent', agent: 'builtin:pixel-debater@20001' } } }))).toBe('invalid');
    expect(await store.countDebates({})).toBe(before);
  });

  it('reading: a private debate does not exist to strangers; seats and the full record as the policy says; reading writes nothing', async () => {
    const debates = service();
    const made = await debates.create(RESEARCHER, { scenarioId: SCENARIO, preset: 'debate' });
    if (!made.ok) throw new Error(made.reason);
    const id = made.value.id;
    const seatA: Credentials = { bearer: made.value.seats.A!.token };
    expect(code(await debates.summary({}, id))).toBe('not-found');
    expect(code(await debates.view({ bearer: 'not-a-token' }, id, 'judge'))).toBe('not-found');
    expect(code(await debates.summary(asResearcher, 'no-such-debate'))).toBe('not-found');
    expect(code(await debates.summary(seatA, id))).toBe('ok');
    expect(code(await debates.view(seatA, id, 'A'))).toBe('ok');
    expect(code(await debates.view(seatA, id, 'B'))).toBe('forbidden');
    expect(code(await debates.view(seatA, id, 'full'))).toBe('invalid');
    expect(code(await debates.view(asResearcher, id, 'C' as never))).toBe('not-found');
    expect(code(await debates.transcript(seatA, id, 'A'))).toBe('ok');
    expect(code(await debates.transcript(seatA, id, 'full'))).toBe('forbidden');
    expect(code(await debates.transcript(asResearcher, id, 'full'))).toBe('ok');
    const strangers = await debates.list(ANONYMOUS, {});
    expect(strangers.ok && strangers.value.debates.some((d) => d.id === id)).toBe(false);
    const listed = await debates.list(RESEARCHER, {});
    expect(listed.ok && listed.value.debates.some((d) => d.id === id)).toBe(true);
    const summary = await store.summary(id);
    const events = (await store.getTranscript(id))!.events.length;
    for (let i = 0; i < 3; i++) await debates.summary(seatA, id);
    expect(await store.summary(id)).toEqual(summary);
    expect((await store.getTranscript(id))!.events.length).toBe(events);
  });

  it('cancel: researchers only, a known debate, once', async () => {
    const debates = service();
    const made = await debates.create(ANONYMOUS, { scenarioId: SCENARIO, preset: 'debate' });
    if (!made.ok) throw new Error(made.reason);
    const id = made.value.id;
    expect(code(debates.mayCancel(ANONYMOUS, { tokenInQuery: true }))).toBe('unauthenticated');
    expect(code(await debates.cancel(ANONYMOUS, id, 'no'))).toBe('unauthenticated');
    expect(code(await debates.cancel(RESEARCHER, 'no-such-debate', 'no'))).toBe('not-found');
    const cancelled = await debates.cancel(RESEARCHER, id, 'a test');
    expect(cancelled.ok && cancelled.value?.status).toBe('ended');
    expect(code(await debates.cancel(RESEARCHER, id, 'again'))).toBe('conflict');
  });
});

describe('a running study\'s items, outside the study', () => {
  it('are neither listed, shown nor played by anyone but researchers, the seats of a debate made before the study included', async () => {
    const open = service();
    const before = await open.create(ANONYMOUS, { scenarioId: 'the-quiet-relay', preset: 'debate' });
    expect(before.ok).toBe(true);
    const id = before.ok ? before.value.id : '';
    const A = before.ok ? before.value.seats.A!.token! : '';
    // The study launches with that scenario among its items.
    const shielded = service(true, new Map([['the-quiet-relay', 'study-1']]));
    const made = await shielded.create(ANONYMOUS, { scenarioId: 'the-quiet-relay', preset: 'debate' });
    expect(code(made)).toBe('forbidden');
    expect(!made.ok && made.reason).toMatch(/cannot be started now: its scenario is an item of a study that is running/);
    const listed = await shielded.list(ANONYMOUS, { limit: 1000, offset: 0 });
    expect(listed.ok && listed.value.debates.map((d) => d.id)).not.toContain(id);
    expect(code(await shielded.summary({}, id))).toBe('not-found');
    expect(code(await shielded.transcript({}, id, 'judge'))).toBe('not-found');
    // A researcher sees it; a seat link of it does not open it (links collected before a study would open its items).
    const all = await shielded.list(RESEARCHER, { limit: 1000, offset: 0 });
    expect(all.ok && all.value.debates.map((d) => d.id)).toContain(id);
    expect(code(await shielded.summary(asResearcher, id))).toBe('ok');
    expect(code(await shielded.view({ bearer: A }, id, 'A'))).toBe('not-found');
    expect(code(await open.view({ bearer: A }, id, 'A'))).toBe('ok');
    expect(code(await shielded.create(RESEARCHER, { scenarioId: 'the-quiet-relay', preset: 'debate' }))).toBe('ok');
    // Other scenarios are untouched.
    expect(code(await shielded.create(ANONYMOUS, { scenarioId: SCENARIO, preset: 'debate' }))).toBe('ok');
  });
});
