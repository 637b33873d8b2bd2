import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientAction, JOIN_REFUSAL_NUMBERS, JoinOptions, jsonProblem, PROTOCOL_VERSION, textProblem } from '@arena/shared';
import { RESEARCHER_TOKEN, startArena, type TestArena } from '../helpers/arena.ts';

let t: TestArena;
beforeAll(async () => {
  t = await startArena();
});
afterAll(() => t.close());

const NUL = '\u0000';
const LONE = '\uD800';
const debates = async () => (await t.store.listDebates({ limit: 10_000, offset: 0 })).length;

/** A 4xx with a JSON error that does not ask for a retry that cannot help. */
function expectRefusal(res: { status: number; body: any }, status: number | RegExp = /^4\d\d$/) {
  if (typeof status === 'number') expect(res.status, JSON.stringify(res.body)).toBe(status);
  else expect(String(res.status), JSON.stringify(res.body)).toMatch(status);
  expect(typeof res.body?.error).toBe('string');
  expect(res.body.error).not.toMatch(/try again/i);
}

describe('text that no store can hold is refused at the boundary', () => {
  it('NUL or a lone surrogate in any field of a new debate: 400, nothing stored', async () => {
    const before = await debates();
    const bodies = [
      { scenarioId: 'the-lantern-room', seed: `a${NUL}b` },
      { scenarioId: 'the-lantern-room', seed: `a${LONE}b` },
      { scenarioId: 'the-lantern-room', meta: { note: `x${NUL}` } },
      { scenarioId: 'the-lantern-room', meta: { [`k${LONE}`]: 1 } },
      { scenarioId: 'the-lantern-room', meta: { deep: [{ x: `${LONE}` }] } },
      { scenarioId: `the-lantern-room${NUL}` },
      { scenarioId: 'the-lantern-room', seats: { A: { kind: 'agent', agent: `builtin:random${NUL}` } } },
    ];
    for (const json of bodies) expectRefusal(await t.api('/api/debates', { method: 'POST', json, token: RESEARCHER_TOKEN }), 400);
    expect(await debates()).toBe(before);
  });

  it('query parameters and path parameters: 4xx, never 500', async () => {
    const paths = [
      '/api/debates?pack=%00',
      '/api/debates?preset=%00',
      '/api/debates?since=abc',
      '/api/debates?limit=1&limit=2',
      '/api/debates?offset=-1',
      '/api/results?pack=%00',
      '/api/results?source=%00',
      '/api/results?since=%00',
      '/api/results?provenance=nobody',
      '/api/debates/%00',
      '/api/debates/%00/view',
      '/api/debates/%00/transcript?seat=full',
      '/api/debates/%ED%A0%80',
      '/api/debates/%E0%A4%A',
      `/api/debates/${'x'.repeat(400)}`,
      '/api/debates/nope/view?seat=%00',
    ];
    for (const path of paths) expectRefusal(await t.api(path));
    expectRefusal(await t.api('/api/debates/%00/rejudges', { token: RESEARCHER_TOKEN }));
    expectRefusal(await t.api(`/api/export.jsonl?pack=%00`, { token: RESEARCHER_TOKEN }), 400);
    expectRefusal(await t.api('/api/rejudge', { method: 'POST', json: { debateId: `x${NUL}` }, token: RESEARCHER_TOKEN }), 400);
  });
});

describe('the matchmaker refuses options no store can hold', () => {
  it('answers a NUL debate id or options that are not an object with a 400, not a database error', async () => {
    const post = async (body: string) => {
      const res = await fetch(`${t.http}/matchmake/joinOrCreate/debate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      return { status: res.status, body: (await res.json()) as { error: string } };
    };
    for (const body of ['{"debateId":"a\\u0000b","seat":"observer"}', '{"debateId":"\\ud800","seat":"observer"}', 'null', '[1]', '"x"']) {
      const res = await post(body);
      expect(res.status, body).toBe(400);
      expect(res.body.error).toMatch(/malformed join options/);
    }
    // An unknown debate is the typed join refusal no-such-debate, whose number is the status.
    expect((await post(`{"debateId":"nope","seat":"observer","protocol":${PROTOCOL_VERSION}}`)).status).toBe(JOIN_REFUSAL_NUMBERS['no-such-debate']);
  });
});

describe('JSON bodies are bounded in size and depth', () => {
  it('refuses a body nested 20,000 deep, or too large, or not JSON, with a 4xx', async () => {
    const before = await debates();
    // meta nested 20,000 deep (written out: JSON.stringify itself would overflow the stack).
    const deep = `{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    const nested = await t.api('/api/debates', { method: 'POST', body: `{"scenarioId":"the-lantern-room","meta":${deep}}`, headers: { 'content-type': 'application/json' }, token: RESEARCHER_TOKEN });
    expectRefusal(nested, 400);
    expect(nested.body.error).toMatch(/deeper/);
    const arrays = await fetch(`${t.http}/api/debates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '['.repeat(50_000) + ']'.repeat(50_000) });
    expectRefusal({ status: arrays.status, body: await arrays.json() });
    const big = await t.api('/api/debates', { method: 'POST', json: { scenarioId: 'the-lantern-room', rules: { pad: 'x'.repeat(800_000) } }, token: RESEARCHER_TOKEN });
    expectRefusal(big, 413);
    expect(big.body.error).toMatch(/too large/);
    const broken = await fetch(`${t.http}/api/debates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"scenarioId":' });
    expectRefusal({ status: broken.status, body: await broken.json() }, 400);
    expect(await debates()).toBe(before);
  });
});

describe('the wire schemas share the text check', () => {
  it('refuses NUL and lone surrogates in speeches, comments and join options', () => {
    expect(ClientAction.safeParse({ type: 'speech', text: `a${NUL}` }).success).toBe(false);
    expect(ClientAction.safeParse({ type: 'speech', segments: [{ text: `a${LONE}` }] }).success).toBe(false);
    expect(ClientAction.safeParse({ type: 'judge', probabilities: [0.5, 0.5], end: false, comment: `${LONE}x` }).success).toBe(false);
    expect(ClientAction.safeParse({ type: 'speech', text: 'a paired surrogate 😀 is fine' }).success).toBe(true);
    expect(JoinOptions.safeParse({ debateId: `d${NUL}`, seat: 'A' }).success).toBe(false);
    expect(JoinOptions.safeParse({ debateId: 'd', seat: 'A', token: `t${LONE}` }).success).toBe(false);
    expect(JoinOptions.safeParse({ debateId: 'd', seat: 'A', name: `n${NUL}` }).success).toBe(false);
    expect(textProblem('ok 😀')).toBeNull();
    expect(textProblem('\uDC00x')).toMatch(/surrogate/);
  });

  it('checks JSON without recursion, however deep', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(jsonProblem(deep, { depth: 16, nodes: 1_000_000 })).toMatch(/deeper than 16/);
    expect(jsonProblem({ a: [1, 'b', { c: null }] }, { depth: 16, nodes: 100 })).toBeNull();
  });

  it('a NUL in a live speech is a typed refusal that does not say "try again", and the seat plays on', async () => {
    const created = await t.createDebate({ scenarioId: 'the-lantern-room', preset: 'debate' });
    const a = await t.join({ debateId: created.id, seat: 'A', token: created.seats.A!.token!, protocol: PROTOCOL_VERSION });
    await t.join({ debateId: created.id, seat: 'B', token: created.seats.B!.token!, protocol: PROTOCOL_VERSION });
    const judge = await t.join({ debateId: created.id, seat: 'judge', token: created.seats.judge!.token!, protocol: PROTOCOL_VERSION });
    await judge.myTurn();
    await judge.act({ type: 'judge', probabilities: [0.5, 0.5], end: false });
    await a.myTurn();
    await a.act({ type: 'speech', text: `bad${NUL}text` });
    const refusal = a.refusals.at(-1)!;
    expect(refusal.code).toBe('malformed');
    expect(refusal.message).not.toMatch(/try again/i);
    await a.act({ type: 'speech', text: 'A fine opening.' });
    expect(a.view.rounds.at(-1)!.speeches.some((s) => s.seat === 'A')).toBe(true);
  });
});
