/**
 * The plan is met: a dry run (`arena study simulate`, through the real server path) of the
 * example study with 30% careless participants (they fail the attention check and are
 * excluded), dropouts, and arrivals while every place is held by others, four participants
 * at once. Every cell of the plan ends with its usable judgements; late arrivals get a full,
 * balanced queue (from the waitlist) or none; judgements.csv and the dashboard agree.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import type { StudyProgress } from '@arena/shared';
import { simulateStudy } from '../../server/src/cli/study-simulate.ts';
import { EXAMPLE_SPEC } from '../../server/src/studies/example.ts';
import { parseSpec, type StudySpec } from '../../server/src/studies/spec.ts';
import { startArena, RESEARCHER_TOKEN } from '../helpers/arena.ts';

const base = parseSpec(EXAMPLE_SPEC);
// One failed check excludes (the careless); 11 scenarios × 3 conditions × 2 judgements = 66 planned.
const spec: StudySpec = { ...base, id: 'dry-run', exclusion: { maxFailedChecks: 0, minSecondsPerItem: 0 } };
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('a dry run with careless participants, dropouts and late arrivals', () => {
  it('meets every cell of the plan with usable judgements, and the CSV and the dashboard agree', { timeout: 120_000 }, async () => {
    const out = await mkdtemp(join(tmpdir(), 'arena-dry-run-'));
    dirs.push(out);
    const summary = await simulateStudy({ spec, participants: 60, out, dropoutRate: 0.1, failCheckRate: 0.3, judge: 'builtin:passage-judge', concurrency: 4 });
    const progress = JSON.parse(await readFile(join(out, 'progress.json'), 'utf8')) as StudyProgress;
    const rows = parseCsv(await readFile(join(out, 'judgements.csv'), 'utf8'), { columns: true }) as Record<string, string>[];

    // The run had what the plan must survive: excluded careless participants, dropouts, refills, and more arrivals than places.
    expect(summary.outcomes.failed).toBeGreaterThanOrEqual(3);
    expect(summary.outcomes.timedOut).toBeGreaterThanOrEqual(2);
    expect(summary.outcomes.noCapacity).toBeGreaterThan(0);
    expect(summary.refills).toBeGreaterThan(0);
    // Late arrivals who found every place held waited on the waitlist (how many depends on timing; the next test walks it step by step).
    const waited = progress.participants.filter((p) => p.flags.includes('waitlisted'));
    expect(summary.waitlist).toEqual({ waited: waited.length, admitted: waited.filter((p) => p.outcome !== 'noCapacity').length });

    // Every cell of the plan (scenario × condition) holds its usable judgements: counted rows, not practice, checks or excluded.
    const usable = rows.filter((r) => r.practice === 'FALSE' && r.check === 'FALSE' && r.excluded === 'FALSE');
    const scenarios = spec.scenarios!.ids;
    const conditions = spec.conditions.map((c) => c.name);
    for (const s of scenarios) {
      for (const c of conditions) {
        const n = usable.filter((r) => r.scenario_id === s && r.condition === c).length;
        expect(n, `cell ${s} × ${c}`).toBeGreaterThanOrEqual(spec.judgementsPerCell);
      }
    }
    expect(progress.cells).toHaveLength(scenarios.length * conditions.length);
    expect(progress.cells.every((c) => c.done >= c.planned && c.planned === spec.judgementsPerCell)).toBe(true);
    expect(summary.slots.cellsMet).toBe(summary.slots.cells);

    // The CSV and the dashboard agree, kind by kind.
    const excluded = rows.filter((r) => r.practice === 'FALSE' && r.check === 'FALSE' && r.excluded === 'TRUE');
    expect(progress.judgements).toEqual({
      counted: usable.length,
      practice: rows.filter((r) => r.practice === 'TRUE').length,
      checks: rows.filter((r) => r.check === 'TRUE').length,
      excluded: excluded.length,
    });
    expect(progress.plan.done).toBe(usable.length);
    expect(excluded.length).toBeGreaterThan(0);

    // Full queues or none: every judge with items has the whole queue, its conditions balanced (3 items, 3 conditions: one each).
    for (const p of progress.participants) {
      if (p.outcome === 'noCapacity') expect(p.items, p.participant).toBe(0);
      else {
        expect(p.conditions, p.participant).toHaveLength(spec.itemsPerParticipant);
        expect(new Set(p.conditions).size, p.participant).toBe(conditions.length);
      }
    }
    // Every completed participant judged a full queue of counted items, and their rows are all usable.
    for (const p of progress.participants.filter((x) => x.outcome === 'completed')) {
      expect(usable.filter((r) => r.participant === p.participant)).toHaveLength(spec.itemsPerParticipant);
    }
  });
});

describe('the waitlist', () => {
  it('holds arrivals while every place is held by judges at work, gives a place that comes back to the first in line, and is bounded', { timeout: 30_000 }, async () => {
    const t = await startArena({ env: { ARENA_STUDY_SWEEP_SECONDS: '3600' } });
    try {
      // 3 scenarios × 3 conditions × 1 judgement: three full queues.
      const small: StudySpec = { ...spec, id: 'waitlist', scenarios: { packs: [], ids: ['the-lantern-room', 'log-of-the-petrel', 'the-quiet-relay'] }, judgementsPerCell: 1, timeLimits: { ...spec.timeLimits, idleSeconds: 6 } };
      expect((await t.api('/api/studies', { method: 'POST', json: { spec: small }, token: RESEARCHER_TOKEN })).status).toBe(201);
      type Page = { stage: string; lobby?: { waitSeconds?: number }; item?: { kind: string }; end?: { outcome: string } | null };
      const post = async (path: string, token: string) => (await t.api<Page>(`/api/studies/${small.id}/me/${path}`, { method: 'POST', json: path === 'consent' ? { agree: true } : {}, token })).body;
      const arrive = async (pid: string) => {
        const { token } = (await t.api<{ token: string }>(`/api/studies/${small.id}/enter`, { method: 'POST', json: { pid } })).body;
        await post('consent', token);
        return { token, page: await post('start', token) };
      };
      const working = [await arrive('W-1'), await arrive('W-2'), await arrive('W-3')];
      expect(working.map((w) => w.page.stage)).toEqual(['items', 'items', 'items']);
      expect((await t.stores.studies.slots(small.id)).map((s) => s.status)).toEqual(Array(9).fill('assigned'));

      // Every place is held: the next three wait (as many as judges at work), the one after gets the no-capacity code at once.
      const waiting = [await arrive('L-1'), await arrive('L-2'), await arrive('L-3')];
      for (const w of waiting) expect(w.page).toMatchObject({ stage: 'instructions', lobby: { waitSeconds: 120 } });
      expect((await arrive('L-4')).page.end).toMatchObject({ outcome: 'noCapacity' });

      // W-1 leaves without a word; the others' pages keep beating. Once W-1 is out, its places go to L-1, a full queue.
      const silentSince = Date.now();
      while (Date.now() - silentSince < 6300) {
        await new Promise((r) => setTimeout(r, 300));
        for (const p of [...working.slice(1), ...waiting]) await post('seen', p.token);
      }
      await t.arena.services.studies.sweepOne(small.id);
      const first = await post('seen', waiting[0]!.token);
      expect(first.stage).toBe('items');
      const [l1] = (await t.stores.studies.participants(small.id)).filter((p) => p.flags.includes('waitlisted') && p.stage === 'items');
      const items = (await t.stores.studies.items(small.id, l1!.participant)).filter((i) => i.kind === 'item');
      expect(items.map((i) => i.condition).sort()).toEqual(['blind', 'consultancy', 'debate']);
      expect((await post('seen', waiting[1]!.token)).stage).toBe('instructions');

      // Closed: nothing can come back; those still waiting end with the no-capacity code.
      await t.api(`/api/studies/${small.id}/close`, { method: 'POST', json: {}, token: RESEARCHER_TOKEN });
      expect((await post('seen', waiting[1]!.token)).end).toMatchObject({ outcome: 'noCapacity' });
      const flags = (await t.stores.studies.participants(small.id)).flatMap((p) => p.flags);
      expect(flags).toEqual(expect.arrayContaining(['idle', 'waitlisted', 'waitlist-empty']));
    } finally {
      await t.close();
    }
  });
});
