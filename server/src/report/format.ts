/** The report as plain-text tables (the CLI's face). */
import type { GroupStats } from './stats.ts';
import type { Report } from './report.ts';

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '–');
const ci = (r: { low: number; high: number }) => (Number.isFinite(r.low) ? `[${f3(r.low)}, ${f3(r.high)}]` : '–');

/** Columns padded to their widest cell; the first left-aligned, the others right-aligned. */
export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd()).join('\n');
}

export function filterLabel(filter: Report['filter']): string {
  return Object.entries(filter)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

export function formatReport(report: Report): string {
  const head = ['protocol', 'n', 'judges', 'questions', 'accuracy', '95% Wilson', '95% cluster', 'balanced', '95% A–C', '95% cluster', 'judge score', 'p(correct)', 'Brier', 'ECE'];
  const row = (label: string, g: GroupStats) => [
    label,
    String(g.n),
    String(g.judges),
    String(g.questions),
    f3(g.accuracy.rate),
    ci(g.accuracy),
    ci(g.accuracyCluster),
    g.balanced ? f3(g.balanced.rate) : '',
    g.balanced ? ci(g.balanced) : '',
    g.balanced ? ci(g.balanced.cluster) : '',
    f3(g.meanJudgeScore),
    f3(g.meanPCorrect),
    f3(g.brier),
    f3(g.ece),
  ];
  const out: string[] = [];
  const f = filterLabel(report.filter);
  out.push(`${report.finished} finished of ${report.debates} debates${f ? ` (${f})` : ''}; ${report.ties} tie(s) for the most probability, counted as not correct`);
  out.push('', table([head, ...report.byProtocol.map((g) => row(g.preset, g))]));
  if (report.byAgent.length) out.push('', table([['protocol / judge / debaters', ...head.slice(1)], ...report.byAgent.map((g) => row(`${g.preset} / ${g.judge} / ${g.debaters}`, g))]));
  const consult = report.byProtocol.filter((g) => g.balanced);
  if (consult.length) {
    out.push('', table([['consultancy', 'honest n', 'honest acc.', '95% Wilson', 'dishonest n', 'dishonest acc.', '95% Wilson'], ...consult.map((g) => [g.preset, String(g.balanced?.honest.n), f3(g.balanced?.honest.rate ?? NaN), ci(g.balanced?.honest ?? { low: NaN, high: NaN }), String(g.balanced?.dishonest.n), f3(g.balanced?.dishonest.rate ?? NaN), ci(g.balanced?.dishonest ?? { low: NaN, high: NaN })])]));
  }
  if (report.balance.length) {
    out.push(
      '',
      'Balance of the assignment',
      table([
        ['protocol', 'debates', 'questions', 'honest', 'dishonest', 'correct first', 'correct later', 'correct at position 1/2/…', 'balanced questions'],
        ...report.balance.map((b) => [b.preset, String(b.debates), String(b.questions), String(b.honest), String(b.dishonest), String(b.correctFirst), String(b.correctLater), b.byPosition.join('/'), `${b.balancedQuestions} of ${b.questions}`]),
      ]),
    );
  }
  if (report.choices.length) {
    out.push(
      '',
      'Open protocols: the protagonist’s choice',
      table([
        ['protocol', 'debates', 'chosen', 'timed out', 'chose correct', '95% Wilson', 'accuracy after correct', '95% Wilson', 'accuracy after wrong', '95% Wilson'],
        ...report.choices.map((c) => [c.preset, String(c.debates), String(c.chosen), String(c.timedOut), f3(c.choseCorrect.rate), ci(c.choseCorrect), f3(c.accuracyAfterCorrect.rate), ci(c.accuracyAfterCorrect), f3(c.accuracyAfterWrong.rate), ci(c.accuracyAfterWrong)]),
      ]),
    );
  }
  if (report.comparisons.length) {
    out.push(
      '',
      table([
        ['difference', 'rooms', 'scoring', 'paired questions', 'excluded', 'accuracy', '95% paired t', '95% cluster'],
        ...report.comparisons.map((c) => [`${c.a} − ${c.b}`, c.rooms.label, c.scoring, c.paired ? String(c.questions) : 'unpaired', String(c.excluded), f3(c.difference), ci(c.normal), ci(c.cluster)]),
      ]),
    );
  }
  out.push(...ratingsTables(report), ...strengthTable(report));
  const effects: string[][] = [];
  for (const g of report.byProtocol) {
    for (const e of [g.position, g.speakingOrder]) {
      if (!e) continue;
      for (const r of e.rows) effects.push([`${g.preset}: ${r.label}`, String(r.accuracy.n), f3(r.accuracy.rate), ci(r.accuracy), '', '']);
      if (e.difference) effects.push([`${g.preset}: difference`, '', f3(e.difference.estimate), '', ci(e.difference), ci(e.difference.cluster)]);
    }
  }
  if (effects.length) out.push('', table([['position and speaking order', 'n', 'accuracy', '95% Wilson', '95% normal', '95% cluster'], ...effects]));
  for (const g of report.byProtocol) if (g.position.aliased) out.push(`${g.preset}: aliased with ${g.position.aliased}.`);
  out.push(
    '',
    table([
      ['protocol', 'info gain (bits)', 'n with prior', '95% cluster', 'mean continues', ...report.byProtocol[0]?.coverage.filter((_, i) => i % 2 === 0).map((c) => `acc@p≥${c.threshold}`) ?? []],
      ...report.byProtocol.map((g) => [
        g.preset,
        f3(g.informationGain.bits),
        String(g.informationGain.n),
        ci(g.informationGain.cluster),
        f3(g.meanContinues),
        ...g.coverage.filter((_, i) => i % 2 === 0).map((c) => `${f3(c.accuracy)} (${Number.isFinite(c.coverage) ? Math.round(100 * c.coverage) : '–'}%)`),
      ]),
    ]),
  );
  out.push('', report.method);
  return out.join('\n');
}

/** The debater ratings, one table per protocol (and its pairs). */
export function ratingsTables(report: Pick<Report, 'ratings'>): string[] {
  const out: string[] = [];
  for (const r of report.ratings) {
    const elo = (x: number | null) => (x === null ? '–' : x.toFixed(0));
    const rate = (x: { games: number; rate: number }) => (x.games ? `${f3(x.rate)} (${x.games})` : '–');
    out.push(
      '',
      `Debater ratings, ${r.preset}: ${r.debates} two-debater debates (${r.crossPlay} between different debaters, ${r.selfPlay} self-play); honest debater won ${f3(r.honestWins.estimate)} ${ci(r.honestWins)}`,
      table([
        ['debater', 'debates', 'Elo (mean of roles)', '95% cluster', 'Elo honest', 'Elo dishonest', 'honest − dishonest', 'win rate as honest (n)', 'as dishonest (n)', 'win rate, both assignments'],
        ...r.agents.map((a) => [a.agent, String(a.debates), a.identified ? elo(a.elo) : 'not identified', Number.isFinite(a.low) ? `[${elo(a.low)}, ${elo(a.high)}]` : '–', elo(a.eloHonest), elo(a.eloDishonest), elo(a.gap), rate(a.asHonest), rate(a.asDishonest), a.winRate === null ? '–' : f3(a.winRate)]),
      ]),
    );
    const apart = r.agents.filter((a) => !a.identified).map((a) => a.agent);
    if (apart.length) out.push(`Not identified: ${apart.join(', ')} never met the largest connected group of debaters (e.g. only themselves), so the data fix only the honest − dishonest gap; a level would come from the prior alone.`);
    if (r.pairs.length > 1 && r.pairs.length <= 30) {
      out.push('', table([['a vs b', 'a honest: a wins (n)', 'a dishonest: a wins (n)', 'a wins, both assignments'], ...r.pairs.map((p) => [`${p.a} vs ${p.b}`, rate(p.asHonest), rate(p.asDishonest), p.winRate === null ? '–' : f3(p.winRate)])]));
    }
  }
  return out;
}

/** Debater strength against judge accuracy (Khan et al. 2024), when the report has it. */
export function strengthTable(report: Pick<Report, 'strength'>): string[] {
  const out: string[] = [];
  if (report.strength) {
    const s = report.strength;
    const acc = (a: { n: number; rate: number; low: number; high: number }) => (a.n ? `${f3(a.rate)} ${ci(a)} (${a.n})` : '–');
    out.push(
      '',
      `Debater strength against judge accuracy (Khan et al. 2024): rating in ${s.preset}; accuracy with the debater against itself, and as consultant`,
      table([
        ['judge', 'debater', 'Elo', '95% cluster', 'debate accuracy, 95% Wilson (n)', 'consultancy accuracy, 95% Wilson (n)'],
        ...s.points.map((p) => [p.judge, p.agent, p.elo === null ? 'not identified' : p.elo.toFixed(0), Number.isFinite(p.low) ? `[${p.low.toFixed(0)}, ${p.high.toFixed(0)}]` : '–', acc(p.debate), acc(p.consultancy)]),
      ]),
      ...s.trends.map((t) => `${t.judge}, ${t.protocol}: accuracy ${t.slopePer100 === null ? 'has no slope' : `${t.slopePer100 >= 0 ? '+' : ''}${t.slopePer100.toFixed(3)} per 100 Elo`} over ${t.points} debater(s)`),
    );
  }
  return out;
}
