/**
 * The load of the gateway benchmark, in its own process: connects one SDK agent per
 * `name=key` line of the file, answers every turn with a legal action (at once, or with
 * `think` after 0–2 s, reported as meta.thinkMs), prints "ready" when every agent is
 * welcomed, and exits when its standard input closes.
 *   node tests/bench/gateway-agents.ts <url> <keys-file> [think]
 */
import { readFileSync } from 'node:fs';
import type { ClientAction } from '@arena/shared';
import { connect, type AgentTurnMessage } from '../../sdk/src/index.ts';

const [url, file, think] = process.argv.slice(2) as [string, string, string?];
const pairs = readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split('=') as [string, string]);

function move(turn: AgentTurnMessage): ClientAction {
  const judge = turn.legal.find((l) => l.type === 'judge');
  if (judge?.type === 'judge') return { type: 'judge', probabilities: Array.from({ length: judge.answers }, () => 1 / judge.answers), end: judge.canEnd };
  return { type: 'speech', text: 'My answer stands.' };
}

const agents = pairs.map(([name, key]) =>
  connect({ url, name, key }, async (turn) => {
    if (!think) return move(turn);
    const thinkMs = Math.round(Math.random() * 2000);
    const started = performance.now();
    await new Promise((r) => setTimeout(r, thinkMs));
    return { action: move(turn), meta: { thinkMs: performance.now() - started } };
  }),
);
await Promise.all(agents.map((a) => a.ready));
process.stdout.write('ready\n');
process.stdin.resume();
process.stdin.on('end', () => {
  for (const a of agents) a.close();
  process.exit(0);
});
