/**
 * `arena power`: the power to detect a difference between two protocols for a number of
 * judges × items, by simulation, with judge and question clustering from stated
 * assumptions or estimated from pilot data in the store (`--from-store` and the report's
 * selection filters).
 */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { estimateVarianceComponents, type PilotEstimate } from '../power/pilot.ts';
import { estimatePower, type PowerPlan, type PowerResult } from '../power/power.ts';
import { filterLabel } from '../report/format.ts';
import { selectOutcomes } from '../report/outcomes.ts';
import { loadSelection } from '../report/select.ts';
import { reportFilter, selectionOptions } from './report.ts';
import { commandStores } from './store.ts';

const number = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${name} must be a number in [${min}, ${max}], got ${v}`);
  return n;
};
const count = (name: string, min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}, got ${v}`);
  return n;
};

interface PowerOptions {
  a: string;
  b: string;
  base?: number;
  diff: number;
  judges: number;
  items: number;
  perJudge?: number;
  judgeSd?: number;
  questionSd?: number;
  fromStore?: boolean;
  simulations: number;
  seed: string;
  json?: boolean;
  progress: boolean;
  dataDir: string;
  source?: string;
  pack?: string;
  preset?: string;
  judge?: string;
  agent?: string;
  inPaper?: boolean;
}

async function pilotOf(o: PowerOptions): Promise<PilotEstimate & { filter: string }> {
  if (o.preset) throw new Error('--preset does not apply to power: the protocols compared are --a and --b');
  const filter = reportFilter(o);
  const stores = await commandStores(o.dataDir);
  try {
    const { outcomes } = selectOutcomes(await loadSelection(stores, filter), filter);
    return { ...estimateVarianceComponents(outcomes, [o.a, o.b], { seed: `${o.seed}/pilot` }), filter: filterLabel(filter) };
  } finally {
    await stores.close();
  }
}

const f3 = (x: number) => x.toFixed(3);
const sign = (x: number) => `${x >= 0 ? '+' : ''}${f3(x)}`;

function formatPower(r: PowerResult, pilot: (PilotEstimate & { filter: string }) | null): string {
  const p = r.plan;
  const out: string[] = [];
  if (pilot) {
    out.push(
      `Pilot${pilot.filter ? ` (${pilot.filter})` : ''}: ${pilot.judgements} judgements by ${pilot.judges} judge(s) on ${pilot.questions} questions; accuracy ${Object.entries(pilot.accuracy).map(([k, v]) => `${k} ${f3(v)}`).join(', ')}`,
      `  judge sd ${pilot.judgeSd.toFixed(2)}, question sd ${pilot.questionSd.toFixed(2)} (logit scale, method of simulated moments${pilot.atBoundary ? '; AT THE EDGE of the searched range' : ''})`,
    );
  }
  out.push(
    `Design: ${p.judges} judges × ${p.items} questions, ${p.perJudge} per judge (${r.judgements} judgements), crossed and counterbalanced; ${p.b} ${f3(p.base)}, ${p.a} ${f3(p.base + p.diff)} (difference ${sign(p.diff)}); judge sd ${p.judgeSd.toFixed(2)}, question sd ${p.questionSd.toFixed(2)}`,
    `Power over ${p.simulations} simulated datasets (seed "${p.seed}"), each analysed as arena report does (${p.a} − ${p.b} paired over questions):`,
    `  95% judge × question cluster interval excludes 0: ${f3(r.cluster.rate)}  (Monte Carlo 95% [${f3(r.cluster.low)}, ${f3(r.cluster.high)}])`,
    `  95% paired t interval excludes 0:                  ${f3(r.normal.rate)}  (Monte Carlo 95% [${f3(r.normal.low)}, ${f3(r.normal.high)}])`,
    `mean estimated difference ${sign(r.meanEstimate)}, mean cluster interval width ${f3(r.meanClusterWidth)}; ${r.seconds.toFixed(1)} s`,
  );
  return out.join('\n');
}

export function registerPower(program: Command): void {
  selectionOptions(program.command('power'))
    .description('power to detect a difference between two protocols for judges × questions, by simulation with judge and question random effects (stated, or estimated from pilot data with --from-store)')
    .option('--a <preset>', 'the protocol expected to do better', 'debate')
    .option('--b <preset>', 'the baseline protocol', 'consultancy')
    .option('--base <p>', "baseline accuracy (default 0.75, or the pilot's with --from-store)", number('--base', 0, 1))
    .option('--diff <d>', 'accuracy difference a − b to detect', number('--diff', -1, 1), 0.1)
    .option('--judges <n>', 'judges', count('--judges', 2), 40)
    .option('--items <n>', 'questions', count('--items', 1), 10)
    .option('--per-judge <n>', 'questions each judge judges (default: all)', count('--per-judge', 1))
    .option('--judge-sd <sd>', "judge random-effect sd, logit scale (default 0.5, or the pilot's)", number('--judge-sd', 0, 10))
    .option('--question-sd <sd>', "question random-effect sd, logit scale (default 0.5, or the pilot's)", number('--question-sd', 0, 10))
    .option('--from-store', 'estimate the sds (and the baseline accuracy) from the stored debates of the selection')
    .option('--simulations <n>', 'simulated datasets', count('--simulations', 1), 500)
    .option('--seed <seed>', 'simulation seed', 'power')
    .option('--json', 'print the result as JSON')
    .option('--no-progress', 'no progress bar')
    .action(async (o: PowerOptions) => {
      const pilot = o.fromStore ? await pilotOf(o) : null;
      const plan: PowerPlan = {
        base: o.base ?? pilot?.accuracy[o.b] ?? 0.75,
        diff: o.diff,
        judges: o.judges,
        items: o.items,
        perJudge: o.perJudge ?? o.items,
        judgeSd: o.judgeSd ?? pilot?.judgeSd ?? 0.5,
        questionSd: o.questionSd ?? pilot?.questionSd ?? 0.5,
        simulations: o.simulations,
        seed: o.seed,
        a: o.a,
        b: o.b,
      };
      if (plan.perJudge > plan.items) throw new Error(`--per-judge (${plan.perJudge}) cannot exceed --items (${plan.items})`);
      const bar =
        o.progress && !o.json && process.stderr.isTTY
          ? new cliProgress.SingleBar({ format: 'power [{bar}] {value}/{total} datasets | {eta_formatted}', stream: process.stderr }, cliProgress.Presets.shades_classic)
          : null;
      bar?.start(plan.simulations, 0);
      try {
        const result = await estimatePower(plan, (done) => bar?.update(done));
        bar?.stop();
        console.log(o.json ? JSON.stringify({ ...result, ...(pilot ? { pilot } : {}) }, null, 2) : formatPower(result, pilot));
      } finally {
        bar?.stop();
      }
    });
}
