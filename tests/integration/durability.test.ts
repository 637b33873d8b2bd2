import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { postgresFor, TEST_DATABASE_URL } from '../helpers/services.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { replay, type DebateView } from '@arena/shared';
import { openStore, type StoreOptions } from '../../server/src/store/open.ts';
import { RESEARCHER_TOKEN, SeatClient } from '../helpers/arena.ts';
import { createDebateOn, startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

/**
 * A real server process is killed with SIGKILL while many debates are being played
 * on it; every event that any client was told about must be in the store afterwards.
 * Views go out only after the event is committed, so a speech seen in a view is an
 * acknowledged event. Runs on the embedded database and on Postgres.
 */
const PG_URL = TEST_DATABASE_URL;
const TRIALS = Number(process.env.ARENA_DURABILITY_TRIALS ?? 3);
const DEBATES = 8;
const pgUp = !(await postgresFor('the Postgres durability trials'));

const MARK = /ack-[\w-]+-[AB]-\d+/g;

/** Plays one seat for as long as the server answers: speeches carry a unique mark. */
async function drive(c: SeatClient, debateId: string, stop: { now: boolean }): Promise<void> {
  let n = 0;
  while (!stop.now) {
    try {
      await c.until((x) => stop.now || (x.views.length > 0 && x.view.status === 'running' && x.view.legal.length > 0), 'its turn', 15_000);
    } catch {
      return;
    }
    if (stop.now) return;
    const legal = c.view.legal[0]!;
    const seen = c.views.length + c.refusals.length;
    if (legal.type === 'speech') c.send('action', { type: 'speech', text: `Speech ack-${debateId}-${c.options.seat}-${n++} for the record.` });
    else if (legal.type === 'judge') {
      const k = legal.answers;
      c.send('action', { type: 'judge', probabilities: Array.from({ length: k }, () => 1 / k), end: !legal.canContinue });
    } else throw new Error(`a debate preset has no ${legal.type} turn`);
    try {
      await c.until((x) => stop.now || x.views.length + x.refusals.length > seen, 'an answer', 15_000);
    } catch {
      return;
    }
  }
}

/** Marks of every speech some client saw in a view. */
function acknowledged(clients: SeatClient[]): Set<string> {
  const marks = new Set<string>();
  for (const c of clients) for (const v of c.views as DebateView[]) for (const m of JSON.stringify(v.rounds).match(MARK) ?? []) marks.add(m);
  return marks;
}

async function trial(server: ServerProcess, storeOptions: StoreOptions): Promise<{ acked: number; stored: number }> {
  const stop = { now: false };
  const clients: SeatClient[] = [];
  const ids: string[] = [];
  const drivers: Promise<void>[] = [];
  for (let i = 0; i < DEBATES; i++) {
    const created = await createDebateOn(server, { scenarioId: 'the-lantern-room', preset: 'debate', rules: { maxSpeechRounds: 50 } });
    ids.push(created.id);
    for (const seat of ['judge', 'A', 'B'] as const) {
      const c = await SeatClient.join(server.ws, { debateId: created.id, seat, token: created.seats[seat]!.token! });
      c.room.reconnection.maxRetries = 0;
      clients.push(c);
      drivers.push(drive(c, created.id, stop));
    }
  }
  // Kill at a random moment once a random number of speeches has been acknowledged.
  const threshold = 20 + Math.floor(Math.random() * 60);
  const deadline = Date.now() + 30_000;
  while (acknowledged(clients).size < threshold && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  await server.kill('SIGKILL');
  stop.now = true;
  const acked = acknowledged(clients);
  await Promise.all(drivers);
  await Promise.all(clients.map((c) => c.leave().catch(() => {})));
  expect(acked.size).toBeGreaterThanOrEqual(threshold);

  // The kernel released the dead server's lock: a new server may open the folder at once.
  const store = await openStore({ ...storeOptions, exclusive: true });
  try {
    const stored = new Set<string>();
    for (const id of ids) {
      const record = (await store.getTranscript(id))!;
      expect(record.events.map((e) => e.seq)).toEqual(record.events.map((_, i) => i));
      replay(record.header, record.events);
      for (const e of record.events) if (e.action.type === 'speech' && 'text' in e.action) for (const m of e.action.text!.match(MARK) ?? []) stored.add(m);
    }
    const lost = [...acked].filter((m) => !stored.has(m));
    expect(lost).toEqual([]);
    return { acked: acked.size, stored: stored.size };
  } finally {
    await store.close();
  }
}

describe('SIGKILL of a server process in the middle of appends', () => {
  it(`loses no acknowledged event on the embedded database (${TRIALS} trials)`, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'arena-kill-'));
    for (let i = 0; i < TRIALS; i++) {
      const server = await startServerProcess({ ARENA_DATA_DIR: dataDir, ARENA_RESEARCHER_TOKEN: RESEARCHER_TOKEN, DATABASE_URL: undefined });
      const r = await trial(server, { dataDir: join(dataDir, 'db') });
      console.log(`embedded trial ${i + 1}: ${r.acked} acknowledged speeches, ${r.stored} stored`);
    }
  }, 120_000);

  describe.skipIf(!pgUp)('on Postgres', () => {
    const schema = `arena_kill_${process.pid}_${Date.now()}`;
    afterAll(async () => {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    });

    it(`loses no acknowledged event (${TRIALS} trials)`, async () => {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`CREATE SCHEMA ${schema}`);
      await client.end();
      const url = new URL(PG_URL);
      url.searchParams.set('options', `-c search_path=${schema}`);
      for (let i = 0; i < TRIALS; i++) {
        const server = await startServerProcess({ DATABASE_URL: url.toString(), ARENA_RESEARCHER_TOKEN: RESEARCHER_TOKEN, ARENA_DATA_DIR: mkdtempSync(join(tmpdir(), 'arena-kill-pg-')) });
        const r = await trial(server, { databaseUrl: PG_URL, schema });
        console.log(`postgres trial ${i + 1}: ${r.acked} acknowledged speeches, ${r.stored} stored`);
      }
    }, 120_000);
  });
});
