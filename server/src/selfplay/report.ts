/**
 * The experiment report: a pure function over transcript records (no I/O, no Node), so
 * the CLI, the browser and the tests compute the same numbers.
 */
import { brierScore, calibration, mean, wilson, type Proportion, type TranscriptRecord } from '@arena/shared';
import { pairedBootstrap, type PairedDifference } from '../../../shared/src/stats/paired.ts';

export interface ReportFilter {
  /** header.source.name ("selfplay", an importer's name…); "none" for debates played here. */
  source?: string;
  pack?: string;
  preset?: string;
}

/** One finished debate reduced to what the report needs. */
export interface Outcome {
  id: string;
  scenario: string;
  preset: string;
  protocol: 'debate' | 'consultancy' | 'blind';
  judge: string;
  debaters: string;
  correct: boolean;
  /** Consultancy: was the consultant assigned the correct answer? */
  honest: boolean | null;
  pCorrect: number;
  probabilities: number[];
  correctIndex: number;
  judgeScore: number;
}

export interface Rate {
  rate: number;
  low: number;
  high: number;
}

export interface GroupStats {
  n: number;
  /** Share of verdicts with the most probability on the correct answer, 95% Wilson interval. */
  accuracy: Proportion;
  /** Consultancy: the mean of the honest and dishonest accuracies (each Wilson), with an Agresti–Caffo interval. */
  balanced: (Rate & { honest: Proportion; dishonest: Proportion }) | null;
  meanJudgeScore: number;
  meanPCorrect: number;
  brier: number;
  /** Expected calibration error over every stated probability (10 bins). */
  ece: number;
}

export interface Comparison {
  a: string;
  b: string;
  /** a − b accuracy over the scenarios both have (consultancy balanced per scenario). */
  result: PairedDifference;
}

export interface Report {
  filter: ReportFilter;
  debates: number;
  finished: number;
  byProtocol: ({ preset: string } & GroupStats)[];
  byAgent: ({ preset: string; judge: string; debaters: string } & GroupStats)[];
  comparisons: Comparison[];
  method: string;
}

const protocolOf = (r: TranscriptRecord): Outcome['protocol'] =>
  r.header.rules.debaters === 'none' ? 'blind' : r.header.rules.debaters === 'one' ? 'consultancy' : 'debate';

export function matchesFilter(r: TranscriptRecord, f: ReportFilter): boolean {
  // Re-judging debates are compared with their originals separately (server/src/rejudge/report.ts);
  // they count here only when asked for by their source.
  if (r.header.source?.name === 'rejudge' && f.source !== 'rejudge') return false;
  if (f.preset && r.header.rules.preset !== f.preset) return false;
  if (f.pack && r.header.scenario.pack !== f.pack) return false;
  if (f.source) {
    const name = r.header.source?.name;
    if (f.source === 'none' ? name !== undefined : name !== f.source) return false;
  }
  return true;
}

/** The outcome of a finished debate (null for unfinished ones). */
export function outcomeOf(r: TranscriptRecord): Outcome | null {
  if (r.status !== 'finished' || !r.verdict) return null;
  const { header, verdict } = r;
  const c = verdict.correctIndex;
  const seats = header.seats;
  const debaterSeats = Object.keys(header.assignment.debaters).sort() as ('A' | 'B' | 'C' | 'D')[];
  const agentOf = (s: keyof typeof seats) => (seats[s]?.kind === 'agent' ? (seats[s]?.agent ?? 'agent') : 'human');
  const protocol = protocolOf(r);
  return {
    id: header.id,
    scenario: header.scenario.id,
    preset: header.rules.preset,
    protocol,
    judge: agentOf('judge'),
    debaters: debaterSeats.length ? [...new Set(debaterSeats.map(agentOf))].join(' vs ') : '-',
    correct: verdict.correct,
    honest: protocol === 'consultancy' ? header.assignment.debaters.A === c : null,
    pCorrect: verdict.probabilities[c] ?? 0,
    probabilities: verdict.probabilities,
    correctIndex: c,
    judgeScore: verdict.judgeScore,
  };
}

/**
 * Mean of two independent proportions with an Agresti–Caffo interval: the variance is
 * taken at the proportions with one success and one failure added to each group, so the
 * interval keeps a sensible width when a group is all right or all wrong.
 */
function balancedRate(honest: Proportion, dishonest: Proportion): Rate {
  const rate = (honest.rate + dishonest.rate) / 2;
  const adj = (p: Proportion) => (p.successes + 1) / (p.n + 2);
  const v = (p: Proportion) => (adj(p) * (1 - adj(p))) / (p.n + 2);
  const centre = (adj(honest) + adj(dishonest)) / 2;
  const half = 1.959964 * Math.sqrt((v(honest) + v(dishonest)) / 4);
  if (!honest.n || !dishonest.n) return { rate, low: Number.NaN, high: Number.NaN };
  return { rate, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export function groupStats(items: readonly Outcome[]): GroupStats {
  const hits = items.filter((o) => o.correct).length;
  let balanced: GroupStats['balanced'] = null;
  if (items.some((o) => o.honest !== null)) {
    const h = items.filter((o) => o.honest === true);
    const d = items.filter((o) => o.honest === false);
    const honest = wilson(h.filter((o) => o.correct).length, h.length);
    const dishonest = wilson(d.filter((o) => o.correct).length, d.length);
    balanced = { ...balancedRate(honest, dishonest), honest, dishonest };
  }
  const points = items.flatMap((o) => o.probabilities.map((p, i) => ({ p, outcome: i === o.correctIndex })));
  return {
    n: items.length,
    accuracy: wilson(hits, items.length),
    balanced,
    meanJudgeScore: mean(items.map((o) => o.judgeScore)),
    meanPCorrect: mean(items.map((o) => o.pCorrect)),
    brier: mean(items.map((o) => brierScore(o.probabilities, o.correctIndex))),
    ece: calibration(points).ece,
  };
}

/**
 * Accuracy of one protocol on one scenario: the share correct, except consultancy,
 * where it is the mean of the honest and dishonest shares when both occurred.
 */
export function scenarioAccuracy(items: readonly Outcome[]): number {
  const rate = (xs: readonly Outcome[]) => xs.filter((o) => o.correct).length / xs.length;
  const h = items.filter((o) => o.honest === true);
  const d = items.filter((o) => o.honest === false);
  if (h.length && d.length) return (rate(h) + rate(d)) / 2;
  return rate(items);
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = m.get(k);
    if (list) list.push(t);
    else m.set(k, [t]);
  }
  return new Map([...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const ORDER = ['debate', 'consultancy', 'blind'];
const byPresetOrder = (a: string, b: string) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99) || (a < b ? -1 : a > b ? 1 : 0);

export const REPORT_METHOD =
  'Accuracy: share of verdicts with strictly the most probability on the correct answer, 95% Wilson interval. ' +
  'Consultancy "balanced": mean of the honest- and dishonest-assignment accuracies, 95% Agresti–Caffo interval. ' +
  'ECE: 10 equal bins over every stated probability; Brier: summed over answers. ' +
  'Differences: mean over the scenarios both protocols have of the per-scenario accuracy difference ' +
  '(consultancy balanced per scenario), 95% percentile paired bootstrap over scenarios (10,000 resamples, seed "paired-bootstrap").';

/** The report over the records that pass the filter. Pure and deterministic. */
export function computeReport(records: Iterable<TranscriptRecord>, filter: ReportFilter = {}, options: { resamples?: number } = {}): Report {
  let debates = 0;
  const outcomes: Outcome[] = [];
  for (const r of records) {
    if (!matchesFilter(r, filter)) continue;
    debates++;
    const o = outcomeOf(r);
    if (o) outcomes.push(o);
  }
  const byPreset = groupBy(outcomes, (o) => o.preset);
  const byProtocol = [...byPreset.entries()].sort(([a], [b]) => byPresetOrder(a, b)).map(([preset, items]) => ({ preset, ...groupStats(items) }));
  const byAgent = [...groupBy(outcomes, (o) => `${o.preset}\u0000${o.judge}\u0000${o.debaters}`).entries()]
    .map(([, items]) => {
      const first = items[0] as Outcome;
      return { preset: first.preset, judge: first.judge, debaters: first.debaters, ...groupStats(items) };
    })
    .sort((x, y) => byPresetOrder(x.preset, y.preset) || (x.judge < y.judge ? -1 : 1) || (x.debaters < y.debaters ? -1 : 1));

  const perScenario = (preset: string) => {
    const m = new Map<string, number>();
    for (const [scenario, items] of groupBy(byPreset.get(preset) ?? [], (o) => o.scenario)) m.set(scenario, scenarioAccuracy(items));
    return m;
  };
  const comparisons: Comparison[] = [];
  for (const [a, b] of [
    ['debate', 'consultancy'],
    ['debate', 'blind'],
  ] as const) {
    if (!byPreset.has(a) || !byPreset.has(b)) continue;
    const sa = perScenario(a);
    const sb = perScenario(b);
    const pairs = [...sa.entries()].filter(([k]) => sb.has(k)).map(([key, x]) => ({ key, a: x, b: sb.get(key) as number }));
    comparisons.push({ a, b, result: pairedBootstrap(pairs, { resamples: options.resamples ?? 10_000 }) });
  }
  return { filter, debates, finished: outcomes.length, byProtocol, byAgent, comparisons, method: REPORT_METHOD };
}

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '–');
const ci = (r: { low: number; high: number }) => `[${f3(r.low)}, ${f3(r.high)}]`;

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd()).join('\n');
}

/** The report as plain-text tables. */
export function formatReport(report: Report): string {
  const head = ['protocol', 'n', 'accuracy', '95% CI', 'balanced', '95% CI', 'judge score', 'p(correct)', 'Brier', 'ECE'];
  const row = (label: string, g: GroupStats) => [
    label,
    String(g.n),
    f3(g.accuracy.rate),
    ci(g.accuracy),
    g.balanced ? f3(g.balanced.rate) : '',
    g.balanced ? ci(g.balanced) : '',
    f3(g.meanJudgeScore),
    f3(g.meanPCorrect),
    f3(g.brier),
    f3(g.ece),
  ];
  const out: string[] = [];
  const f = Object.entries(report.filter).filter(([, v]) => v).map(([k, v]) => `${k}=${v}`).join(' ');
  out.push(`${report.finished} finished of ${report.debates} debates${f ? ` (${f})` : ''}`);
  out.push('', table([head, ...report.byProtocol.map((g) => row(g.preset, g))]));
  if (report.byAgent.length) {
    out.push('', table([['protocol / judge / debaters', ...head.slice(1)], ...report.byAgent.map((g) => row(`${g.preset} / ${g.judge} / ${g.debaters}`, g))]));
  }
  if (report.comparisons.length) {
    out.push('', table([['difference', 'scenarios', 'accuracy', '95% CI (bootstrap)', '95% CI (normal)'], ...report.comparisons.map((c) => [`${c.a} − ${c.b}`, String(c.result.n), f3(c.result.difference), ci(c.result), ci(c.result.normal)])]));
  }
  out.push('', report.method);
  return out.join('\n');
}
