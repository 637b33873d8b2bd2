import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ELO_PER_LOG, replay, type Scenario, type TranscriptRecord } from '@arena/shared';
import { agentCatalog } from '../../server/src/agent-catalog.ts';
import type { AgentsConfig } from '../../server/src/agents/llm/config.ts';
import { computeReport } from '../../server/src/report/report.ts';
import { loadScenarioPacks } from '../../server/src/scenarios/load.ts';
import { openStore } from '../../server/src/store/open.ts';
import type { Store } from '../../server/src/store/store.ts';
import { pairKey } from '../../server/src/tournament/pairing.ts';
import { plannedCount, runTournament, tournamentScenarios, type TournamentSpec, type TournamentSummary } from '../../server/src/tournament/tournament.ts';
import { RESEARCHER_TOKEN, startArena, type TestArena } from '../helpers/arena.ts';
import { runArena } from '../helpers/cli.ts';

/** Three debaters of known strength: the built-in (three quotes a speech), the same with one quote, and the random one. */
const CONFIG = { agents: { 'quotes-1': { builtin: 'passage-debater', options: { maxQuotes: 1 } } } } as AgentsConfig;
const agents = agentCatalog({ config: CONFIG });
const DEBATERS = ['builtin:passage-debater', 'quotes-1', 'builtin:random'];

let scenarios: Scenario[];
beforeAll(async () => {
  const all = (await loadScenarioPacks('scenarios')).scenarios;
  scenarios = tournamentScenarios(all, { pack: 'originals' }).slice(0, 4);
});

const spec = (over: Partial<TournamentSpec> = {}): TournamentSpec => ({ id: 'tn-test', agents: DEBATERS, judge: 'builtin:passage-judge', format: 'swiss', rounds: 2, scenarios, ...over });

async function records(store: Store, id: string): Promise<TranscriptRecord[]> {
  const out: TranscriptRecord[] = [];
  for await (const r of store.transcripts({ meta: { 'tournament.id': id } })) out.push(r);
  return out;
}

/** Wilson's 95% interval, written out again. */
function wilson(k: number, n: number): [number, number] {
  const z = 1.959964;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, c - h), Math.min(1, c + h)];
}

/**
 * Debater ratings computed apart from the report: one role per debater and side of the
 * truth, gradient ascent on the Bradley–Terry log-likelihood with one virtual tie per
 * role against a reference of strength 1; the Elo of a debater is the mean of its roles.
 */
function independentElo(recs: readonly TranscriptRecord[]): Map<string, number> {
  const games: [string, string, number][] = [];
  for (const r of recs) {
    if (r.header.rules.preset !== 'debate' || r.status !== 'finished') continue;
    const state = replay(r.header, r.events);
    const c = r.header.assignment.correctIndex;
    const seats = Object.entries(r.header.assignment.debaters);
    const honest = seats.find(([, pos]) => pos === c)!;
    const dishonest = seats.find(([, pos]) => pos !== c)!;
    const p = state.verdict!.probabilities;
    const agent = (seat: string) => r.header.seats[seat as 'A']!.agent!;
    const score = p[honest[1]]! > p[dishonest[1]]! ? 1 : p[honest[1]]! < p[dishonest[1]]! ? 0 : 0.5;
    games.push([`${agent(honest[0])} honest`, `${agent(dishonest[0])} dishonest`, score]);
  }
  const roles = [...new Set(games.flatMap(([a, b]) => [a, b]))];
  const lambda = new Map(roles.map((r) => [r, 0]));
  const sig = (x: number) => 1 / (1 + Math.exp(-x));
  for (let it = 0; it < 20_000; it++) {
    const grad = new Map(roles.map((r) => [r, 0.5 - sig(lambda.get(r)!)]));
    for (const [a, b, s] of games) {
      const g = s - sig(lambda.get(a)! - lambda.get(b)!);
      grad.set(a, grad.get(a)! + g);
      grad.set(b, grad.get(b)! - g);
    }
    for (const r of roles) lambda.set(r, lambda.get(r)! + 0.05 * grad.get(r)!);
  }
  const centre = roles.reduce((s, r) => s + lambda.get(r)!, 0) / roles.length;
  const elo = (r: string) => 1500 + ELO_PER_LOG * (lambda.get(r)! - centre);
  return new Map(DEBATERS.map((a) => [a, (elo(`${a} honest`) + elo(`${a} dishonest`)) / 2]));
}

describe('a Swiss tournament of built-in debaters over four questions', () => {
  let store: Store;
  let summary: TournamentSummary;
  let recs: TranscriptRecord[];
  beforeAll(async () => {
    store = await openStore({});
    summary = await runTournament(spec(), { store, agents, concurrency: 2, startAt: 1_700_000_000_000 });
    recs = await records(store, 'tn-test');
  }, 60_000);
  afterAll(() => store.close());

  it('plays the baseline and every round, each debate stored with its round, odd players taking a bye each', () => {
    // Baseline: 3 debaters × 4 questions × 2 seeds, as self-play debate and as consultancy; rounds: one match a round (3 players), 8 debates each.
    expect(plannedCount(spec())).toBe(48 + 2 * 8);
    expect(summary).toMatchObject({ planned: 64, played: 64, failed: 0, unfinished: 0, unplayedRounds: 0 });
    expect(recs).toHaveLength(64);
    expect(recs.every((r) => r.status === 'finished' && r.header.source?.name === 'selfplay')).toBe(true);
    const rounds = recs.map((r) => (r.header.meta?.['tournament'] as { round: number }).round);
    expect(rounds.filter((x) => x === 0)).toHaveLength(48);
    expect(summary.rounds.map((r) => r.pairs.length)).toEqual([1, 1]);
    const byes = summary.rounds.map((r) => r.bye);
    expect(new Set(byes).size).toBe(2);
    // No rematch in round 2.
    expect(pairKey(...summary.rounds[0]!.pairs[0]!)).not.toBe(pairKey(...summary.rounds[1]!.pairs[0]!));
    for (const m of summary.rounds.flatMap((r) => r.matches)) expect(m).toMatchObject({ debates: 8, scoreA: 8 - m.scoreB });
  });

  it('gives the figures of the report, checked against a computation from the transcripts', () => {
    const report = computeReport(recs, { tournament: 'tn-test' });
    const debate = report.ratings.find((r) => r.preset === 'debate')!;
    const independent = independentElo(recs);
    for (const a of debate.agents) {
      expect(a.identified).toBe(true);
      expect(a.elo!).toBeCloseTo(independent.get(a.agent)!, 1);
      expect(a.low).toBeLessThan(a.elo!);
      expect(a.high).toBeGreaterThan(a.elo!);
    }
    // Strengths in order: three quotes > one quote > random.
    const elo = (id: string) => debate.agents.find((a) => a.agent === id)!.elo!;
    expect(elo('builtin:passage-debater')).toBeGreaterThan(elo('quotes-1'));
    expect(elo('quotes-1')).toBeGreaterThan(elo('builtin:random'));
    // Accuracy in each debater's self-play debates and consultancies, from the replayed verdicts.
    const strength = report.strength!;
    expect(strength.points).toHaveLength(3);
    for (const p of strength.points) {
      expect(p.elo).toBe(elo(p.agent));
      for (const protocol of ['debate', 'consultancy'] as const) {
        const own = recs.filter((r) => r.header.rules.preset === protocol && Object.entries(r.header.seats).every(([seat, s]) => seat === 'judge' || s!.agent === p.agent));
        const correct = own.filter((r) => {
          const v = replay(r.header, r.events).verdict!;
          const c = r.header.assignment.correctIndex;
          return v.probabilities.every((q, i) => i === c || q < v.probabilities[c]!);
        }).length;
        expect(own).toHaveLength(8);
        expect(p[protocol]).toMatchObject({ n: 8, correct });
        const [low, high] = wilson(correct, 8);
        expect(p[protocol].low).toBeCloseTo(low, 9);
        expect(p[protocol].high).toBeCloseTo(high, 9);
      }
    }
    // The slope of accuracy on rating, by least squares, per protocol.
    for (const protocol of ['debate', 'consultancy'] as const) {
      const xy = strength.points.map((p) => [p.elo!, p[protocol].rate] as const);
      const mx = xy.reduce((s, [x]) => s + x, 0) / 3;
      const my = xy.reduce((s, [, y]) => s + y, 0) / 3;
      const slope = (100 * xy.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0)) / xy.reduce((s, [x]) => s + (x - mx) ** 2, 0);
      expect(strength.trends.find((t) => t.protocol === protocol)!.slopePer100).toBeCloseTo(slope, 9);
    }
  });

  it('resumes: a run stopped part-way and run again ends as one uninterrupted run did, playing nothing twice', async () => {
    const other = await openStore({});
    try {
      const stop = new AbortController();
      let played = 0;
      const first = await runTournament(spec(), {
        store: other,
        agents,
        concurrency: 1,
        startAt: 1_700_000_000_000,
        signal: stop.signal,
        onDebate: ({ outcome }) => {
          if (outcome === 'played' && ++played === 40) stop.abort();
        },
      });
      expect(first.played).toBe(40);
      expect(first.unplayedRounds).toBeGreaterThan(0);
      const again = await runTournament(spec(), { store: other, agents, concurrency: 2, startAt: 1_700_000_000_000 });
      expect(again).toMatchObject({ played: 24, skipped: 40, failed: 0, unplayedRounds: 0 });
      expect(again.rounds).toEqual(summary.rounds);
      expect(again.standings).toEqual(summary.standings);
      const ids = (await records(other, 'tn-test')).map((r) => r.header.id).sort();
      expect(ids).toEqual(recs.map((r) => r.header.id).sort());
      // Once more: nothing left to play.
      expect(await runTournament(spec(), { store: other, agents, startAt: 1_700_000_000_000 })).toMatchObject({ played: 0, skipped: 64 });
    } finally {
      await other.close();
    }
  }, 60_000);

  it('refuses to resume a tournament under other settings', async () => {
    await expect(runTournament(spec({ rounds: 1 }), { store, agents })).rejects.toThrow(/other settings/);
  });
});

describe('a round-robin tournament', () => {
  it('meets every pair of debaters once', async () => {
    const store = await openStore({});
    try {
      const four = [...DEBATERS, 'quotes-1-again'];
      const config = { agents: { ...CONFIG.agents, 'quotes-1-again': { builtin: 'passage-debater', options: { maxQuotes: 1 } } } } as AgentsConfig;
      const s = await runTournament(spec({ id: 'rr', agents: four, format: 'round-robin', rounds: undefined, scenarios: scenarios.slice(0, 1) }), { store, agents: agentCatalog({ config }) });
      expect(s.rounds).toHaveLength(3);
      const met = s.rounds.flatMap((r) => r.pairs.map(([a, b]) => pairKey(a, b)));
      expect(new Set(met).size).toBe(6);
      expect(met).toHaveLength(6);
      expect(s.failed).toBe(0);
    } finally {
      await store.close();
    }
  }, 60_000);
});

describe('tournaments on a running server and on the command line', () => {
  let t: TestArena;
  beforeAll(async () => {
    t = await startArena();
  });
  afterAll(() => t.close());

  it('POST /api/tournaments is for researchers, checks its agents, and plays live sessions', async () => {
    const body = { id: 'live-tn', agents: ['builtin:passage-debater', 'builtin:random'], format: 'round-robin', scenarios: scenarios.slice(0, 2).map((s) => s.id) };
    expect((await t.api('/api/tournaments', { method: 'POST', json: body })).status).toBe(401);
    const unknown = await t.api('/api/tournaments', { method: 'POST', json: { ...body, agents: ['builtin:passage-debater', 'nobody'] }, token: RESEARCHER_TOKEN });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatch(/nobody/);
    const res = await t.api('/api/tournaments', { method: 'POST', json: body, token: RESEARCHER_TOKEN });
    expect(res.status).toBe(200);
    const lines = (res.body as string).trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(lines[0]).toEqual({ type: 'start', planned: 2 * 2 * 2 * 2 + 2 * 2 });
    expect(lines.find((l) => l.type === 'round')).toMatchObject({ round: 1, bye: null });
    expect(lines.filter((l) => l.type === 'debate')).toHaveLength(20);
    const summary = lines.at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', played: 20, failed: 0 });
    // Live sessions: stored with real times, through the creation service, private.
    const stored = await records(t.store, 'live-tn');
    expect(stored).toHaveLength(20);
    expect(stored.every((r) => r.status === 'finished' && r.header.createdAt > Date.now() - 120_000 && r.header.provenance === 'selfplay')).toBe(true);
    const results = await t.api('/api/results?tournament=live-tn', { token: RESEARCHER_TOKEN });
    expect(results.body.total).toBe(20);
    expect(results.body.report.strength.points.map((p: { agent: string }) => p.agent).sort()).toEqual(['builtin:passage-debater', 'builtin:random']);
    // The same id under other settings is refused before anything is played.
    const taken = await t.api('/api/tournaments', { method: 'POST', json: { ...body, format: 'swiss' }, token: RESEARCHER_TOKEN });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatch(/other settings/);
    // The public results do not count private debates.
    expect((await t.api('/api/results?tournament=live-tn')).body.total).toBe(0);
  }, 60_000);

  it('arena tournament prints the standings and ratings and writes the plot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arena-tournament-'));
    const html = join(dir, 'report.html');
    const args = ['tournament', '--id', 'cli-tn', '--debaters', 'builtin:passage-debater,builtin:random', '--format', 'power', '--rounds', '1', '--scenario', scenarios.slice(0, 2).map((s) => s.id).join(','), '--data-dir', join(dir, 'data'), '--no-progress', '--html', html];
    const out = await runArena(...args);
    expect(out).toMatch(/round 1: builtin:passage-debater \d+(\.5)?–\d+(\.5)? builtin:random/);
    expect(out).toMatch(/Debater strength against judge accuracy/);
    expect(out).toMatch(/20 played, 0 already stored, 0 failed/);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<figure id="strength"><svg');
    expect(page).toContain('Debater strength against judge accuracy');
    expect(await runArena(...args)).toMatch(/0 played, 20 already stored/);
  }, 60_000);

  it('arena tournament --server plays on the server and prints the server’s report', async () => {
    const args = ['tournament', '--server', t.http, '--token', RESEARCHER_TOKEN, '--id', 'cli-live', '--debaters', 'builtin:random,builtin:passage-debater', '--format', 'swiss', '--rounds', '1', '--scenario', scenarios[0]!.id, '--no-progress'];
    const out = await runArena(...args);
    expect(out).toMatch(/round 1: builtin:random \d+(\.5)?–\d+(\.5)? builtin:passage-debater/);
    expect(out).toMatch(/Debater ratings, debate: 6 two-debater debates/);
    expect(out).toMatch(/Debater strength against judge accuracy/);
    expect(out).toMatch(/10 played, 0 already stored, 0 failed/);
    expect(out).not.toMatch(/NaN|null|undefined/);
    expect(await records(t.store, 'cli-live')).toHaveLength(10);
  }, 60_000);
});
