/**
 * Judge accuracy and calibration of the imported NYU debates, by setting (human/AI ×
 * debate/consultancy), for the rooms the original analysis used (`includedInPaper`) and
 * for every finished room. Pure: transcripts in, numbers out.
 */
import { brierScore, calibration, mean, wilson, type CalibrationBin, type Proportion, type TranscriptRecord } from '@arena/shared';
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
  /** Judge accuracy (strictly more probability on the correct answer) with a 95% Wilson interval. */
  accuracy: Proportion;
  /** Expected calibration error, 10% bins, over every final probability (each answer's p vs whether it was correct). */
  ece: number;
  /** Mean (1 − p(correct))² of the final judgement. */
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

interface Point {
  isHuman: boolean;
  isDebate: boolean;
  paper: boolean;
  probabilities: number[];
  correctIndex: number;
  correct: boolean;
  judgeScore: number;
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

function row(points: readonly Point[], setting: { isHuman: boolean; isDebate: boolean }, subset: NyuSubset): NyuReportRow {
  const pts = points.filter((p) => p.isHuman === setting.isHuman && p.isDebate === setting.isDebate && (subset === 'finished' || p.paper));
  const n = pts.length;
  const cal = calibration(pts.flatMap((p) => p.probabilities.map((q, i) => ({ p: q, outcome: i === p.correctIndex }))));
  const pc = pts.map((p) => p.probabilities[p.correctIndex] ?? 0);
  return {
    setting: settingLabel(setting),
    ...setting,
    subset,
    n,
    accuracy: wilson(pts.filter((p) => p.correct).length, n),
    ece: cal.ece,
    brier: mean(pts.map((p) => brierScore(p.probabilities, p.correctIndex))),
    meanPCorrect: mean(pc),
    meanJudgeScore: mean(pts.map((p) => p.judgeScore)),
    bins: cal.bins,
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
    if (r.status !== 'finished' || !r.verdict) continue;
    const setting = settingOf(r);
    if (!setting) continue;
    const paper = r.header.meta?.['includedInPaper'] === true;
    if (paper) included++;
    points.push({
      ...setting,
      paper,
      probabilities: r.verdict.probabilities,
      correctIndex: r.verdict.correctIndex,
      correct: r.verdict.correct,
      judgeScore: r.verdict.judgeScore,
    });
  }
  const rows: NyuReportRow[] = [];
  for (const subset of ['paper', 'finished'] as const) for (const s of NYU_SETTINGS) rows.push(row(points, s, subset));
  return { source: NYU_SOURCE, rooms, finished: points.length, includedInPaper: included, rows };
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '–');
const num = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '–');

/** The report as a Markdown table (also readable in a terminal). */
export function formatNyuReport(report: NyuReport): string {
  const lines = [
    `NYU debate 2023: ${report.rooms} rooms, ${report.finished} finished by a judge, ${report.includedInPaper} of them in the paper's analysis`,
    '',
    '| Rooms | Setting | n | Judge accuracy | 95% CI (Wilson) | ECE (10 bins) | Brier | Mean p(correct) |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of report.rows) {
    lines.push(
      `| ${r.subset === 'paper' ? 'in paper' : 'all finished'} | ${r.setting} | ${r.n} | ${pct(r.accuracy.rate)} | ${r.n ? `${pct(r.accuracy.low)}–${pct(r.accuracy.high)}` : '–'} | ${num(r.ece)} | ${num(r.brier)} | ${num(r.meanPCorrect)} |`,
    );
  }
  lines.push(
    '',
    'Accuracy: the final judgement puts strictly more probability on the correct answer. ECE: each final probability (both answers) against whether that answer was correct, 10% bins. Brier: summed over answers.',
  );
  return lines.join('\n');
}
