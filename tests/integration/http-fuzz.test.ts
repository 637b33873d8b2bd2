/**
 * Random HTTP requests against a real server: every answer is a 2xx or a 4xx with a JSON
 * error (never a 5xx, never a hang), the server stays up, and a refused request changes
 * nothing (the debates stored are exactly those whose creation was answered 201).
 *
 * Seeded: ARENA_FUZZ_SEED (default fixed) and ARENA_FUZZ_REQUESTS (default 12,000) for
 * longer runs, e.g. `ARENA_FUZZ_REQUESTS=200000 npx vitest run tests/integration/http-fuzz.test.ts`.
 * A failure prints the seed and the shrunk request batch that broke the property.
 */
import fc from 'fast-check';
import { PROTOCOL_VERSION } from '@arena/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESEARCHER_TOKEN, startArena, type TestArena } from '../helpers/arena.ts';
import { freshSchema, postgresFor } from '../helpers/services.ts';
import { EXAMPLE_SPEC } from '../../server/src/studies/example.ts';
import { parseSpec } from '../../server/src/studies/spec.ts';

const SEED = Number(process.env.ARENA_FUZZ_SEED ?? 20_261_130);
const REQUESTS = Number(process.env.ARENA_FUZZ_REQUESTS ?? 12_000);
const BATCH = 12;
/** Generous: 12,000 requests take about 10 s on a quiet 2-core machine. */
const BUDGET_MS = Math.max(300_000, REQUESTS * 25);

/** The store the server runs on: the embedded database, and a real Postgres (a NUL in an id reaches it differently). */
const pgMissing = await postgresFor('the HTTP fuzz test on Postgres');
const STORES = [
  { name: 'embedded', requests: REQUESTS, schema: null as null | (() => Promise<{ url: string; drop(): Promise<void> }>) },
  ...(pgMissing ? [] : [{ name: 'postgres', requests: Math.ceil(REQUESTS / 3), schema: () => freshSchema(`arena_fuzz_${process.pid}_${Date.now()}`) }]),
];

let t: TestArena;
let known: { debate: string; seatToken: string; study: string };

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

// Text a client could send: ordinary words, control characters, NUL, lone surrogates, emoji, long runs.
const nasty = fc.oneof(
  fc.constantFrom('', 'the-lantern-room', 'debate', 'blind', 'pixels', 'A', 'judge', 'full', 'observer', 'arena', 'nyu', 'lobby', '0', '-1', '1e309', 'NaN', 'null', '[]', '{}'),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('\u0000', 'a\u0000b', '\uD800', 'x\uDC00', '\uD83D\uDE00', '\u202E', '../../etc/passwd', "'; DROP TABLE debates; --", '%', '%zz', 'x'.repeat(5000)),
);

/** A path segment or query value as it appears on the wire: percent-encoded, raw junk, or broken escapes. */
const onWire = fc.oneof(
  nasty.map((s) => {
    try {
      return encodeURIComponent(s);
    } catch {
      return '%ED%A0%80'; // a lone surrogate cannot be encoded: send its would-be bytes
    }
  }),
  fc.constantFrom('%00', '%ED%A0%80', '%E0%A4%A', '%', '%C0%AF', '%FF%FE', '..%2F..%2F', 'a%20b'),
);

const idSegment = fc.oneof(fc.constant('KNOWN'), onWire);
const queryKey = fc.constantFrom('seat', 'pack', 'preset', 'source', 'since', 'until', 'limit', 'offset', 'status', 'provenance', 'token', 'seat[]', '__proto__', 'x');
const query = fc
  .array(fc.tuple(queryKey, fc.oneof(onWire, fc.constantFrom('judge', 'A', 'full', 'observer', '5', '2026-01-01', 'finished', 'lobby'))), { maxLength: 4 })
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : ''));

const studySegment = fc.oneof(fc.constant('STUDY'), onWire);
const path = fc.oneof(
  fc.constantFrom('/api/health', '/api/scenarios', '/api/presets', '/api/debates', '/api/results', '/api/export.jsonl', '/api/schema/transcript.json', '/api/rejudge', '/api/studies', '/api/agents', '/api/agents/keys'),
  idSegment.map((id) => `/api/debates/${id}`),
  fc.tuple(idSegment, fc.constantFrom('view', 'transcript', 'rejudges', 'nothing')).map(([id, tail]) => `/api/debates/${id}/${tail}`),
  onWire.map((s) => `/api/${s}`),
  // The study routes (a participant's, a researcher's; not the event stream, which stays open by design) and the agent keys', with ids of every kind.
  fc.tuple(studySegment, fc.constantFrom('enter', 'me', 'me/seen', 'me/consent', 'me/next', 'progress', 'ticket', 'pause', 'close', 'export/judgements.csv', 'bonuses/paid')).map(([id, tail]) => `/api/studies/${id}/${tail}`),
  fc.tuple(studySegment, onWire).map(([id, p]) => `/api/studies/${id}/participants/${p}`),
  onWire.map((id) => `/api/agents/keys/${id}`),
);

const json = fc.jsonValue({ maxDepth: 4 });
const seatConfig = fc.record({
  kind: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('human', 'agent') }, { weight: 1, arbitrary: nasty }),
  agent: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(undefined, 'builtin:random', 'builtin:passage-debater', 'builtin:passage-judge', 'builtin:pixel-debater@5', 'builtin:pixel-debater@999999', 'replay:x', 'nobody') },
    { weight: 1, arbitrary: nasty },
  ),
  open: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(undefined, true, false) }, { weight: 1, arbitrary: json }),
});
/** Absent, valid, or anything: most bodies are close enough to valid to reach the deeper checks. */
const field = <T,>(valid: fc.Arbitrary<T>, junk: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 4, arbitrary: valid }, { weight: 1, arbitrary: junk });
const createBody = fc.record({
  scenarioId: fc.oneof({ weight: 8, arbitrary: fc.constant('the-lantern-room') }, { weight: 1, arbitrary: nasty }),
  preset: field(fc.constantFrom('debate', 'consultancy', 'blind', 'pixels'), nasty),
  rules: field(
    fc.dictionary(fc.constantFrom('speechSeconds', 'judgeSeconds', 'speechChars', 'maxSpeechRounds', 'preset'), fc.oneof(fc.integer({ min: 0, max: 3000 }), json), { maxKeys: 2 }),
    json,
  ),
  seats: field(fc.dictionary(fc.constantFrom('A', 'B', 'C', 'judge', 'observer', 'E'), seatConfig, { maxKeys: 2 }), json),
  seed: field(fc.constantFrom('s1', 'a chosen seed'), fc.oneof(nasty, json)),
  meta: field(fc.dictionary(fc.constantFrom('experiment', 'condition'), fc.string({ maxLength: 10 }), { maxKeys: 2 }), fc.oneof(fc.dictionary(nasty, json, { maxKeys: 3 }), json)),
});
const rejudgeBody = fc.record(
  { debateId: fc.oneof(fc.constant('KNOWN'), nasty), count: fc.oneof(fc.integer({ min: -2, max: 200 }), json), judge: fc.oneof(fc.constant({ kind: 'human' }), json) },
  { requiredKeys: [] },
);
const deep = fc.integer({ min: 10, max: 30_000 }).map((n) => `{"meta":${'['.repeat(n)}${']'.repeat(n)}}`);
const body = fc.oneof(
  { weight: 4, arbitrary: createBody.map((b) => JSON.stringify(b)) },
  { weight: 1, arbitrary: rejudgeBody.map((b) => JSON.stringify(b)) },
  { weight: 1, arbitrary: json.map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: fc.constantFrom('', '{', '{"scenarioId":', 'null', '"x"', '{"scenarioId":"the-lantern-room","seed":"\\u0000"}', '{"scenarioId":"the-lantern-room","meta":{"k":"\\ud800"}}') },
);

const anyRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    method: fc.constantFrom('GET', 'GET', 'GET', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
    path: fc.tuple(path, query).map(([p, q]) => p + q),
    auth: fc.constantFrom('none', 'none', 'researcher', 'seat', 'junk', 'query'),
    contentType: fc.constantFrom('application/json', 'application/json', 'application/json; charset=utf-16', 'text/plain', 'application/x-www-form-urlencoded', 'none'),
    body: fc.option(body, { nil: undefined }),
  })
  .map(({ method, path, auth, contentType, body }) => {
    const headers: Record<string, string> = {};
    if (auth === 'researcher') headers.authorization = `Bearer ${RESEARCHER_TOKEN}`;
    if (auth === 'seat') headers.authorization = 'Bearer SEAT';
    if (auth === 'junk') headers.authorization = 'Basic Zm9vOmJhcg==';
    if (auth === 'query') path += `${path.includes('?') ? '&' : '?'}token=${RESEARCHER_TOKEN}`;
    if (contentType !== 'none') headers['content-type'] = contentType;
    const hasBody = body !== undefined && method !== 'GET' && method !== 'HEAD';
    return { method, path, headers, ...(hasBody ? { body } : {}) };
  });

/** Creations, anonymous or not: the requests that can change what is stored. */
const createRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({ body: createBody, researcher: fc.boolean() })
  .map(({ body, researcher }) => ({
    method: 'POST',
    path: '/api/debates',
    headers: { 'content-type': 'application/json', ...(researcher ? { authorization: `Bearer ${RESEARCHER_TOKEN}` } : {}) },
    body: JSON.stringify(body),
  }));

/** What a Colyseus client sends before its WebSocket: join options for the debate room. */
const joinOptions = fc.record({
  debateId: fc.oneof({ weight: 4, arbitrary: fc.constant('KNOWN') }, { weight: 1, arbitrary: fc.constant('nope') }, { weight: 2, arbitrary: nasty }),
  seat: field(fc.constantFrom('A', 'B', 'judge', 'observer'), nasty),
  token: field(fc.constantFrom('SEAT', 'wrong'), nasty),
  name: field(fc.string({ maxLength: 20 }), nasty),
  protocol: field(fc.constant(PROTOCOL_VERSION), json),
});
// Mostly JSON, as the SDK sends; also the types a form or a fuzzer sends (a malformed multipart body was a 500).
const matchmakeType = fc.constantFrom('application/json', 'application/json', 'application/json', 'multipart/form-data; boundary=zz', 'multipart/form-data', 'application/x-www-form-urlencoded', 'text/plain');
const matchmakeRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({ b: fc.oneof({ weight: 4, arbitrary: joinOptions.map((o) => JSON.stringify(o)) }, { weight: 1, arbitrary: body }), type: matchmakeType })
  .map(({ b, type }) => ({ method: 'POST', path: '/matchmake/joinOrCreate/debate', headers: { 'content-type': type }, body: b }));

const request = fc.oneof({ weight: 12, arbitrary: anyRequest }, { weight: 4, arbitrary: createRequest }, { weight: 1, arbitrary: matchmakeRequest });

interface Outcome {
  status: number;
  created: number;
}

/** Sends one request and checks its answer; returns how many debates it says it created. */
async function send(r: FuzzRequest): Promise<Outcome> {
  const fill = (s: string) => s.replaceAll('KNOWN', known.debate).replaceAll('SEAT', known.seatToken).replaceAll('STUDY', known.study);
  const init: RequestInit = { method: r.method, headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, fill(v)])), signal: AbortSignal.timeout(10_000) };
  if (r.body !== undefined) init.body = fill(r.body);
  let res: Response;
  let text: string;
  try {
    res = await fetch(`${t.http}${fill(r.path)}`, init);
    text = await res.text();
  } catch (err) {
    throw new Error(`no answer (${(err as Error).name}): ${r.method} ${r.path} ${r.body?.slice(0, 200) ?? ''}`);
  }
  const what = `${r.method} ${r.path} → ${res.status} ${text.slice(0, 200)}`;
  if (res.status >= 500 || res.status < 200 || (res.status >= 300 && res.status < 400)) throw new Error(`unexpected status: ${what}`);
  if (res.status >= 400 && r.method !== 'HEAD') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`a refusal without a JSON body: ${what}`);
    }
    const error = (parsed as { error?: unknown }).error;
    if (typeof error !== 'string' || !error) throw new Error(`a refusal without an error message: ${what}`);
    if (/try again/i.test(error) && res.status !== 429) throw new Error(`a refusal a retry cannot fix says "try again": ${what}`);
  }
  if (r.method === 'POST' && res.status === 201) {
    const out = JSON.parse(text) as { debates?: unknown[]; id?: string };
    return { status: res.status, created: out.debates ? out.debates.length : 1 };
  }
  return { status: res.status, created: 0 };
}

describe.each(STORES)('HTTP fuzzing on the $name store', ({ name, requests: REQUESTS, schema }) => {
  let dropSchema: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const pg = schema ? await schema() : null;
    dropSchema = pg?.drop;
    t = await startArena({ env: { ARENA_LOBBY_CREATE_LIMIT: '50' }, ...(pg ? { store: { databaseUrl: pg.url } } : {}) });
    const created = await t.createDebate({ scenarioId: 'the-lantern-room', preset: 'debate' });
    // A launched study, so that study links reach a real study (entry, consent, the participant's page).
    const spec = { ...parseSpec(EXAMPLE_SPEC), id: `fuzz-${name}` };
    const launched = await t.api('/api/studies', { method: 'POST', json: { spec }, token: RESEARCHER_TOKEN });
    if (launched.status !== 201) throw new Error(`launching the study failed: ${launched.status} ${JSON.stringify(launched.body)}`);
    known = { debate: created.id, seatToken: created.seats.A!.token!, study: spec.id };
  });
  afterAll(async () => {
    await t.close();
    await dropSchema?.();
  });

  it(`answers random requests with 2xx or 4xx, stays up, and refusals change nothing (${name})`, async () => {
    const count = async () => (await t.store.listDebates({ limit: 1_000_000, offset: 0 })).length;
    const before = await count();
    let sent = 0;
    let created = 0;
    const statuses = new Map<number, number>();
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const outcomes = await Promise.all(batch.map(send));
        sent += batch.length;
        for (const o of outcomes) {
          created += o.created;
          statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
        }
      }),
      // Shrinking a failure replays batches against the live server; it is bounded in time like the run.
      { seed: SEED, numRuns: Math.ceil(REQUESTS / BATCH), interruptAfterTimeLimit: BUDGET_MS, markInterruptAsFailure: true },
    );
    const seconds = (performance.now() - started) / 1000;
    const health = await fetch(`${t.http}/api/health`);
    expect(health.status).toBe(200);
    expect(await count()).toBe(before + created);
    const byStatus = [...statuses.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`).join(', ');
    console.log(`HTTP fuzz (${name}): ${sent.toLocaleString('en')} requests in ${seconds.toFixed(1)} s (seed ${SEED}); ${byStatus}; ${created} debates created`);
    expect(sent).toBeGreaterThanOrEqual(REQUESTS);
  }, BUDGET_MS + 60_000);
});
