/**
 * The access table: every way into a debate (joining each seat, every HTTP endpoint
 * about it, the exports, the report, re-judging) walked for a public and a private
 * debate, unfinished and finished, as an anonymous caller, with each seat's token, with
 * another debate's token and with the researcher token, against the real server and
 * real SDK clients. The expected table (tests/helpers/access-table.ts) is the one the
 * README documents: a test renders it and finds it, character for character, in README.md.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DebateView, Seat } from '@arena/shared';
import { ACCESS_TABLE, PRINCIPALS, renderAccessTable, stateless, type Principal, type Row } from '../helpers/access-table.ts';
import { RESEARCHER_TOKEN, startArena, type CreatedDebate, type TestArena } from '../helpers/arena.ts';

let t: TestArena;
let other: CreatedDebate;
const debates: { name: string; visibility: 'public' | 'private'; finished: boolean; created: CreatedDebate }[] = [];

const RULES = { minSpeechRoundsBeforeEnd: 1 };

/** Seats everyone, plays the judge's prior (the debate is running), and, when `finish`, the openings and a final judgement. */
async function play(created: CreatedDebate, finish: boolean): Promise<void> {
  const token = (seat: string) => created.seats[seat]!.token!;
  const judge = await t.join({ debateId: created.id, seat: 'judge', token: token('judge') });
  const a = await t.join({ debateId: created.id, seat: 'A', token: token('A') });
  const b = await t.join({ debateId: created.id, seat: 'B', token: token('B') });
  const judgement = (v: DebateView, end: boolean) => ({ type: 'judge', probabilities: v.answers.map(() => 1 / v.answers.length), end });
  await judge.myTurn();
  await judge.act(judgement(judge.view, false));
  if (finish) {
    await a.myTurn();
    await a.act({ type: 'speech', text: 'A opens.' });
    await b.act({ type: 'speech', text: 'B opens.' });
    await judge.until((c) => c.view.legal.length > 0 && c.view.speechRounds === 1, 'the judge after the openings');
    await judge.act(judgement(judge.view, true));
    await judge.until((c) => c.view.status === 'finished', 'the verdict');
  }
  for (const c of [judge, a, b]) await c.leave();
}

async function create(visibility: 'public' | 'private', finished: boolean): Promise<void> {
  const body = { scenarioId: 'the-lantern-room', preset: 'debate', rules: RULES };
  // Short rules need the researcher token; the visibility is asked for explicitly (a lobby game is public too).
  const res = await t.api<CreatedDebate>('/api/debates', { method: 'POST', json: { ...body, visibility }, token: RESEARCHER_TOKEN });
  expect(res.status).toBe(201);
  expect((res.body as unknown as { visibility: string }).visibility).toBe(visibility);
  await play(res.body, finished);
  debates.push({ name: `${visibility}, ${finished ? 'finished' : 'unfinished'}`, visibility, finished, created: res.body });
}

beforeAll(async () => {
  // This test presents hundreds of refused tokens from one address on purpose (every caller at every way in),
  // which the per-address throttle of token failures would otherwise slow to a crawl.
  t = await startArena({ env: { ARENA_TOKEN_FAILURES_PER_MINUTE: '1000000' } });
  other = await t.createDebate({ scenarioId: 'the-lantern-room', preset: 'debate' });
  for (const visibility of ['public', 'private'] as const) for (const finished of [false, true]) await create(visibility, finished);
}, 60_000);
afterAll(() => t.close());

/** The token a principal presents to one debate (undefined: none). */
function tokenOf(p: Principal, created: CreatedDebate): string | undefined {
  switch (p) {
    case 'anonymous':
      return undefined;
    case "seat A's token":
      return created.seats.A!.token;
    case "seat B's token":
      return created.seats.B!.token;
    case "the judge's token":
      return created.seats.judge!.token;
    case "another debate's token":
      return other.seats.judge!.token;
    case 'the researcher token':
      return RESEARCHER_TOKEN;
  }
}

async function joinOutcome(debateId: string, seat: Seat, token: string | undefined): Promise<string> {
  try {
    const refusal = await t.joinRefusal({ debateId, seat, ...(token ? { token } : {}) });
    return refusal?.code ?? 'untyped refusal';
  } catch {
    return 'joins';
  }
}

/** What one principal gets through every way in to one debate. */
async function walk(d: (typeof debates)[number], p: Principal): Promise<Record<string, string>> {
  const { id } = d.created;
  const token = tokenOf(p, d.created);
  const get = async (path: string) => (await t.api(path, token ? { token } : {})).status;
  const out: Record<string, string> = {};
  out['join seat A'] = await joinOutcome(id, 'A', token);
  out['join seat B'] = await joinOutcome(id, 'B', token);
  out['join the judge seat'] = await joinOutcome(id, 'judge', token);
  out['join as observer'] = await joinOutcome(id, 'observer', token);
  const list = await t.api<{ debates: { id: string }[] }>('/api/debates?limit=1000', token ? { token } : {});
  out['GET /api/debates'] = list.body.debates.some((x) => x.id === id) ? 'listed' : 'unlisted';
  out['GET /api/debates/:id'] = String(await get(`/api/debates/${id}`));
  for (const seat of ['A', 'judge', 'observer']) out[`GET …/view?seat=${seat}`] = String(await get(`/api/debates/${id}/view?seat=${seat}`));
  for (const seat of ['A', 'judge']) out[`GET …/transcript?seat=${seat}`] = String(await get(`/api/debates/${id}/transcript?seat=${seat}`));
  out[`GET …/transcript?seat=full, ${d.finished ? 'finished' : 'unfinished'}`] = String(await get(`/api/debates/${id}/transcript?seat=full`));
  const exported = await t.api<string>('/api/export.jsonl', token ? { token } : {});
  out['GET /api/export.jsonl'] = exported.status === 200 ? (String(exported.body).includes(`"id":"${id}"`) ? 'included' : 'missing') : String(exported.status);
  if (d.finished) {
    const csv = await fetch(`${t.http}/api/results?format=judgements`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    out['GET /api/results, finished'] = (await csv.text()).includes(id) ? 'counted' : 'not counted';
  }
  out['GET …/rejudges'] = String(await get(`/api/debates/${id}/rejudges`));
  if (d.finished) {
    const res = await t.api('/api/rejudge', { method: 'POST', json: { debateId: id, judge: { kind: 'agent', agent: 'builtin:passage-judge' } }, ...(token ? { token } : {}) });
    out['POST /api/rejudge, finished'] = String(res.status);
  }
  return out;
}

describe('the access table', () => {
  it('every way in, for every caller, for a public and a private debate, is as the table says', async () => {
    // observed[row][principal][visibility] = outcomes over the debates of that visibility.
    const observed = new Map<string, Map<Principal, { public: Set<string>; private: Set<string> }>>();
    for (const d of debates) {
      for (const p of PRINCIPALS) {
        for (const [name, outcome] of Object.entries(await walk(d, p))) {
          if (!observed.has(name)) observed.set(name, new Map());
          const byP = observed.get(name)!;
          if (!byP.has(p)) byP.set(p, { public: new Set(), private: new Set() });
          byP.get(p)![d.visibility].add(outcome);
        }
      }
    }
    const table: Record<string, Row> = {};
    for (const [name, byP] of observed) {
      table[name] = Object.fromEntries(
        PRINCIPALS.map((p) => {
          const o = byP.get(p)!;
          // A stateless row must give one outcome whether the debate is finished or not.
          if (stateless(name)) expect([o.public.size, o.private.size], `${name} / ${p}: ${[...o.public]} · ${[...o.private]}`).toEqual([1, 1]);
          const pub = [...o.public].join(' or ');
          const priv = [...o.private].join(' or ');
          return [p, pub === priv ? pub : `${pub} · ${priv}`];
        }),
      ) as Row;
    }
    expect(table).toEqual(ACCESS_TABLE);
  }, 120_000);

  it('is the table the README documents', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(renderAccessTable(ACCESS_TABLE));
  });
});

describe('what an allowed caller receives', () => {
  it('the full view comes from the engine: every speech, the evidence and the answer; step views carry no deadlines', async () => {
    const d = debates.find((x) => x.visibility === 'private' && !x.finished)!;
    const full = await t.api(`/api/debates/${d.created.id}/transcript?seat=full`, { token: RESEARCHER_TOKEN });
    expect(full.status).toBe(200);
    expect(full.body.header.id).toBe(d.created.id);
    const steps = await t.api<{ steps: DebateView[] }>(`/api/debates/${d.created.id}/transcript?seat=A`, { token: d.created.seats.A!.token! });
    expect(steps.body.steps.length).toBeGreaterThan(0);
    expect(steps.body.steps.every((s) => s.legal.length === 0 && (s.turn === null || s.turn.deadline === null))).toBe(true);
    // The live view keeps its deadline: the debaters are on the clock.
    const live = await t.api<DebateView>(`/api/debates/${d.created.id}/view?seat=A`, { token: d.created.seats.A!.token! });
    expect(live.body.turn?.deadline).toEqual(expect.any(Number));
  });

  it("a private debate's summary shows its seats no last-change time while it runs; researchers see it", async () => {
    const d = debates.find((x) => x.visibility === 'private' && !x.finished)!;
    const asSeat = await t.api(`/api/debates/${d.created.id}`, { token: d.created.seats.judge!.token! });
    expect(asSeat.body.updatedAt).toBeNull();
    const asResearcher = await t.api(`/api/debates/${d.created.id}`, { token: RESEARCHER_TOKEN });
    expect(asResearcher.body.updatedAt).toEqual(expect.any(Number));
  });
});
