/**
 * Remote agents with two server processes sharing Redis and Postgres: a debate served
 * by one process is played by agents connected to either; a key revoked through one
 * process cuts the agent off in the other. Needs Redis and Postgres like cluster.test.ts
 * (ARENA_REQUIRE_POSTGRES=1 or ARENA_REQUIRE_REDIS=1 makes their absence a failure).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startTwoProcesses, type TwoProcesses } from '../helpers/cluster.ts';
import { startPythonAgent, startTsAgent, type AgentProcess } from '../helpers/agent-process.ts';
import { apiAs, servicesFor } from '../helpers/services.ts';
import { pythonSocketio } from '../helpers/requirements.ts';

const TOKEN = 'cluster-agents-token-0123456789';
const missing = await servicesFor('the cluster agents test');
const python = !missing && (await pythonSocketio('the cluster agents test'));

const agents: AgentProcess[] = [];
let cluster: TwoProcesses | undefined;

afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  await cluster?.stop('SIGTERM');
});

const api = (base: string, path: string, init: { method?: string; json?: unknown } = {}) => apiAs(TOKEN, base, path, init);

describe.runIf(python)('remote agents with several processes', () => {
  it('agents connected to either process play a debate served by one; a revocation through one reaches the other; a restarted process is rejoined', async () => {
    cluster = await startTwoProcesses('cluster_agents', 28_000, TOKEN, { ARENA_AGENT_SECONDS: '20' });
    const { one, two } = cluster;

    // Keys issued through the first process are good in the second.
    const ts = await api(one.http, '/api/agents/keys', { method: 'POST', json: { name: 'far-ts' } });
    const py = await api(one.http, '/api/agents/keys', { method: 'POST', json: { name: 'near-py' } });
    const far = startTsAgent(two.http, 'far-ts', ts.key);
    const near = startPythonAgent(one.http, 'near-py', py.key);
    agents.push(far, near);
    await Promise.all([far, near].map((a) => a.until((e) => e.event === 'welcome', 'welcome', 30_000)));
    // Each process knows the other's connected names (announced over Redis).
    await expect.poll(async () => (await api(one.http, '/api/agents')).agents.find((a: any) => a.id === 'remote:far-ts')?.connected, { timeout: 15_000 }).toBe(true);

    const created = await api(one.http, '/api/debates', {
      method: 'POST',
      json: {
        scenarioId: 'the-quiet-relay',
        seats: { A: { kind: 'agent', agent: 'remote:far-ts' }, B: { kind: 'agent', agent: 'remote:near-py' }, judge: { kind: 'agent', agent: 'builtin:passage-judge' } },
      },
    });
    let record: any;
    await expect
      .poll(async () => (record = await api(two.http, `/api/debates/${created.id}/transcript?seat=full`)).status, { timeout: 60_000, interval: 250 })
      .toBe('finished');
    const speeches = (seat: string) => record.events.filter((e: any) => e.seat === seat && e.action.type === 'speech');
    expect(speeches('A').length).toBeGreaterThan(0);
    expect(speeches('A').every((e: any) => e.meta.remote?.model === 'ts-test')).toBe(true);
    expect(speeches('B').every((e: any) => e.meta.remote?.model === 'python-example')).toBe(true);
    expect(record.events.some((e: any) => e.action.type === 'forfeit')).toBe(false);

    // Revoked through the first process: the agent connected to the second is cut off.
    await api(one.http, `/api/agents/keys/${ts.id}`, { method: 'DELETE' });
    expect(await far.until((e) => e.event === 'disconnected', 'disconnect', 15_000)).toMatchObject({ reason: 'io server disconnect', closing: { code: 'key-revoked' } });

    // A server that stops and comes back: the Python agent reconnects by itself.
    await one.kill('SIGTERM');
    await cluster.restartOne();
    await near.until((e) => e.event === 'welcome' && near.events.filter((x) => x.event === 'welcome').length >= 2, 'welcome again', 30_000);
  }, 180_000);
});
