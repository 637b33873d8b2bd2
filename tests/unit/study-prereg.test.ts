/**
 * The pre-registration bundle (server/src/studies/prereg.ts): the frozen spec and its hash,
 * every planned slot with its debate's seed, the rows of the balanced order, the analysis.
 */
import { describe, expect, it } from 'vitest';
import { balancedOrder } from '../../server/src/studies/assignment.ts';
import { EXAMPLE_SPEC } from '../../server/src/studies/example.ts';
import { preregBundle, studyAnalysis } from '../../server/src/studies/prereg.ts';
import { parseSpec, specHash } from '../../server/src/studies/spec.ts';

describe('the pre-registration bundle', () => {
  it('freezes the spec, the seeded plan, the order and the analysis', () => {
    const spec = parseSpec(EXAMPLE_SPEC);
    const conditionNames = spec.conditions.map((c) => c.name);
    const cells = ['s1', 's2'].flatMap((s) => conditionNames.map((condition) => ({ scenarioId: s, condition, questionKey: `${s}::q`, storyKey: s })));
    const files = preregBundle(spec, { cells, conditionNames }, '9.9.9');
    expect(files['spec-hash.txt']!.trim()).toBe(specHash(spec));
    expect(JSON.parse(files['spec.json']!)).toMatchObject({ id: spec.id, specHash: specHash(spec) });
    const plan = files['plan.csv']!.trim().split('\n');
    expect(plan).toHaveLength(1 + cells.length * spec.judgementsPerCell);
    expect(plan[1]).toBe(`s1|debate#1,s1|debate,s1,debate,1,${spec.seed}|s1|debate|t1`);
    const order = files['order.csv']!.trim().split('\n');
    expect(order).toHaveLength(1 + 2 * conditionNames.length);
    expect(order[2]).toBe(`1,${balancedOrder(conditionNames, 1).join(' ')}`);
    expect(files['analysis.md']).toContain(studyAnalysis(spec));
    expect(studyAnalysis(spec)).toMatch(/fails more than 1 attention check is excluded/);
    expect(files['VERSION']).toBe(`oversight-arena 9.9.9\nspec ${specHash(spec)}\n`);
  });
});
