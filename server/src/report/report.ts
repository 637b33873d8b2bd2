/**
 * The report: one pure function over transcripts, used by the CLI (`arena report`), the
 * web results page (/api/results), the HTML report and the tests, so all print the same
 * numbers on the same data.
 */
import { PRESET_NAMES, TIE_RULE, type TranscriptRecord } from '@arena/shared';
import { choiceTable, type ChoiceRow } from './choices.ts';
import { balanceTable, coverageCurve, informationGain, positionAndOrder, type BalanceRow, type CoveragePoint, type Effect, type InformationGain } from './analyses.ts';
import { compareProtocols, inRooms, settingsOf, type Comparison } from './compare.ts';
import { debaterRatings, type DebaterRatings } from './ratings.ts';
import { selectOutcomes, type Outcome, type ReportFilter } from './outcomes.ts';
import { groupStats, type GroupStats } from './stats.ts';
import { strengthVsAccuracy, type StrengthVsAccuracy } from './strength.ts';

export interface ProtocolSection extends GroupStats {
  preset: string;
  coverage: CoveragePoint[];
  informationGain: InformationGain;
  meanContinues: number;
  position: Effect;
  speakingOrder: Effect | null;
}

export interface Report {
  filter: ReportFilter;
  debates: number;
  finished: number;
  ties: number;
  byProtocol: ProtocolSection[];
  byAgent: ({ preset: string; judge: string; debaters: string } & GroupStats)[];
  balance: BalanceRow[];
  /** Open protocols: how often the chosen answer was the correct one, and the judge's accuracy after each. */
  choices: ChoiceRow[];
  comparisons: Comparison[];
  /** Debater ratings per preset with two-debater debates between different debaters. */
  ratings: DebaterRatings[];
  /** Each debater's rating in debate against the judge's accuracy in its self-play debates and its consultancies (Khan et al. 2024); null without both. */
  strength: StrengthVsAccuracy | null;
  tieRule: string;
  method: string;
}

/** Presets in the order of the preset table; unknown ones (imports) after, by name. */
const ORDER: readonly string[] = PRESET_NAMES;
const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
export const byPresetOrder = (a: string, b: string) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99) || byString(a, b);

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const t of items) m.set(key(t), [...(m.get(key(t)) ?? []), t]);
  return m;
}

export const REPORT_METHOD =
  `Accuracy: ${TIE_RULE} 95% Wilson interval, and a 95% two-way cluster-robust interval over judges and questions (Cameron–Gelbach–Miller: V_judge + V_question − V_judge∩question from each verdict's influence, t with min(judges, questions) − 1 degrees of freedom). ` +
  'Consultancy "balanced": mean of the honest- and dishonest-consultant accuracies (the consultant is honest when the answer it argues is the correct one), 95% Agresti–Caffo interval. ' +
  'ECE: every stated final probability (each answer) against whether that answer is correct, 10 equal bins of the probability as stated (to 6 decimals, so a stored 1 − 0.8 falls in the 0.2 bin); Brier: summed over answers. ' +
  'Questions: the story and the question, normalised. Differences: mean over the questions judged under both protocols of the per-question accuracy difference ' +
  '(balanced rows: consultancy balanced per question, so only questions with both an honest and a dishonest consultancy), paired t interval (questions − 1 degrees of freedom) and the two-way cluster-robust interval of the equivalent weighted regression of a verdict on its protocol (each verdict weighted by its share of its side\'s per-question score; CGM with the (N − 1)/(N − 2) factor); ' +
  'with no common question, the unpaired difference (normal interval). Each difference pairs within one setting, named beside it: who debated (human, AI) and, for imported data, the rooms the original analysis included or every room; when the selection mixes settings a pooled row comes first and says so. ' +
  'Debater ratings: Bradley–Terry by penalised maximum likelihood (Newton–Raphson; one virtual tie per role against a reference, a weak prior), ' +
  'one rating per debater as honest and as dishonest, the aggregate their mean (averaged over both assignments), Elo scale (1500 = mean rating of the roles in the largest group linked by games; a debater outside it, such as one that only met itself, is not identified: no level, no interval, only its honest − dishonest gap); a debater wins when the judge puts more probability on its answer than on the other debater\'s, a tie counts half; two-debater debates only. ' +
  'Strength against accuracy (Khan et al. 2024): each rated debater\'s debate rating against its judge\'s accuracy in the debates it played against a copy of itself and in its consultancies, 95% Wilson intervals, and the least-squares slope of accuracy on rating per 100 Elo. ' +
  'Open protocols: share of choices of the correct answer (choices that timed out, where the drawn answer stood, counted apart), 95% Wilson interval; the judge\'s accuracy after a correct and after a wrong choice. ' +
  'Information gain: mean log2(p_final(correct) / p_prior(correct)) over debates that open with a judge turn.';

/** The report over the records in the selection. Pure and deterministic (closed-form cluster intervals, seeded bootstraps). */
export function computeReport(records: Iterable<TranscriptRecord>, filter: ReportFilter = {}): Report {
  const { debates, outcomes } = selectOutcomes(records, filter);
  return reportOf(outcomes, debates, filter);
}

/** The report over outcomes already selected. */
export function reportOf(outcomes: readonly Outcome[], debates: number, filter: ReportFilter = {}): Report {
  const byPreset = new Map([...groupBy(outcomes, (o) => o.preset).entries()].sort(([a], [b]) => byPresetOrder(a, b)));
  const byProtocol: ProtocolSection[] = [...byPreset.entries()].map(([preset, items]) => ({
    preset,
    ...groupStats(items),
    coverage: coverageCurve(items),
    informationGain: informationGain(items),
    meanContinues: items.reduce((s, o) => s + o.continues, 0) / items.length,
    ...positionAndOrder(items),
  }));
  const byAgent = [...groupBy(outcomes, (o) => `${o.preset}\u0000${o.judgeLabel}\u0000${o.debaters}`).values()]
    .map((items) => {
      const first = items[0] as Outcome;
      return { preset: first.preset, judge: first.judgeLabel, debaters: first.debaters, ...groupStats(items) };
    })
    .sort((x, y) => byPresetOrder(x.preset, y.preset) || byString(x.judge, y.judge) || byString(x.debaters, y.debaters));
  const comparisons: Comparison[] = [];
  // Pairs within each setting (who debated; the paper's rooms and every room), so no number mixes settings unsaid.
  for (const rooms of settingsOf(outcomes)) {
    const of = (preset: string) => {
      const items = byPreset.get(preset)?.filter((o) => inRooms(o, rooms));
      return items?.length ? items : undefined;
    };
    const debate = of('debate');
    const consultancy = of('consultancy');
    const blind = of('blind');
    if (debate && consultancy) {
      comparisons.push(compareProtocols('debate', debate, 'consultancy', consultancy, 'raw', rooms));
      comparisons.push(compareProtocols('debate', debate, 'consultancy', consultancy, 'balanced', rooms));
    }
    if (debate && blind) comparisons.push(compareProtocols('debate', debate, 'blind', blind, 'raw', rooms));
    // Kenton et al. 2024 compare the open protocols with each other; the expert judge is the upper bound debate is measured against.
    const openDebate = of('open-debate');
    const openConsultancy = of('open-consultancy');
    const expert = of('expert');
    if (openDebate && openConsultancy) comparisons.push(compareProtocols('open-debate', openDebate, 'open-consultancy', openConsultancy, 'raw', rooms));
    if (expert && debate) comparisons.push(compareProtocols('expert', expert, 'debate', debate, 'raw', rooms));
  }
  const ratings = [...byPreset.entries()].flatMap(([preset, items]) => debaterRatings(preset, items) ?? []);
  return {
    filter,
    debates,
    finished: outcomes.length,
    ties: outcomes.filter((o) => o.tie).length,
    byProtocol,
    byAgent,
    balance: balanceTable(byPreset),
    choices: choiceTable(byPreset),
    comparisons,
    ratings,
    strength: strengthVsAccuracy(
      ratings.find((r) => r.preset === 'debate'),
      byPreset.get('debate') ?? [],
      byPreset.get('consultancy') ?? [],
    ),
    tieRule: TIE_RULE,
    method: REPORT_METHOD,
  };
}
