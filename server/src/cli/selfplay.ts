import type { Command } from 'commander';
import { batchOptions, list, positiveInt } from './options.ts';
import { PRESET_NAMES, type PresetName } from '@arena/shared';
import { agentCatalog, listAgents } from '../agent-catalog.ts';
import { defaultAgentsConfig, loadAgentsConfig } from '../agents/registry.ts';
import { runBatch, planDebates, selectScenarios, type SeatAgents } from '../selfplay/batch.ts';
import { researcherToken, serverUrl } from './agents.ts';
import { loadScenarioPacks } from '../scenarios/load.ts';
import { batchProgress } from './batch-progress.ts';
import { commandStore } from './store.ts';
import { readJsonLines } from './ndjson.ts';



interface SelfplayOptions {
  scenariosDir: string;
  pack?: string;
  scenario?: string[];
  presets: string[];
  debaters: string[];
  judges: string[];
  seeds: number;
  seedPrefix: string;
  concurrency: number;
  limit?: number;
  dataDir: string;
  agents?: string;
  turnTimeout: number;
  json?: boolean;
  progress: boolean;
  server?: string;
  token?: string;
  public?: boolean;
}

export function registerSelfplay(program: Command): void {
  batchOptions(program.command('selfplay'))
    .description('run AI-vs-AI debates in batch through the engine and store their transcripts (resumable)')
    .option('--scenarios-dir <dir>', 'folder of scenario packs', process.env.ARENA_SCENARIOS_DIR ?? 'scenarios')
    .option('--pack <id>', 'only scenarios of this pack (default: every passage scenario; image scenarios too when --presets has an image-only protocol such as pixels)')
    .option('--scenario <ids>', 'only these scenario ids (comma-separated)', list)
    .option('--presets <names>', `protocols (comma-separated; known: ${PRESET_NAMES.join(', ')})`, list, ['debate', 'consultancy', 'blind'])
    .option('--debaters <ids>', 'debater agents, comma-separated; "x/y" seats x as A and y as B', list, ['builtin:passage-debater'])
    .option('--judges <ids>', 'judge agents, comma-separated', list, ['builtin:passage-judge'])
    .option('--seeds <n>', 'seeds per combination', positiveInt, 3)
    .option('--seed-prefix <text>', 'seed names are <prefix>1 … <prefix>n', 's')
    .option('--limit <n>', 'play at most n new debates, then stop (re-run to resume)', positiveInt)
    .option('--server <url>', 'play on this running server, each debate a live session (needed for remote agents: remote:<name>)')
    .option('--token <token>', 'with --server: the researcher token (default $ARENA_RESEARCHER_TOKEN or <data-dir>/researcher-token)')
    .option('--public', 'make the debates public (listed, full transcripts open to anyone); default private: researchers only')
    .addHelpText(
      'after',
      `\nExample:\n  arena selfplay --presets debate,consultancy,blind --seeds 6 --judges builtin:passage-judge\n\nBuilt-in agents: ${listAgents(undefined).join(', ')}`,
    )
    .action(async (opts: SelfplayOptions) => {
      const agents = agentCatalog({ config: opts.agents ? loadAgentsConfig(opts.agents) : defaultAgentsConfig() });
      const presets = opts.presets.map((p) => {
        if (!(PRESET_NAMES as string[]).includes(p)) throw new Error(`unknown preset "${p}" (known: ${PRESET_NAMES.join(', ')})`);
        return p as PresetName;
      });
      if (opts.server) return selfplayOnServer(opts, presets);
      const assignments: SeatAgents[] = [];
      for (const d of opts.debaters) for (const judge of opts.judges) assignments.push({ debaters: d.split('/'), judge });
      // Fail before any debate on an unknown agent or a missing API key.
      for (const id of new Set([...opts.debaters.flatMap((d) => d.split('/')), ...opts.judges])) agents.make(id, 'check');
      const scenarios = selectScenarios((await loadScenarioPacks(opts.scenariosDir)).scenarios, {
        presets,
        ...(opts.pack ? { pack: opts.pack } : {}),
        ...(opts.scenario ? { ids: opts.scenario } : {}),
      });
      if (scenarios.length === 0) throw new Error('no scenarios match');
      const plan = { scenarios, presets, assignments, seeds: Array.from({ length: opts.seeds }, (_, i) => `${opts.seedPrefix}${i + 1}`) };
      const total = planDebates(plan).length;
      const store = await commandStore(opts.dataDir);
      const progress = batchProgress('selfplay', opts);
      progress.start(total);
      const tty = process.stderr.isTTY && opts.progress && !opts.json;
      try {
        const summary = await runBatch(plan, {
          store,
          visibility: opts.public ? 'public' : 'private',
          agents,
          concurrency: opts.concurrency,
          ...(opts.limit ? { limit: opts.limit } : {}),
          signal: progress.signal,
          turnTimeoutMs: opts.turnTimeout,
          ...(tty ? {} : { log: (line: string) => process.stderr.write(`${line}\n`) }),
          onDebate: ({ item, outcome, correct, error }) => progress.debate(item.id, outcome, correct, error),
        });
        progress.stop();
        if (opts.json) console.log(JSON.stringify(summary, null, 2));
        else {
          console.log(
            `${summary.played} played, ${summary.skipped} already stored, ${summary.failed} failed, ${summary.unfinished} unfinished ` +
              `of ${summary.planned} planned in ${summary.seconds.toFixed(1)} s (${summary.debatesPerSecond.toFixed(1)} debates/s)`,
          );
          for (const e of summary.errors.slice(0, 10)) console.log(`  ${e.id}: ${e.error}`);
        }
        if (summary.failed) process.exitCode = 1;
      } finally {
        progress.stop();
        await store.close();
      }
    });
}

/** `arena selfplay --server`: the server plays the batch as live sessions and streams each debate's outcome. */
async function selfplayOnServer(opts: SelfplayOptions, presets: PresetName[]): Promise<void> {
  const body = {
    presets,
    debaters: opts.debaters,
    judges: opts.judges,
    seeds: opts.seeds,
    seedPrefix: opts.seedPrefix,
    concurrency: opts.concurrency,
    ...(opts.pack ? { pack: opts.pack } : {}),
    ...(opts.scenario ? { scenarios: opts.scenario } : {}),
    ...(opts.limit ? { limit: opts.limit } : {}),
  };
  // A first Ctrl-C closes the stream: the server finishes the debates in flight and starts no more.
  const progress = batchProgress('selfplay', opts);
  const res = await fetch(`${serverUrl(opts.server)}/api/selfplay`, {
    method: 'POST',
    signal: progress.signal,
    headers: { authorization: `Bearer ${researcherToken(opts)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok || !res.body) {
    progress.stop();
    throw new Error(`the server refused the batch: ${res.status} ${((await res.json().catch(() => ({}))) as { error?: string }).error ?? ''}`);
  }
  let summary = null as Record<string, any> | null;
  try {
    await readJsonLines(res.body, (m) => {
      if (m.type === 'start') progress.start(m.planned);
      else if (m.type === 'debate') progress.debate(m.id, m.outcome, m.correct, m.error);
      else if (m.type === 'summary') summary = m;
    });
  } finally {
    progress.stop();
  }
  if (!summary) throw new Error('the server ended the batch without a summary');
  const { type: _type, ...rest } = summary;
  if (opts.json) console.log(JSON.stringify(rest, null, 2));
  else console.log(`${rest.played} played, ${rest.skipped} already stored, ${rest.failed} failed, ${rest.unfinished} unfinished of ${rest.planned} planned in ${rest.seconds.toFixed(1)} s on ${serverUrl(opts.server)}`);
  for (const e of (rest.errors as { id: string; error: string }[]).slice(0, 10)) if (!opts.json) console.log(`  ${e.id}: ${e.error}`);
  if (rest.failed) process.exitCode = 1;
}
