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

const base = parseSpec(EXAMPLE_SPEC);
// One failed check excludes (the careless); 11 scenarios × 3 conditions × 2 judgements = 66 planned.
const spec: StudySpec = { ...base, id: 'dry-run', exclusion: { maxFailedChecks: 0, minSecondsPerItem: 0 } };
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('a dry run with careless participants, dropouts and late arrivals', () => {
  it('meets every cell of the plan with usable judgements, and the CSV and the dashboard agree', { timeout: 90_000 }, async () => {
    const out = await mkdtemp(join(tmpdir(), 'arena-dry-run-'));
    dirs.push(out);
    const summary = await simulateStudy({ spec, participants: 60, out, dropoutRate: 0.1, failCheckRate: 0.3, judge: 'builtin:passage-judge', concurrency: 4 });
    const progress = JSON.parse(await readFile(join(out, 'progress.json'), 'utf8')) as StudyProgress;
    const rows = parseCsv(await readFile(join(out, 'judgements.csv'), 'utf8'), { columns: true }) as Record<string, string>[];

    // The run had what the plan must survive: excluded careless participants, dropouts, refills, and more arrivals than places.
    expect(summary.outcomes.failed).toBeGreaterThanOrEqual(4);
    expect(summary.outcomes.timedOut).toBeGreaterThanOrEqual(2);
    expect(summary.outcomes.noCapacity).toBeGreaterThan(0);
    expect(summary.refills).toBeGreaterThan(0);
    // Late arrivals: some started while every place was held by others, waited, and were given a place that came back.
    const admittedFromWaitlist = progress.participants.filter((p) => p.flags.includes('waitlisted') && p.outcome !== 'noCapacity');
    expect(admittedFromWaitlist.length).toBeGreaterThan(0);

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
