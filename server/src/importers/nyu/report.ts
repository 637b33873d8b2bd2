/**
 * Judge accuracy and calibration of the imported NYU debates, by setting (human/AI ×
 * debate/consultancy), for the rooms the original analysis used (`includedInPaper`) and
 * for every finished room. Pure: transcripts in, numbers out; the statistics are the
 * general report's (server/src/report), so every path gives the same numbers.
 */
import { type CalibrationBin, type Proportion, type TranscriptRecord } from '@arena/shared';
import { outcomeOf, type Outcome } from '../../report/outcomes.ts';
import { groupStats, type GroupStats } from '../../report/stats.ts';
import { NYU_SOURCE, settingLabel } from './convert.ts';

export const NYU_SETTINGS = [
  { isHuman: true, isDebate: true },
  { isHuman: true, isDebate: false },
  { isHuman: false, isDebate: true },
  { isHuman: false, isDebate: false },
] as const;

export type NyuSubset = 'paper' | 'finished';

export interface NyuReportRow {
  setting: string;
  isHuman: boolean;
  isDebate: boolean;
  /** 'paper': finished rooms with includedInPaper; 'finished': every finished room. */
  subset: NyuSubset;
  n: number;
  /** Judge accuracy (strictly more probability on the correct answer; a tie is not correct) with a 95% Wilson interval. */
  accuracy: Proportion;
  /** The general report's statistics of the row (cluster interval, balanced consultancy, ties…). */
  stats: GroupStats;
  /** Expected calibration error, 10% bins, over every final probability (each answer's p vs whether it was correct). */
  ece: number;
  /** Brier score summed over both answers, Σ_i (p_i − [i correct])², mean over rooms. */
  brier: number;
  /** Mean final probability on the correct answer. */
  meanPCorrect: number;
  /** Mean judge score, log2 p(correct) − penalty × continues. */
  meanJudgeScore: number;
  bins: CalibrationBin[];
}

export interface NyuReport {
  source: typeof NYU_SOURCE;
  /** Transcripts from the NYU dataset that were looked at. */
  rooms: number;
  finished: number;
  includedInPaper: number;
  rows: NyuReportRow[];
}

function settingOf(record: TranscriptRecord): { isHuman: boolean; isDebate: boolean } | null {
  const nyu = (record.header.meta?.['nyu'] ?? null) as { setting?: { isHuman?: unknown; isDebate?: unknown } } | null;
  const s = nyu?.setting;
  if (s && typeof s.isHuman === 'boolean' && typeof s.isDebate === 'boolean') return { isHuman: s.isHuman, isDebate: s.isDebate };
  return null;
}

/** Whether a transcript came from the NYU dataset. */
export function isNyuTranscript(record: TranscriptRecord): boolean {
  return record.header.source?.name === NYU_SOURCE;
}

interface Point {
  setting: { isHuman: boolean; isDebate: boolean };
  paper: boolean;
  outcome: Outcome;
}

function row(points: readonly Point[], setting: { isHuman: boolean; isDebate: boolean }, subset: NyuSubset): NyuReportRow {
  const items = points.filter((p) => p.setting.isHuman === setting.isHuman && p.setting.isDebate === setting.isDebate && (subset === 'finished' || p.paper)).map((p) => p.outcome);
  const stats = groupStats(items);
  return {
    setting: settingLabel(setting),
    ...setting,
    subset,
    n: stats.n,
    accuracy: stats.accuracy,
    stats,
    ece: stats.ece,
    brier: stats.brier,
    meanPCorrect: stats.meanPCorrect,
    meanJudgeScore: stats.meanJudgeScore,
    bins: stats.bins,
  };
}

/** The report over any transcripts; those not from the NYU dataset are ignored. */
export function nyuReport(records: Iterable<TranscriptRecord>): NyuReport {
  const points: Point[] = [];
  let rooms = 0;
  let included = 0;
  for (const r of records) {
    if (!isNyuTranscript(r)) continue;
    rooms++;
    const outcome = outcomeOf(r);
    const setting = settingOf(r);
    if (!outcome || !setting) continue;
    const paper = r.header.meta?.['includedInPaper'] === true;
    if (paper) included++;
    points.push({ setting, paper, outcome });
  }
  const rows: NyuReportRow[] = [];
  for (const subset of ['paper', 'finished'] as const) for (const s of NYU_SETTINGS) rows.push(row(points, s, subset));
  return { source: NYU_SOURCE, rooms, finished: points.length, includedInPaper: included, rows };
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '–');
const num = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const range = (r: { low: number; high: number }) => (Number.isFinite(r.low) ? `${pct(r.low)}–${pct(r.high)}` : '–');

/** The report as a Markdown table (also readable in a terminal). */
export function formatNyuReport(report: NyuReport): string {
  const lines = [
    `NYU debate 2023: ${report.rooms} rooms, ${report.finished} finished by a judge, ${report.includedInPaper} of them in the paper's analysis`,
    '',
    '| Rooms | Setting | n | Judges | Judge accuracy | 95% CI (Wilson) | 95% CI (judge × question cluster) | Honest / dishonest consultant (n) | Balanced | ECE (10 bins) | Brier | Mean p(correct) |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of report.rows) {
    const b = r.stats.balanced;
    lines.push(
      `| ${r.subset === 'paper' ? 'in paper' : 'all finished'} | ${r.setting} | ${r.n} | ${r.stats.judges} | ${pct(r.accuracy.rate)} | ${r.n ? range(r.accuracy) : '–'} | ${range(r.stats.accuracyCluster)} | ${b ? `${pct(b.honest.rate)} (${b.honest.n}) / ${pct(b.dishonest.rate)} (${b.dishonest.n})` : ''} | ${b ? pct(b.rate) : ''} | ${num(r.ece)} | ${num(r.brier)} | ${num(r.meanPCorrect)} |`,
    );
  }
  lines.push(
    '',
    'Accuracy: the final judgement puts strictly more probability on the correct answer (a tie is not correct). The consultant is honest when the answer it argues is the correct one, whichever seat it sits in. ECE: each final probability (both answers) against whether that answer was correct, 10% bins of the probability as stated (to 6 decimals). Brier: summed over answers.',
  );
  return lines.join('\n');
}
