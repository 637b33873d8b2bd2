/**
 * `npm run bench`: prints the project's speed figures. Each part is measured with
 * the production code paths on this machine; figures go into the README.
 */
import { existsSync } from 'node:fs';
import { loadScenarioPacks } from '../../server/src/scenarios/load.ts';
import { benchEngine, benchRoomLatency } from './rooms.ts';
import { NYU_DIR } from '../helpers/requirements.ts';

const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const results: Record<string, unknown> = {};
const passages = (await loadScenarioPacks('scenarios')).scenarios.filter((s) => s.evidence.kind === 'passage');

if (want('engine')) {
  const r = benchEngine(passages[0]!);
  results.engine = r;
  console.log(`engine      apply() calls/s: ${fmt(r.applyPerSecond)}  (${fmt(r.debates)} whole debates in 2 s)`);
}

if (want('rooms')) {
  for (const rooms of [10, 200, 500]) {
    const r = await benchRoomLatency(rooms);
    results[`rooms${rooms}`] = r;
    console.log(
      `rooms       debater action → judge update, ${rooms} live rooms × 3 SDK clients (0–2 s think time): p50 ${fmt(r.p50, 1)} ms, p95 ${fmt(r.p95, 1)} ms, p99 ${fmt(r.p99, 1)} ms (${r.samples} samples)`,
    );
  }
}

if (want('selfplay')) {
  const { benchSelfplay } = await import('../../server/src/selfplay/bench.ts');
  const { agentCatalog } = await import('../../server/src/agent-catalog.ts');
  const r = await benchSelfplay({ agents: agentCatalog() });
  results.selfplay = r;
  console.log(`selfplay    built-in self-play debates/s: ${fmt(r.debatesPerSecond, 1)}  (${r.debates} debates, stored)`);
}

if (want('gateway')) {
  const { benchGateway } = await import('./gateway.ts');
  for (const think of [false, true]) {
    const r = await benchGateway(100, think ? 20 : 15, think);
    results[think ? 'gatewayThink' : 'gateway'] = r;
    console.log(
      `gateway     turn round trip through the gateway, ${r.agents} remote SDK agents connected from another process, ${think ? 'thinking 0–2 s (think time taken out)' : 'answering at once'}: ` +
        `p50 ${fmt(r.p50, 1)} ms, p99 ${fmt(r.p99, 1)} ms (${fmt(r.turns)} turns, ${r.debates} debates in ${r.seconds} s)`,
    );
  }
}

if (want('flood')) {
  const { benchFlood } = await import('./flood.ts');
  const r = await benchFlood();
  results.flood = r;
  const ms = (x: { p50: number; p99: number }) => `p50 ${fmt(x.p50, 1)} ms, p99 ${fmt(x.p99, 1)} ms`;
  console.log(
    `flood       /api/health while one address makes ${fmt(r.attempts)} observer join attempts on one debate (50 at a time, ${fmt(r.floodSeconds, 1)} s; ${r.accepted} accepted, ` +
      `${Object.entries(r.refused).map(([code, n]) => `${fmt(n)} ${code}`).join(', ')}): ${ms(r.flood)}; quiet: ${ms(r.quiet)}`,
  );
}

if (want('nyu') && !existsSync(NYU_DIR)) console.log(`nyu         not run: no NYU dataset at ${NYU_DIR} (set ARENA_NYU_DATA)`);
else if (want('nyu')) {
  const { benchNyu } = await import('../../server/src/importers/nyu/bench.ts');
  const r = await benchNyu(NYU_DIR);
  results.nyu = r;
  console.log(`nyu         import of ${r.rooms} NYU rooms: ${fmt(r.importSeconds, 1)} s; report over them: ${fmt(r.reportSeconds, 2)} s`);
}

if (want('pixels')) {
  const { benchPixels } = await import('../../server/src/pixels/bench.ts');
  const r = await benchPixels();
  results.pixels = r;
  console.log(`pixels      sparse judge evaluations/s: ${fmt(r.judgeEvalsPerSecond)}; MCTS rollouts/s: ${fmt(r.mctsRolloutsPerSecond)}`);
}

if (want('export')) {
  const { benchExport } = await import('./export.ts');
  const r = await benchExport();
  results.export = r;
  console.log(`export      ${fmt(r.debates)} stored debates (filled in ${fmt(r.seedSeconds, 0)} s), each export in its own process:`);
  for (const e of r.exports) {
    console.log(`              arena export ${e.export.padEnd(11)} ${fmt(e.rows).padStart(9)} rows in ${fmt(e.seconds, 1).padStart(6)} s: ${fmt(e.rowsPerSecond).padStart(7)} rows/s, ${fmt(e.debatesPerSecond).padStart(6)} debates/s, peak RSS ${fmt(e.peakMB)} MB`);
  }
}

// The load benchmark is long; it runs only when named: npm run bench -- load
if (only.includes('load')) {
  const { measureLoad } = await import('./load/load.ts');
  const sizes = (process.env.ARENA_LOAD_DEBATES ?? '200').split(',').map(Number);
  const generators = Number(process.env.ARENA_LOAD_GENERATORS ?? 1);
  // Several server processes share Redis (REDIS_URL) and, for the arena, Postgres (DATABASE_URL).
  const processes = Number(process.env.ARENA_LOAD_PROCESSES ?? 1);
  if (processes > 1 && (!process.env.REDIS_URL || !process.env.DATABASE_URL)) throw new Error('ARENA_LOAD_PROCESSES > 1 needs REDIS_URL and DATABASE_URL');
  const store = process.env.DATABASE_URL ? 'Postgres (DATABASE_URL)' : 'the embedded store';
  for (const n of sizes) {
    const bare = await measureLoad('bare', n, generators, 3, 2000, processes);
    const arena = await measureLoad('arena', n, generators, 3, 2000, processes);
    results[`load${n}`] = { bare, arena };
    const ratio = (a: number, b: number) => `${fmt(a / b, 1)}×`;
    console.log(`load        ${fmt(n)} live debates × 3 SDK clients (0–2 s think time), ${processes} server process(es), ${generators} load-generator process(es), arena on ${store}:`);
    for (const r of [arena, bare]) {
      console.log(
        `  ${r.kind.padEnd(6)} action → judge update p50 ${fmt(r.p50, 1)} ms, p95 ${fmt(r.p95, 1)} ms, p99 ${fmt(r.p99, 1)} ms (${r.samples} samples${r.errors ? `, ${r.errors} debates failed` : ''}); ` +
          `server CPU ${fmt(r.cpuMsPerAction, 2)} ms/action; heap ${fmt(r.heapKbPerDebate, 1)} kB/debate; ${fmt(r.debatesSetUpPerSecond, 1)} debates set up/s`,
      );
    }
    console.log(
      `  arena/bare  p50 ${ratio(arena.p50, bare.p50)}, p95 ${ratio(arena.p95, bare.p95)}, p99 ${ratio(arena.p99, bare.p99)}, CPU/action ${ratio(arena.cpuMsPerAction, bare.cpuMsPerAction)}, ` +
        `heap/debate ${ratio(arena.heapKbPerDebate, bare.heapKbPerDebate)}, set-up rate ${ratio(arena.debatesSetUpPerSecond, bare.debatesSetUpPerSecond)}`,
    );
  }
}

// Start-up rebuilds the client once (cold), so it runs only when named: npm run bench -- start
if (only.includes('start')) {
  const { benchStart } = await import('./start.ts');
  const r = await benchStart();
  results.start = r;
  console.log(`start       npm start → /api/health answers: cold (client built) ${fmt(r.coldSeconds, 1)} s, warm (client up to date) ${fmt(r.warmSeconds, 1)} s`);
}

if (want('client')) {
  const { benchClient } = await import('./client.ts');
  const r = await benchClient();
  results.client = r;
  console.log(`client      gzipped JavaScript: ${fmt(r.gzippedJsKb, 1)} kB; seat link → interactive page: ${fmt(r.seatLinkToInteractiveMs)} ms (headless Chromium)`);
}

if (want('page')) {
  const { benchPage, pageLines } = await import('./page.ts');
  const r = await benchPage();
  results.page = r;
  for (const line of pageLines(r)) console.log(line);
}

if (process.env.BENCH_JSON) console.log(JSON.stringify(results));
process.exit(0);
