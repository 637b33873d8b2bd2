import type { Command } from 'commander';
import { replay, type Seat, type SeatConfig } from '@arena/shared';
import { agentCatalog } from '../agent-catalog.ts';
import type { Agent } from '../agents/agent.ts';
import { defaultAgentsConfig, loadAgentsConfig } from '../agents/registry.ts';
import { prepareFork } from '../debates/fork.ts';
import { playHeader } from '../selfplay/run-debate.ts';
import { researcherToken, serverUrl } from './agents.ts';
import { commandStore } from './store.ts';
import { list } from './options.ts';

interface ForkOptions {
  at: string;
  seat?: string[];
  seed?: string;
  server?: string;
  token?: string;
  dataDir: string;
  agents?: string;
  json?: boolean;
}

/** `A=builtin:passage-debater`, `judge=human`: a seat and who fills it. */
function parseSeats(specs: readonly string[]): Partial<Record<Seat, SeatConfig>> {
  const seats: Partial<Record<Seat, SeatConfig>> = {};
  for (const spec of specs) {
    const m = /^(A|B|C|D|judge)=(.+)$/.exec(spec.trim());
    if (!m) throw new Error(`--seat ${spec}: write SEAT=AGENT or SEAT=human (e.g. A=builtin:passage-debater, judge=human)`);
    seats[m[1] as Seat] = m[2] === 'human' ? { kind: 'human' } : { kind: 'agent', agent: m[2] as string };
  }
  return seats;
}

/**
 * `arena fork <id> --at N`: a new debate that starts with a stored debate's first N events
 * and continues with the seats given. With --server the running server creates it (as
 * POST /api/debates/:id/fork) and it continues live there (people's seats get links);
 * without, every seat must be an agent and the fork is played at once through the engine
 * into the local database.
 */
export function registerFork(program: Command): void {
  program
    .command('fork <debate>')
    .description('branch a stored debate at an event: a new private debate with its first events, continued by the seats given')
    .requiredOption('--at <n>', 'how many of the debate\'s events the fork starts with (0: none)')
    .option('--seat <seat=agent>', 'fill a seat differently (repeatable or comma-separated): A=builtin:random, judge=human, …', list)
    .option('--seed <text>', 'the fork\'s seed (its agents draw from it); default a new one')
    .option('--server <url>', 'fork on this running server (needed for people\'s seats): it continues live there')
    .option('--token <token>', 'with --server: the researcher token (default $ARENA_RESEARCHER_TOKEN or <data-dir>/researcher-token)')
    .option('--data-dir <dir>', 'embedded database folder (ignored when DATABASE_URL is set)', process.env.ARENA_DATA_DIR ?? './data')
    .option('--agents <file>', 'agents configuration (default $ARENA_AGENTS or ./agents.json)')
    .option('--json', 'print the result as JSON')
    .action(async (id: string, opts: ForkOptions) => {
      if (!/^\d+$/.test(opts.at)) throw new Error(`--at ${JSON.stringify(opts.at)}: write how many events the fork starts with, a whole number, 0 or more (e.g. --at 5)`);
      const at = Number(opts.at);
      const seats = parseSeats(opts.seat ?? []);
      if (opts.server) return forkOnServer(id, at, seats, opts);
      const agents = agentCatalog({ config: opts.agents ? loadAgentsConfig(opts.agents) : defaultAgentsConfig() });
      const store = await commandStore(opts.dataDir);
      try {
        const parent = await store.getTranscript(id);
        if (!parent) throw new Error(`no debate "${id}"`);
        const deps = { agentCapabilities: (a: string) => agents.capabilities(a), makeAgent: (a: string, seed: string) => agents.make(a, seed) };
        const { header, events } = prepareFork(deps, parent, { at, seats, ...(opts.seed ? { seed: opts.seed } : {}) }, Date.now());
        const players: Partial<Record<Seat, Agent>> = {};
        for (const [seat, c] of Object.entries(header.seats) as [Seat, SeatConfig][]) {
          if (c.kind !== 'agent' || !c.agent) throw new Error(`seat ${seat} is a person's: a fork with people continues on a server (--server)`);
          players[seat] = agents.make(c.agent, `${header.seed}/${seat}`);
        }
        const record = await playHeader(header, players, { prefix: events });
        await store.saveTranscript(record, 'private');
        const state = replay(record.header, record.events);
        const out = { id: header.id, parent: header.parent, events: record.events.length, status: record.status, correct: state.verdict?.correct ?? null };
        console.log(opts.json ? JSON.stringify(out, null, 2) : `fork ${out.id} of ${id} at event ${at}: ${out.events} events, ${out.status}${out.correct === null ? '' : out.correct ? ', judged correctly' : ', judged wrongly'}`);
      } finally {
        await store.close();
      }
    });
}

async function forkOnServer(id: string, at: number, seats: Partial<Record<Seat, SeatConfig>>, opts: ForkOptions): Promise<void> {
  const base = serverUrl(opts.server);
  const res = await fetch(`${base}/api/debates/${encodeURIComponent(id)}/fork`, {
    method: 'POST',
    headers: { authorization: `Bearer ${researcherToken(opts)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ at, seats, ...(opts.seed ? { seed: opts.seed } : {}) }),
  });
  const body = (await res.json().catch(() => ({}))) as { error?: string; id?: string; seats?: Record<string, { kind: string; path?: string }>; observerPath?: string };
  if (!res.ok) throw new Error(`the server refused the fork: ${res.status} ${body.error ?? ''}`.trim());
  if (opts.json) return void console.log(JSON.stringify(body, null, 2));
  console.log(`fork ${body.id} of ${id} at event ${at}, continuing live on ${base}`);
  for (const [seat, s] of Object.entries(body.seats ?? {})) console.log(`  ${seat}: ${s.path ? `${base}${s.path}` : s.kind}`);
  console.log(`  observer: ${base}${body.observerPath ?? ''} (with the researcher token)`);
}
