/**
 * `npm run bench`: prints the project's speed figures. Each part is measured with
 * the production code paths on this machine; figures go into the README.
 */
import { loadScenarioPacks } from '../../server/src/scenarios/load.ts';
import { benchEngine, benchRoomLatency } from './rooms.ts';

const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const results: Record<string, unknown> = {};
const { scenarios } = await loadScenarioPacks('scenarios');

if (want('engine')) {
  const r = benchEngine(scenarios[0]!);
  results.engine = r;
  console.log(`engine      apply() calls/s: ${fmt(r.applyPerSecond)}  (${fmt(r.debates)} whole debates in 2 s)`);
}

if (want('rooms')) {
  for (const rooms of [10, 200]) {
    const r = await benchRoomLatency(rooms);
    results[`rooms${rooms}`] = r;
    console.log(
      `rooms       debater action → judge update, ${rooms} live rooms × 3 SDK clients: p50 ${fmt(r.p50, 1)} ms, p95 ${fmt(r.p95, 1)} ms, p99 ${fmt(r.p99, 1)} ms (${r.samples} samples)`,
    );
  }
}

// Further parts register below as they are built.

if (process.env.BENCH_JSON) console.log(JSON.stringify(results));
process.exit(0);
