/**
 * A pre-registration bundle, written before launch (`arena study prereg`): the frozen spec and
 * its hash, the seeded assignment plan (every planned slot and its debate's seed, and the rows
 * of the balanced order), the analysis that will be run, and the software version. The same
 * analysis text is what `arena report --study ID` states when it reports a closed study.
 */
import { REPORT_METHOD } from '../report/report.ts';
import { balancedOrder, planSlots, type CellSpec } from './assignment.ts';
import { itemSeed } from './item-debate.ts';
import { specHash, type StudySpec } from './spec.ts';

/** The analysis a study's report runs, in words, from its spec. */
export function studyAnalysis(spec: StudySpec): string {
  const conditions = spec.conditions.map((c) => c.name).concat(spec.debates ? [spec.debates.condition] : []);
  return [
    `Data: the counted items of study ${spec.id} only; practice items and attention checks are not data.`,
    `Exclusion: a participant who fails more than ${spec.exclusion.maxFailedChecks} attention check${spec.exclusion.maxFailedChecks === 1 ? '' : 's'} is excluded; their judgements are reported apart and their items are given to later participants.` +
      (spec.exclusion.minSecondsPerItem > 0 ? ` Items judged in under ${spec.exclusion.minSecondsPerItem} s are flagged (speeding), not excluded.` : ''),
    `Comparison: judge accuracy by condition (${conditions.join(', ')}) and the paired differences between conditions, as \`arena report --study ${spec.id}\` computes them.`,
    `Method: ${REPORT_METHOD}`,
  ].join('\n');
}

/** The bundle's files, by name. */
export function preregBundle(spec: StudySpec, design: { cells: readonly CellSpec[]; conditionNames: readonly string[] }, version: string): Record<string, string> {
  const hash = specHash(spec);
  const slots = planSlots(design.cells, spec.judgementsPerCell);
  const conditions = design.conditionNames;
  const rows = conditions.length % 2 === 0 ? conditions.length : 2 * conditions.length;
  const csvField = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return {
    'spec.json': `${JSON.stringify({ id: spec.id, specHash: hash, spec }, null, 2)}\n`,
    'spec-hash.txt': `${hash}\n`,
    'plan.csv': ['slot,cell,scenario,condition,trial,debate_seed', ...slots.map((s) => [s.id, s.cell, s.scenarioId, s.condition, String(s.trial), itemSeed(spec, '', { kind: 'item', position: 0 }, s)].map(csvField).join(','))].join('\n') + '\n',
    'order.csv': ['row,conditions', ...Array.from({ length: rows }, (_, r) => `${r},${csvField(balancedOrder(conditions, r).join(' '))}`)].join('\n') + '\n',
    'analysis.md': `# Pre-registered analysis of ${spec.id}\n\nSpec hash: ${hash}\n\n${studyAnalysis(spec)}\n\nA participant's conditions come in row (arrival number mod ${rows}) of order.csv; the plan may gain top-up slots beyond plan.csv so that late arrivals get a full queue.\n`,
    'VERSION': `oversight-arena ${version}\nspec ${hash}\n`,
  };
}
