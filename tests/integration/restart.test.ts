/**
 * The server killed with SIGKILL in the middle of live debates (agent seats thinking,
 * human seats between turns, turn timers running), then restarted on the same data:
 * every debate resumes from its stored events and finishes, no acknowledged event is
 * lost, and deadlines are honoured (never early; an expired one fires at once).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apply, initialState, type DebateView, type TranscriptRecord } from '@arena/shared';
import { SeatClient } from '../helpers/arena.ts';
import { defaultResponder, startFakeLlmServer, type FakeLlmServer } from '../helpers/fake-llm-server.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { apiAs, eventually } from '../helpers/services.ts';

const TOKEN = 'restart-researcher-token-0123456789';
let servers: ServerProcess[] = [];
let llm: FakeLlmServer | undefined;
const clients: SeatClient[] = [];

afterAll(async () => {
  await Promise.all(clients.map((c) => c.leave().catch(() => {})));
  for (const s of servers) await s.kill('SIGKILL');
  await llm?.close();
});

const api = (base: string, path: string, init: { method?: string; json?: unknown } = {}) => apiAs(TOKEN, base, path, init);

async function join(server: ServerProcess, debateId: string, seat: 'A' | 'B' | 'judge', token: string): Promise<SeatClient> {
  const c = await SeatClient.join(server.ws, { debateId, seat, token });
  clients.push(c);
  return c;
}

const judgeTurn = (v: DebateView, end: boolean) => ({ type: 'judge', probabilities: v.answers.map((_, i) => (i === 0 ? 0.6 : 0.4 / (v.answers.length - 1))), end });

/** Every timeout in the transcript came at or after the deadline it expired. */
function deadlinesHonoured(record: TranscriptRecord): { early: number; timeouts: number } {
  let state = initialState(record.header as never);
  let early = 0;
  let timeouts = 0;
  for (const e of record.events) {
    if (e.action.type === 'timeout') {
      timeouts++;
      if (state.deadline === null || e.at < state.deadline) early++;
    }
    const r = apply(state, e.action, e.seat, e.at);
    if (!r.ok) throw new Error(`stored event ${e.seq} does not replay: ${r.refusal.message}`);
    state = r.state;
  }
  return { early, timeouts };
}

describe('a server killed with SIGKILL and restarted', () => {
  it('resumes every live debate from its stored events: agents carry on, timers fire, people rejoin', async () => {
    llm = await startFakeLlmServer(defaultResponder, { delayMs: 1500 });
    const dataDir = mkdtempSync(joinPath(tmpdir(), 'arena-restart-'));
    const agentsFile = joinPath(dataDir, 'agents.json');
    writeFileSync(agentsFile, JSON.stringify({ agents: { 'slow-model': { provider: 'openai', model: 'slow', baseURL: llm.openaiBaseURL } } }));
    const env = { ARENA_DATA_DIR: dataDir, ARENA_RESEARCHER_TOKEN: TOKEN, ARENA_AGENTS: agentsFile, ARENA_RECONNECT_SECONDS: '1' };
    const first = await startServerProcess(env);
    servers.push(first);

    // 1. Agent debaters (a slow model) and a person judging: the agents are thinking when the server dies.
    const agents = await api(first.http, '/api/debates', {
      method: 'POST',
      json: { scenarioId: 'the-lantern-room', preset: 'debate', seats: { A: { kind: 'agent', agent: 'slow-model' }, B: { kind: 'agent', agent: 'slow-model' } } },
    });
    // 2. People in every seat with short timers: after the crash nobody comes back, and the timers finish it.
    const timed = await api(first.http, '/api/debates', {
      method: 'POST',
      json: { scenarioId: 'the-lantern-room', preset: 'debate', rules: { speechSeconds: 1.5, judgeSeconds: 1.5 } },
    });
    // 3. A consultancy between people: what each side saw acknowledged must survive.
    const people = await api(first.http, '/api/debates', { method: 'POST', json: { scenarioId: 'the-lantern-room', preset: 'consultancy' } });

    const judge1 = await join(first, agents.id, 'judge', agents.seats.judge.token);
    await judge1.myTurn();
    await judge1.act(judgeTurn(judge1.view, false));

    const timedSeats = await Promise.all((['A', 'B', 'judge'] as const).map((s) => join(first, timed.id, s, timed.seats[s].token)));
    await timedSeats[2]!.myTurn();
    await timedSeats[2]!.act(judgeTurn(timedSeats[2]!.view, false));

    const consultant = await join(first, people.id, 'A', people.seats.A.token);
    const judge3 = await join(first, people.id, 'judge', people.seats.judge.token);
    await judge3.myTurn();
    await judge3.act(judgeTurn(judge3.view, false));
    await consultant.myTurn();
    const spoken = 'Acknowledged before the crash: the oil was stolen.';
    await consultant.act({ type: 'speech', text: spoken });
    await judge3.until((c) => JSON.stringify(c.view).includes(spoken), 'the consultant speech reaching the judge');
    const acknowledged = (await api(first.http, `/api/debates/${people.id}/transcript?seat=full`)).events.length;

    // The slow agents are mid-turn now (their model answers after 1.5 s).
    await eventually('the agents to be asked', async () => llm!.requests.length >= 2, 5000);
    expect(await first.kill('SIGKILL')).toBeNull();
    for (const c of [judge1, ...timedSeats, consultant, judge3]) await c.leave();

    const second = await startServerProcess(env);
    servers.push(second);

    // 2: nobody reconnects; the timers drive it to its end.
    const timedRecord: TranscriptRecord = await eventually('the timed debate to finish', async () => {
      const r = await api(second.http, `/api/debates/${timed.id}/transcript?seat=full`);
      return r.status === 'finished' && r;
    });
    const honoured = deadlinesHonoured(timedRecord);
    expect(honoured.timeouts).toBeGreaterThan(0);
    expect(honoured.early).toBe(0);

    // 1: the agents carry on by themselves; the judge rejoins with its link and ends the debate.
    const judge1b = await join(second, agents.id, 'judge', agents.seats.judge.token);
    await judge1b.until((c) => c.views.length > 0 && c.view.legal.length > 0 && c.view.rounds.some((r) => r.kind === 'simultaneous' && r.complete), 'the agents’ opening speeches', 30_000);
    await judge1b.act(judgeTurn(judge1b.view, true));
    await judge1b.until((c) => c.view.status === 'finished', 'the verdict');

    // 3: nothing acknowledged was lost, and the people finish the debate.
    const peopleRecord = await api(second.http, `/api/debates/${people.id}/transcript?seat=full`);
    expect(peopleRecord.events.length).toBeGreaterThanOrEqual(acknowledged);
    expect(JSON.stringify(peopleRecord.events)).toContain(spoken);
    const judge3b = await join(second, people.id, 'judge', people.seats.judge.token);
    await judge3b.myTurn();
    await judge3b.act(judgeTurn(judge3b.view, true));
    await judge3b.until((c) => c.view.status === 'finished', 'the consultancy verdict');

    for (const id of [agents.id, timed.id, people.id]) {
      const r = await api(second.http, `/api/debates/${id}/transcript?seat=full`);
      expect(r.status, id).toBe('finished');
      expect(deadlinesHonoured(r).early).toBe(0);
    }
    await second.kill('SIGTERM');
  }, 120_000);
});
