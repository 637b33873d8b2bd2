import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quantile } from '../../server/src/agents/remote/stats.ts';
import { startArena } from '../helpers/arena.ts';

export interface GatewayBench {
  agents: number;
  think: boolean;
  debates: number;
  turns: number;
  seconds: number;
  p50: number;
  p99: number;
}

/**
 * Turn round trip through the gateway (the server emits `turn` → the agent's
 * acknowledgement arrives) with `agents` remote agents connected at once from another
 * process, paired as the two debaters of `agents / 2` live debates (built-in judge),
 * each replaced by a new one when it ends, for `seconds`. Agents answer at once (the
 * gateway's own samples), or with `think` after 0–2 s: then the figure is each stored
 * event's round trip less the think time the agent reported, i.e. what the gateway adds.
 */
export async function benchGateway(agents = 100, seconds = 15, think = false): Promise<GatewayBench> {
  const t = await startArena({ env: { ARENA_RECONNECT_SECONDS: '0', ARENA_CONNECTIONS_PER_ADDRESS: '1000000' } });
  const names: string[] = [];
  const lines: string[] = [];
  for (let i = 0; i < agents; i++) {
    const name = `bench-${i}`;
    const { key } = await t.arena.services.agentKeys.issue(name, 'benchmark');
    t.arena.services.gateway.issued(name);
    names.push(name);
    lines.push(`${name}=${key}`);
  }
  const file = join(mkdtempSync(join(tmpdir(), 'gateway-bench-')), 'keys');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const load = spawn(process.execPath, ['tests/bench/gateway-agents.ts', t.http, file, ...(think ? ['think'] : [])], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    load.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    load.once('exit', (code) => reject(new Error(`the agents' process exited with ${code}`)));
  });
  const before = t.arena.services.gateway.roundTrips().length;
  const until = Date.now() + seconds * 1000;
  let debates = 0;
  const ids: string[] = [];
  const pair = async (i: number) => {
    while (Date.now() < until) {
      const created = await t.createDebate({
        scenarioId: 'the-quiet-relay',
        seed: `bench-${i}-${debates++}`,
        seats: { A: { kind: 'agent', agent: `remote:${names[2 * i]}` }, B: { kind: 'agent', agent: `remote:${names[2 * i + 1]}` }, judge: { kind: 'agent', agent: 'builtin:passage-judge' } },
      });
      ids.push(created.id);
      await new Promise<void>((resolve) => {
        const off = t.arena.services.sessions.on((id, e) => {
          if (id !== created.id || (e.type !== 'finished' && e.type !== 'ended')) return;
          off();
          resolve();
        });
      });
    }
  };
  await Promise.all(Array.from({ length: agents / 2 }, (_, i) => pair(i)));
  // At most the last 1,000 answers per name are kept: with these runs every one is.
  let samples = t.arena.services.gateway.roundTrips().slice(before);
  if (think) {
    samples = [];
    for (const id of ids) {
      for (const e of (await t.store.getTranscript(id))?.events ?? []) {
        const thinkMs = (e.meta?.remote as { thinkMs?: number } | undefined)?.thinkMs;
        if (typeof thinkMs === 'number' && typeof e.meta?.remoteRoundTripMs === 'number') samples.push(Math.max(0, e.meta.remoteRoundTripMs - thinkMs));
      }
    }
  }
  samples.sort((a, b) => a - b);
  load.stdin.end();
  await new Promise((r) => load.once('exit', r));
  await t.close();
  return { agents, think, debates, turns: samples.length, seconds, p50: quantile(samples, 0.5) ?? NaN, p99: quantile(samples, 0.99) ?? NaN };
}
