import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { fetchServer, serverAddressOptions, serverOf } from './server.ts';

interface ServerOptions {
  server?: string;
  url?: string;
  token?: string;
  json?: boolean;
}

/** The researcher token: --token, else ARENA_RESEARCHER_TOKEN, else the one the server keeps in its data folder. */
export function researcherToken(opts: { token?: string }): string {
  if (opts.token) return opts.token;
  const config = loadConfig();
  if (config.researcherToken) return config.researcherToken;
  const file = path.join(config.dataDir, 'researcher-token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  throw new Error(`no researcher token: pass --token, set ARENA_RESEARCHER_TOKEN, or run where ${file} is`);
}

export { serverUrl } from './server.ts';

/** Calls the running server's agents API with the researcher token; throws with the server's error. */
async function call(opts: ServerOptions, method: string, route: string, body?: unknown): Promise<any> {
  const res = await fetchServer(serverOf(opts), `/api${route}`, {
    method,
    headers: { authorization: `Bearer ${researcherToken(opts)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const parsed = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${parsed.error ?? ''}`.trim());
  return parsed;
}

const time = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19));

/**
 * `arena agents keys issue|list|revoke` and `arena agents status`: manage remote agents'
 * keys through the running server (which closes a revoked key's connections at once).
 */
export function registerAgents(program: Command): void {
  const agents = program.command('agents').description('remote agents: keys and who is connected (talks to the running server)');
  const withServer = (c: Command) =>
    serverAddressOptions(c)
      .option('--token <token>', 'researcher token (default $ARENA_RESEARCHER_TOKEN or <data-dir>/researcher-token)')
      .option('--json', 'print JSON');
  const keys = agents.command('keys').description('keys of remote agents, each for one name');

  withServer(keys.command('issue <name>'))
    .description('issue a key for an agent name; the key is printed once (the server keeps only its hash)')
    .option('--label <text>', 'a note kept with the key (who holds it)')
    .action(async (name: string, opts: ServerOptions & { label?: string }) => {
      const issued = await call(opts, 'POST', '/agents/keys', { name, ...(opts.label ? { label: opts.label } : {}) });
      if (opts.json) console.log(JSON.stringify(issued, null, 2));
      else console.log(`key ${issued.id} for ${issued.agent} (seat it as "${issued.agent}"):\n${issued.key}`);
    });

  withServer(keys.command('list'))
    .description('list keys (never the keys themselves)')
    .action(async (opts: ServerOptions) => {
      const { keys: list } = await call(opts, 'GET', '/agents/keys');
      if (opts.json) return console.log(JSON.stringify(list, null, 2));
      for (const k of list) console.log(`${k.id}  ${k.name.padEnd(24)}  issued ${time(k.createdAt)}  ${k.revokedAt ? `revoked ${time(k.revokedAt)}` : 'active'}  ${k.label ?? ''}`.trimEnd());
      if (list.length === 0) console.log('no keys');
    });

  withServer(keys.command('revoke <id>'))
    .description('revoke a key: its connections are closed and it is refused from then on')
    .action(async (id: string, opts: ServerOptions) => {
      const k = await call(opts, 'DELETE', `/agents/keys/${encodeURIComponent(id)}`);
      if (opts.json) console.log(JSON.stringify(k, null, 2));
      else console.log(`revoked ${k.id} (${k.name})`);
    });

  withServer(agents.command('status'))
    .description('remote agents: connections, turns, round-trip latency, refusals, timeouts, forfeits')
    .action(async (opts: ServerOptions) => {
      const { agents: list } = await call(opts, 'GET', '/agents/remote');
      if (opts.json) return console.log(JSON.stringify(list, null, 2));
      console.log('name                      conns  turns  p50 ms  p90 ms  refusals  malformed  timeouts  forfeits');
      for (const a of list) {
        const ms = (v: number | null) => (v === null ? '-' : String(v)).padStart(6);
        console.log(
          `${a.name.padEnd(24)}  ${String(a.connections.length).padStart(5)}  ${String(a.turns).padStart(5)}  ${ms(a.latencyMs.p50)}  ${ms(a.latencyMs.p90)}  ` +
            `${String(a.refusals).padStart(8)}  ${String(a.malformed).padStart(9)}  ${String(a.timeouts).padStart(8)}  ${String(a.forfeits).padStart(8)}`,
        );
      }
    });
}
