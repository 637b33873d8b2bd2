/**
 * `arena tournament`: debaters meet in rounds (round-robin, Swiss or power-paired) over a
 * pack with one judge, after a baseline of self-play debates and consultancies; prints
 * the rounds, the standings, the debate ratings and each debater's rating against the
 * judge's accuracy in debate and in consultancy, and writes the HTML report with the plot.
 * Resumable: the same command with the same --id skips what is stored.
 */
import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { agentCatalog } from '../agent-catalog.ts';
import { defaultAgentsConfig, loadAgentsConfig } from '../agents/registry.ts';
import { ratingsTables, strengthTable, table } from '../report/format.ts';
import { computeReport, type Report } from '../report/report.ts';
import { loadScenarioPacks } from '../scenarios/load.ts';
import { plannedCount, runTournament, tournamentScenarios, TOURNAMENT_FORMATS, type TournamentFormat, type TournamentSpec, type TournamentSummary } from '../tournament/tournament.ts';
import { researcherToken, serverUrl } from './agents.ts';
import { batchProgress } from './batch-progress.ts';
import { readJsonLines } from './ndjson.ts';
import { batchOptions, list, positiveInt } from './options.ts';
import { commandStore, commandStores } from './store.ts';
import { loadSelection } from '../report/select.ts';

interface TournamentOptions {
  id: string;
  agents?: string;
  debaters: string[];
  judge: string;
  format: TournamentFormat;
  rounds?: number;
  seeds: number;
  scenariosDir: string;
  pack?: string;
  scenario?: string[];
  concurrency: number;
  dataDir: string;
  turnTimeout: number;
  html?: string;
  json?: boolean;
  progress: boolean;
  server?: string;
  token?: string;
  public?: boolean;
}

function format(value: string): TournamentFormat {
  if (!(TOURNAMENT_FORMATS as readonly string[]).includes(value)) throw new InvalidArgumentError(`one of ${TOURNAMENT_FORMATS.join(', ')}`);
  return value as TournamentFormat;
}

/** The rounds and the standings as text. */
function formatTournament(s: Pick<TournamentSummary, 'id' | 'format' | 'rounds' | 'standings' | 'unplayedRounds'>): string {
  const out: string[] = [`Tournament ${s.id} (${s.format})`];
  for (const r of s.rounds) {
    const matches = r.matches.map((m) => `${m.a} ${fmt(m.scoreA)}–${fmt(m.scoreB)} ${m.b}`);
    out.push(`round ${r.round}: ${matches.join('; ')}${r.bye ? `; bye: ${r.bye}` : ''}`);
  }
  if (s.unplayedRounds) out.push(`${s.unplayedRounds} round(s) not played yet: a round before them is unfinished; run the same command again to resume`);
  out.push(
    '',
    table([
      ['standings', 'match points', 'debate wins', 'matches', 'rating (pairing)'],
      ...s.standings.map((x) => [x.agent, fmt(x.points), fmt(x.debateWins), String(x.matches), x.rating.toFixed(0)]),
    ]),
  );
  return out.join('\n');
}

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));

export function registerTournament(program: Command): void {
  batchOptions(program.command('tournament'))
    .description('a tournament of debaters over a pack with one judge (round-robin, Swiss or power-paired), with a baseline of self-play debates and consultancies; ratings and the strength-against-accuracy plot (resumable by --id)')
    .requiredOption('--id <id>', 'the tournament id: running again with the same id resumes it')
    .requiredOption('--debaters <ids>', 'the debater agents, comma-separated (at least two)', list)
    .option('--judge <id>', 'the judge agent', 'builtin:passage-judge')
    .option('--format <name>', `pairing: ${TOURNAMENT_FORMATS.join(', ')}`, format, 'swiss')
    .option('--rounds <n>', 'rounds (default: round-robin all of them; Swiss and power ⌈log2 debaters⌉)', positiveInt)
    .option('--seeds <n>', 'debates per question in each match and each baseline (2: each debater takes the correct answer once)', positiveInt, 2)
    .option('--scenarios-dir <dir>', 'folder of scenario packs', process.env.ARENA_SCENARIOS_DIR ?? 'scenarios')
    .option('--pack <id>', 'only scenarios of this pack (its two-answer ones)')
    .option('--scenario <ids>', 'only these scenario ids (comma-separated)', list)
    .option('--html <file>', 'write the HTML report of the tournament (with the strength-against-accuracy plot)')
    .option('--server <url>', 'play on this running server, each debate a live session (needed for remote agents)')
    .option('--token <token>', 'with --server: the researcher token (default $ARENA_RESEARCHER_TOKEN or <data-dir>/researcher-token)')
    .option('--public', 'make the debates public; default private: researchers only')
    .addHelpText('after', '\nExample:\n  arena tournament --id t1 --debaters builtin:passage-debater,builtin:random,quotes-1 --format swiss --pack originals --html t1.html')
    .action(async (opts: TournamentOptions) => {
      const progress = batchProgress('tournament', opts);
      let summary: TournamentSummary;
      try {
        summary = opts.server ? await onServer(opts, progress) : await inProcess(opts, progress);
      } finally {
        progress.stop();
      }
      const report = opts.server ? await serverReport(opts) : await localReport(opts);
      if (opts.html) {
        const { htmlReport } = await import('../report/html.ts');
        await writeFile(opts.html, await htmlReport(report, `Tournament ${opts.id}`, [formatTournament(summary)]));
      }
      if (opts.json) console.log(JSON.stringify({ ...summary, ratings: report.ratings, strength: report.strength }, null, 2));
      else {
        console.log([formatTournament(summary), ...ratingsTables(report), ...strengthTable(report)].join('\n'));
        console.log(`\n${summary.played} played, ${summary.skipped} already stored, ${summary.failed} failed, ${summary.unfinished} unfinished of ${summary.planned} planned in ${summary.seconds.toFixed(1)} s${opts.html ? `; wrote ${opts.html}` : ''}`);
        for (const e of summary.errors.slice(0, 10)) console.log(`  ${e.id}: ${e.error}`);
      }
      if (summary.failed) process.exitCode = 1;
    });
}

/** The report over the tournament's debates in the command's store, selected as `arena report --tournament` selects them. */
async function localReport(opts: TournamentOptions): Promise<Report> {
  const stores = await commandStores(opts.dataDir);
  try {
    const filter = { tournament: opts.id };
    return computeReport(await loadSelection(stores, filter), filter);
  } finally {
    await stores.close();
  }
}

/** The same report from the server that played the tournament (GET /api/results?tournament=…, with the researcher token). */
async function serverReport(opts: TournamentOptions): Promise<Report> {
  const res = await fetch(`${serverUrl(opts.server)}/api/results?tournament=${encodeURIComponent(opts.id)}`, { headers: { authorization: `Bearer ${researcherToken(opts)}` } });
  if (!res.ok) throw new Error(`the server did not give the tournament's report: ${res.status}`);
  // JSON has no NaN: the report's missing values come back as null, which the tables and plots print as "–".
  return ((await res.json()) as { report: Report }).report;
}

async function inProcess(opts: TournamentOptions, progress: ReturnType<typeof batchProgress>): Promise<TournamentSummary> {
  const agents = agentCatalog({ config: opts.agents ? loadAgentsConfig(opts.agents) : defaultAgentsConfig() });
  // Fail before any debate on an unknown agent or a missing API key.
  for (const id of new Set([...opts.debaters, opts.judge])) agents.make(id, 'check');
  const spec: TournamentSpec = {
    id: opts.id,
    agents: opts.debaters,
    judge: opts.judge,
    format: opts.format,
    ...(opts.rounds ? { rounds: opts.rounds } : {}),
    seeds: opts.seeds,
    scenarios: tournamentScenarios((await loadScenarioPacks(opts.scenariosDir)).scenarios, { ...(opts.pack ? { pack: opts.pack } : {}), ...(opts.scenario ? { ids: opts.scenario } : {}) }),
  };
  const store = await commandStore(opts.dataDir);
  const tty = process.stderr.isTTY && opts.progress && !opts.json;
  try {
    progress.start(plannedCount(spec));
    return await runTournament(spec, {
      store,
      agents,
      visibility: opts.public ? 'public' : 'private',
      concurrency: opts.concurrency,
      signal: progress.signal,
      turnTimeoutMs: opts.turnTimeout,
      ...(tty ? {} : { log: (line: string) => process.stderr.write(`${line}\n`) }),
      onDebate: ({ item, outcome, correct, error }) => progress.debate(item.id, outcome, correct, error),
    });
  } finally {
    await store.close();
  }
}

/** `--server`: the server plays the tournament as live sessions and streams each debate's outcome. */
async function onServer(opts: TournamentOptions, progress: ReturnType<typeof batchProgress>): Promise<TournamentSummary> {
  const body = {
    id: opts.id,
    agents: opts.debaters,
    judge: opts.judge,
    format: opts.format,
    seeds: opts.seeds,
    concurrency: opts.concurrency,
    visibility: opts.public ? 'public' : 'private',
    ...(opts.rounds ? { rounds: opts.rounds } : {}),
    ...(opts.pack ? { pack: opts.pack } : {}),
    ...(opts.scenario ? { scenarios: opts.scenario } : {}),
  };
  const res = await fetch(`${serverUrl(opts.server)}/api/tournaments`, {
    method: 'POST',
    signal: progress.signal,
    headers: { authorization: `Bearer ${researcherToken(opts)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok || !res.body) throw new Error(`the server refused the tournament: ${res.status} ${((await res.json().catch(() => ({}))) as { error?: string }).error ?? ''}`);
  let summary = null as TournamentSummary | null;
  let refused = '';
  await readJsonLines(res.body, (m) => {
    if (m.type === 'start') progress.start(m.planned);
    else if (m.type === 'debate') progress.debate(m.id, m.outcome, m.correct, m.error);
    else if (m.type === 'refused') refused = String(m.error);
    else if (m.type === 'summary') {
      const { type: _type, ...rest } = m;
      summary = rest as TournamentSummary;
    }
  });
  if (refused) throw new Error(`the server refused the tournament: ${refused}`);
  if (!summary) throw new Error('the server ended the tournament without a summary');
  return summary;
}
