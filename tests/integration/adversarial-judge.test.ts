/**
 * An adversarial judge and observer, over many random debates of every preset and
 * evidence kind (the expert judge, who sees the evidence by design, is checked for the
 * opposite: its frames hold the evidence, still never the answer or the seed), against the real server: between their own legal moves they send
 * random and malicious actions out of turn (speeches with quote spans, pixel reveals,
 * judge turns, system actions, malformed payloads, unknown messages), and probe every
 * public HTTP endpoint with and without tokens. Every byte they receive (WebSocket
 * frames and HTTP bodies) is searched for unquoted passage text, unrevealed pixels,
 * the correct answer before the verdict and the seed; the views they receive must be
 * exactly the changes of their own view (no message that only tells when a hidden
 * action happened), and public summaries must not move while their view stands still.
 * Cross-examination debates are among them (the judge sends questions, answers and
 * votes out of turn too), and so are forks: some debates are forks of a stored debate
 * at a random event, whose judge must learn nothing of the parent (its id, its events
 * after the fork point) beyond what the fork's own rules show.
 * ADVERSARIAL_DEBATES sets the number of debates (default 120).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, encodePixels, initialState, passageText, replay, rngFromSeed, viewFor, type DebateView, type Scenario } from '@arena/shared';
import { framesText, RESEARCHER_TOKEN, startArena, type SeatClient, type TestArena } from '../helpers/arena.ts';
import { sentences } from '../helpers/fixtures.ts';

const DEBATES = Number(process.env.ADVERSARIAL_DEBATES ?? 120);
const PARALLEL = 8;

let t: TestArena;
let passages: Scenario[];
let digits: Scenario[];

beforeAll(async () => {
  // This test presents hundreds of refused tokens from one address on purpose (every caller at every way in),
  // which the per-address throttle of token failures would otherwise slow to a crawl.
  t = await startArena({ env: { ARENA_TOKEN_FAILURES_PER_MINUTE: '1000000' } });
  const all = [...t.arena.services.scenarios.values()];
  passages = all.filter((s) => s.evidence.kind === 'passage').slice(0, 4);
  digits = all.filter((s) => s.evidence.kind === 'image').slice(0, 3);
});
afterAll(() => t.close());


/** Every 4-pixel window of the image that holds ink, as hex: none may reach a judge before the verdict, unless revealed. */
function inkedWindows(scenario: Scenario): Map<string, number[]> {
  if (scenario.evidence.kind !== 'image') return new Map();
  const { width, height, pixels } = scenario.evidence;
  const values = decodeImage(width, height, pixels).values;
  const windows = new Map<string, number[]>();
  for (let i = 0; i + 4 <= values.length; i++) {
    const idx = [i, i + 1, i + 2, i + 3];
    if (idx.filter((j) => (values[j] ?? 0) > 0).length >= 3) windows.set(encodePixels(idx.map((j) => values[j] ?? 0)), idx);
  }
  return windows;
}

type Plan = { scenario: Scenario; preset: string; seats: Record<string, unknown> };

function planFor(i: number): Plan {
  const kind = i % 8;
  // Every other pass over the eight kinds alternates the digit protocol and the expert's evidence.
  const odd = Math.floor(i / 8) % 2 === 0;
  if (kind === 4) {
    const scenario = digits[i % digits.length]!;
    return { scenario, preset: odd ? 'pixels' : 'blind', seats: odd ? { A: { kind: 'agent', agent: 'builtin:pixel-debater@4' }, B: { kind: 'agent', agent: 'builtin:pixel-debater@4' } } : {} };
  }
  // The expert judge over a passage or a digit: the judge sees the evidence, by design.
  if (kind === 7) return { scenario: odd ? passages[i % passages.length]! : digits[i % digits.length]!, preset: 'expert', seats: {} };
  const scenario = passages[i % passages.length]!;
  const preset = (['debate', 'consultancy', 'blind', 'debate-cross-exam', '', 'open-consultancy', 'open-debate'] as const)[kind]!;
  const agent = i % 3 === 0 ? 'builtin:random' : 'builtin:passage-debater';
  const debaters = preset === 'blind' ? [] : preset.endsWith('consultancy') ? ['A'] : ['A', 'B', 'C', 'D'].slice(0, scenario.answers.length);
  const seats = Object.fromEntries(debaters.map((seat) => [seat, { kind: 'agent', agent }]));
  return { scenario, preset, seats };
}

/** Malicious or random actions a judge or an observer tries at any time. */
function attacks(rng: () => number, view: DebateView | undefined): unknown[] {
  const n = view?.answers.length ?? 2;
  const span = (): [number, number] => {
    const start = Math.floor(rng() * 900);
    return [start, start + 1 + Math.floor(rng() * 60)];
  };
  return [
    { type: 'speech', segments: [{ quote: span() }] },
    { type: 'speech', segments: [{ text: 'x' }, { quote: span() }, { quote: span() }] },
    { type: 'speech', text: 'I quote <quote>the</quote>' },
    { type: 'speech', segments: [{ reveal: Math.floor(rng() * 784) }] },
    { type: 'choose', answer: Math.floor(rng() * n) },
    { type: 'question', text: 'What did the other debater say?', round: Math.floor(rng() * 4) },
    { type: 'answer', text: 'I quote <quote>the</quote>' },
    { type: 'vote', end: rng() < 0.5 },
    { type: 'resume' },
    { type: 'judge', probabilities: Array.from({ length: n }, () => 1 / n), end: rng() < 0.5 },
    { type: 'judge', probabilities: [2, -1], end: true },
    { type: 'start' },
    { type: 'timeout' },
    { type: 'forfeit', seat: 'A', reason: 'x' },
    { type: 'speech' },
    'not even an object',
  ];
}

/** Every public endpoint about this debate and the lists, with no token, a seat's token as bearer, and as a query parameter. */
function endpoints(id: string): string[] {
  const paths = ['/api/debates', `/api/debates?status=running`, `/api/debates/${id}`, '/api/results', '/api/scenarios', '/api/presets', `/api/debates/${id}/rejudges`, '/api/export.jsonl'];
  for (const seat of ['A', 'B', 'C', 'judge', 'observer', 'full']) {
    paths.push(`/api/debates/${id}/view?seat=${seat}`, `/api/debates/${id}/transcript?seat=${seat}`);
  }
  return paths;
}

interface Received {
  /** HTTP bodies received before the verdict. */
  bytes: string[];
  afterVerdict: string[];
  /** /api/debates/:id bodies, by the status they report. */
  summaries: Map<string, Set<string>>;
}

async function probeHttp(id: string, token: string | undefined, rng: () => number, into: Received): Promise<void> {
  const all = endpoints(id);
  for (let k = 0; k < 3; k++) {
    const path = all[Math.floor(rng() * all.length)]!;
    const variants: (string | undefined)[] = [undefined, token];
    const withQuery = token ? `${path}${path.includes('?') ? '&' : '?'}token=${token}` : path;
    for (const [p, bearer] of [[path, variants[0]], [path, variants[1]], [withQuery, undefined]] as [string, string | undefined][]) {
      const res = await t.api(p, bearer ? { token: bearer } : {});
      const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
      // An answer given once the verdict is in may show everything (a finished public debate's replay).
      const after = (await t.store.summary(id))?.status === 'finished';
      (after ? into.afterVerdict : into.bytes).push(text);
      if (p === `/api/debates/${id}` && res.status === 200) {
        const set = into.summaries.get(res.body.status) ?? new Set<string>();
        set.add(text);
        into.summaries.set(res.body.status, set);
      }
    }
  }
}

/** Plays one debate with an adversarial judge and observer; returns what they received. */
/**
 * Every third debate with debaters is a fork: a private debate with the plan's agents, played
 * to its verdict, is forked at a random event before it with a person's judge seat. The
 * fork's seed is its own (the parent's is just as secret); the parent's id is returned.
 */
async function forkFor(i: number, plan: Plan, seed: string, rng: () => number): Promise<{ id: string; judgeToken: string; parent: string } | null> {
  if (i % 3 !== 1 || Object.keys(plan.seats).length === 0) return null;
  const seats = { ...plan.seats, judge: { kind: 'agent', agent: plan.preset === 'pixels' ? 'builtin:pixel-judge' : 'builtin:random' } };
  const made = await t.api('/api/debates', { method: 'POST', token: RESEARCHER_TOKEN, json: { scenarioId: plan.scenario.id, preset: plan.preset, seats, seed: `${seed}-parent`, visibility: 'private' } });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  const parent: string = made.body.id;
  let record = await t.store.getTranscript(parent);
  for (let k = 0; k < 400 && record?.status !== 'finished'; k++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    record = await t.store.getTranscript(parent);
  }
  expect(record?.status).toBe('finished');
  // Any event but the verdict's (the fork must not be over before it starts).
  const at = Math.floor(rng() * (record!.events.length - 1));
  const res = await t.api(`/api/debates/${parent}/fork`, { method: 'POST', token: RESEARCHER_TOKEN, json: { at, seats: { judge: { kind: 'human' } }, seed } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id, judgeToken: res.body.seats.judge.token, parent };
}

async function adversarialDebate(i: number) {
  const plan = planFor(i);
  const seed = `adv-seed-${i}-${Math.random().toString(36).slice(2)}`;
  const rng = rngFromSeed(`adversary-${i}`);
  const fork = await forkFor(i, plan, seed, rng);
  let id: string;
  let judgeToken: string;
  if (fork) ({ id, judgeToken } = fork);
  else {
    const res = await t.api('/api/debates', { method: 'POST', token: RESEARCHER_TOKEN, json: { scenarioId: plan.scenario.id, preset: plan.preset, seats: plan.seats, seed, visibility: 'public' } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    id = res.body.id;
    judgeToken = res.body.seats.judge.token;
  }
  const received: Received = { bytes: [], afterVerdict: [], summaries: new Map() };
  const judge = await t.join({ debateId: id, seat: 'judge', token: judgeToken });
  // A fork is private: its observer comes with a seat's link (a stranger is refused: not-public).
  if (fork) expect((await t.joinRefusal({ debateId: id, seat: 'observer' }))?.code).toBe('not-public');
  const observer = await t.join({ debateId: id, seat: 'observer', ...(fork ? { token: judgeToken } : {}) });
  let syncs = 0;
  const attack = async (who: SeatClient, token: string | undefined) => {
    // A few messages a turn: the room's flood limit (20 a second) is another test's subject.
    const list = attacks(rng, who.views.at(-1));
    for (let k = 0; k < 3; k++) who.send('action', list[Math.floor(rng() * list.length)]);
    if (rng() < 0.2) who.send('teleport', { to: 'A' });
    if (who === judge && rng() < 0.2) {
      who.send('sync', {});
      syncs++;
    }
    if (rng() < 0.5) await probeHttp(id, token, rng, received);
  };
  for (let turn = 0; turn < 40; turn++) {
    // Six messages at most per pass, at most three passes a second: under the room's flood limit of 20 a second.
    await new Promise((resolve) => setTimeout(resolve, 350));
    await judge.until((c) => c.views.length > 0 && (c.view.legal.length > 0 || c.view.status === 'finished'), `its turn or the end in ${id} (${plan.preset})`, 20_000);
    if (judge.view.status === 'finished') break;
    await attack(judge, judgeToken);
    await attack(observer, undefined);
    const legal = judge.view.legal.find((l) => l.type === 'judge');
    if (!legal || legal.type !== 'judge') continue;
    const favour = Math.floor(rng() * legal.answers);
    const probabilities = Array.from({ length: legal.answers }, (_, k) => (k === favour ? 0.7 : 0.3 / (legal.answers - 1)));
    const end = legal.canEnd && (!legal.canContinue || rng() < 0.3);
    const [views, refusals] = [judge.views.length, judge.refusals.length];
    judge.send('action', { type: 'judge', probabilities, end });
    // A judge turn among the attacks may already have been accepted: then this one is refused.
    await judge.until((c) => c.views.length > views || c.refusals.length > refusals, `the answer to its turn in ${id} (${plan.preset})`, 20_000);
  }
  await judge.until((c) => c.view.status === 'finished', 'the verdict', 20_000);
  await observer.until((c) => c.views.at(-1)?.status === 'finished', 'the verdict (observer)', 20_000);
  await judge.leave();
  await observer.leave();
  return { plan, id, seed, judge, observer, received, syncs, parent: fork?.parent ?? null };
}

/** The views a seat's own view went through, from the stored transcript, without repeats. */
function viewChanges(record: Parameters<typeof replay>[0], events: Parameters<typeof replay>[1], seat: 'judge' | 'observer'): string[] {
  const out: string[] = [JSON.stringify(viewFor(initialState(record), seat))];
  replay(record, events, (state) => {
    const v = JSON.stringify(viewFor(state, seat));
    if (v !== out.at(-1)) out.push(v);
  });
  return out;
}

describe('an adversarial judge and observer', () => {
  it(`learn nothing hidden, on the wire or over HTTP, over ${DEBATES} random debates of every preset and evidence kind`, async () => {
    const results: Awaited<ReturnType<typeof adversarialDebate>>[] = [];
    for (let start = 0; start < DEBATES; start += PARALLEL) {
      const batch = Array.from({ length: Math.min(PARALLEL, DEBATES - start) }, (_, k) => adversarialDebate(start + k));
      results.push(...(await Promise.all(batch)));
    }
    const presets = new Set<string>();
    let forks = 0;
    for (const r of results) {
      presets.add(r.plan.preset);
      const record = (await t.store.getTranscript(r.id))!;
      expect(record.status).toBe('finished');
      // Nothing a judge or observer did was stored: every event is a debater's, the judge's own turn, or the room's.
      for (const e of record.events) {
        if (['speech', 'choose', 'question', 'answer'].includes(e.action.type)) expect(e.seat in record.header.assignment.debaters, `${e.action.type} by ${e.seat}`).toBe(true);
        if (e.action.type === 'judge') expect(e.seat).toBe('judge');
        if (e.action.type === 'vote') expect(e.seat, 'a vote by the judge or an observer').not.toMatch(/judge|observer/);
      }
      // A fork's judge and observer: nothing names the parent, and nothing of the parent's after the fork point reaches them.
      if (r.parent) {
        forks++;
        const parent = (await t.store.getTranscript(r.parent))!;
        const at = record.header.parent!.at;
        const everything = framesText([...r.judge.frames(), ...r.observer.frames()]) + r.received.bytes.join('\n') + r.received.afterVerdict.join('\n');
        expect(everything, 'the parent of a fork').not.toContain(r.parent);
        const own = JSON.stringify(record.events);
        for (const e of parent.events.slice(at)) {
          if (e.action.type !== 'speech' && e.action.type !== 'answer') continue;
          const text = e.action.text ?? '';
          if (text.length > 20 && !own.includes(JSON.stringify(text))) expect(everything, `the parent's later words in fork ${r.id}`).not.toContain(text);
        }
      }
      const final = replay(record.header, record.events);
      const quotedText = final.rounds.flatMap((x) => x.speeches.flatMap((sp) => sp.segments.map((g) => ('text' in g ? g.text : '')))).join('\n');
      const finishedAt = (c: SeatClient) => {
        const frames = c.frames();
        // Frames up to (not including) the first that carries the verdict.
        const k = frames.findIndex((f) => Buffer.from(f).toString('utf8').includes('judgeScore'));
        return framesText(k < 0 ? frames : frames.slice(0, k));
      };
      // The seed never reaches a live connection, nor any HTTP answer before the verdict; after it, only
      // the full replay of a finished public debate holds it (README: "What the judge may know").
      const everything = framesText([...r.judge.frames(), ...r.observer.frames()]) + r.received.bytes.join('\n');
      expect(everything, 'the seed').not.toContain(r.seed);
      for (const body of r.received.afterVerdict.filter((b) => b.includes(r.seed))) expect(body.startsWith('{"header":'), `the seed after the verdict outside the full replay: ${body.slice(0, 80)}`).toBe(true);
      // The expert judge sees the evidence by design: there, assert the opposite (the judge's own frames hold it whole).
      const expert = record.header.rules.judgeSeesEvidence;
      if (expert) {
        const evidence = r.plan.scenario.evidence;
        const frames = finishedAt(r.judge);
        if (evidence.kind === 'passage') for (const s of sentences(evidence.text)) expect(frames, `the expert judge's passage in ${r.id}`).toContain(s);
        else expect(frames, `the expert judge's image in ${r.id}`).toContain(evidence.pixels);
      }
      // Open protocols: the choice is stored as A's first action, and nobody else chose.
      if (record.header.rules.opening[0] === 'choose') {
        const chooses = record.events.filter((e) => e.action.type === 'choose');
        expect(chooses.map((e) => e.seat), `the choice in ${r.id}`).toEqual(['A']);
      }
      for (const before of [finishedAt(r.judge), finishedAt(r.observer), r.received.bytes.join('\n')]) {
        expect(before).not.toContain('correctIndex');
        if (expert) continue;
        if (r.plan.scenario.evidence.kind === 'passage') {
          for (const s of sentences(passageText(r.plan.scenario))) if (!quotedText.includes(s)) expect(before, `unquoted passage text in ${r.id}`).not.toContain(s);
        } else {
          const revealed = new Set(final.rounds.flatMap((x) => x.speeches.flatMap((s) => s.segments.flatMap((g) => (g.kind === 'reveal' ? [g.index] : [])))));
          for (const [hex, idx] of inkedWindows(r.plan.scenario)) {
            if (idx.every((j) => revealed.has(j))) continue;
            expect(before.includes(hex), `unrevealed pixels ${idx.join(',')} in ${r.id}`).toBe(false);
          }
        }
      }
      // Messages only when the seat's own view changed: the views received are exactly its view's changes.
      for (const [seat, c, syncs] of [['judge', r.judge, r.syncs], ['observer', r.observer, 0]] as const) {
        const changes = viewChanges(record.header, record.events, seat);
        const got = c.views.map((v) => JSON.stringify(v));
        let repeats = 0;
        for (let k = 1; k < got.length; k++) if (got[k] === got[k - 1]) repeats++;
        expect(repeats, `${seat} received an unchanged view (a timing channel) in ${r.id}`).toBeLessThanOrEqual(syncs);
        const distinct = got.filter((v, k) => k === 0 || v !== got[k - 1]);
        expect(changes.slice(changes.length - distinct.length), `${seat}'s views in ${r.id}`).toEqual(distinct);
      }
      // A public summary of a running debate does not move when a hidden action happens.
      for (const [status, bodies] of r.received.summaries) if (status !== 'finished') expect(bodies.size, `summaries of a ${status} debate`).toBe(1);
    }
    expect([...presets].sort()).toEqual(['blind', 'consultancy', 'debate', 'debate-cross-exam', 'expert', 'open-consultancy', 'open-debate', 'pixels']);
    if (DEBATES >= 16) expect(forks).toBeGreaterThan(0);
  }, 600_000);

  it('a person re-judging a debate finds nothing public that leads to the original', async () => {
    const scenario = passages[0]!;
    const created = await t.api('/api/debates', {
      method: 'POST',
      json: { scenarioId: scenario.id, preset: 'debate', seats: { A: { kind: 'agent', agent: 'builtin:passage-debater' }, B: { kind: 'agent', agent: 'builtin:passage-debater' }, judge: { kind: 'agent', agent: 'builtin:passage-judge' } } },
    });
    const originalId: string = created.body.id;
    const watcher = await t.join({ debateId: originalId, seat: 'observer' });
    await watcher.until((c) => c.views.at(-1)?.status === 'finished', 'the original verdict', 30_000);
    await watcher.leave();
    expect((await t.api(`/api/debates/${originalId}/transcript?seat=full`)).status).toBe(200);
    const rj = await t.api('/api/rejudge', { method: 'POST', token: RESEARCHER_TOKEN, json: { debateId: originalId } });
    expect(rj.status).toBe(201);
    const { id, token } = rj.body.debates[0];
    const seen: string[] = [];
    const judge = await t.join({ debateId: id, seat: 'judge', token });
    await judge.myTurn();
    for (const path of [...endpoints(id), `/api/debates?limit=1000`, `/api/debates/${originalId}`, `/api/debates/${originalId}/transcript?seat=full`, `/api/debates/${originalId}/transcript?seat=judge`]) {
      for (const bearer of [undefined, token]) {
        const body = JSON.stringify((await t.api(path, bearer ? { token: bearer } : {})).body);
        seen.push(body);
        // Nothing the re-judge can ask about its own debate, or the lists, names the original.
        if (!path.includes(originalId)) expect(body, path).not.toContain(originalId);
      }
    }
    const bytes = seen.join('\n') + framesText(judge.frames());
    expect(framesText(judge.frames())).not.toContain(originalId);
    // The re-judging is private: a stranger does not find it; its judge sees replay seats that name nothing.
    expect((await t.api(`/api/debates/${id}`)).status).toBe(404);
    expect((await t.api(`/api/debates/${id}`, { token })).body.seats.A.agent).toBe('replay');
    // The original became private: to the re-judge (its own token or none) it does not exist.
    expect((await t.api(`/api/debates/${originalId}/transcript?seat=full`)).status).toBe(404);
    expect((await t.api(`/api/debates/${originalId}/transcript?seat=full`, { token })).status).toBe(404);
    const listed = (await t.api('/api/debates?limit=1000')).body.debates.map((d: { id: string }) => d.id);
    expect(listed).not.toContain(originalId);
    expect(listed).not.toContain(id);
    const original = (await t.store.getTranscript(originalId))!;
    for (const s of sentences(passageText(scenario))) {
      if (!JSON.stringify(original.events).includes(s)) expect(bytes).not.toContain(s);
    }
    await judge.leave();
  }, 120_000);
});
