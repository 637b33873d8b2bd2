/**
 * One server for the load benchmark, run as its own process (forked with an IPC
 * channel and --expose-gc): `arena` is the real server (embedded store in a fresh
 * folder, or Postgres when DATABASE_URL is set); `bare` is bare Colyseus 0.18 with
 * the same matchmaking (one room per debateId) and a room that relays each action
 * to everyone in it. The parent asks for CPU and heap samples over IPC.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineRoom, defineServer, Room, type Client } from '@colyseus/core';
import { RedisDriver } from '@colyseus/redis-driver';
import { RedisPresence } from '@colyseus/redis-presence';
import { WebSocketTransport } from '@colyseus/ws-transport';
import { createArena } from '../../../server/src/app.ts';
import { loadConfig } from '../../../server/src/config.ts';
import { LOAD_TOKEN, type ServeRequest, type ServeSample } from './protocol.ts';

/** Bare Colyseus: no engine, no store, no views; every action is relayed to the room. */
class RelayRoom extends Room {
  override maxMessagesPerSecond = 20;
  override onCreate() {
    this.onMessage('action', (_client: Client, payload: unknown) => this.broadcast('view', { relayed: payload }));
  }
}

/** With several processes (LOAD_PORT set): a fixed port, and Redis shared as the arena shares it. */
const port = process.env.LOAD_PORT;
const shared = port && process.env.REDIS_URL ? { presence: new RedisPresence(process.env.REDIS_URL), driver: new RedisDriver(process.env.REDIS_URL), publicAddress: `127.0.0.1:${port}` } : {};

async function start(kind: string): Promise<{ port: number; close(): Promise<void> }> {
  if (kind === 'arena') {
    const config = loadConfig({
      ...process.env,
      PORT: port ?? '0',
      ...(port ? { ARENA_PUBLIC_ADDRESS: `127.0.0.1:${port}` } : { REDIS_URL: '' }),
      HOST: '127.0.0.1',
      ARENA_DATA_DIR: mkdtempSync(join(tmpdir(), 'arena-load-')),
      ARENA_RESEARCHER_TOKEN: LOAD_TOKEN,
      ARENA_RECONNECT_SECONDS: '0',
      // The generator plays thousands of users from one address.
      ARENA_CONNECTIONS_PER_ADDRESS: '1000000',
      ARENA_OBSERVERS_PER_DEBATE: '1000000',
    });
    const arena = await createArena(config);
    return { port: await arena.listen(), close: () => arena.close() };
  }
  const server = defineServer({
    ...shared,
    transport: new WebSocketTransport({ pingInterval: 5000, pingMaxRetries: 3 }),
    gracefullyShutdown: false,
    greet: false,
    rooms: { debate: defineRoom(RelayRoom).filterBy(['debateId']) },
  } as Parameters<typeof defineServer>[0]);
  await server.listen(Number(port ?? 0), '127.0.0.1');
  const address = server.transport.server?.address();
  return { port: typeof address === 'object' && address ? address.port : 0, close: () => server.gracefullyShutdown(false) };
}

const server = await start(process.argv[2] ?? 'arena');
process.send!({ load: { port: server.port } });
process.on('message', async (m: unknown) => {
  const req = m as ServeRequest;
  if (req === 'sample') {
    (globalThis as { gc?: () => void }).gc?.();
    const cpu = process.cpuUsage();
    process.send!({ load: { cpuMicros: cpu.user + cpu.system, heapUsed: process.memoryUsage().heapUsed } satisfies ServeSample });
  } else if (req === 'stop') {
    await server.close().catch(() => {});
    process.exit(0);
  }
});
