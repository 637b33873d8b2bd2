import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import express from 'express';
import { defineRoom, defineServer, matchMaker, type Server } from '@colyseus/core';
import { WebSocketTransport } from '@colyseus/ws-transport';
import { REMOTE_PREFIX, ROOM_NAME, type Scenario } from '@arena/shared';
import { agentCapabilities, createAgent, listAgents } from './agents/registry.ts';
import { AgentGateway } from './agents/remote/gateway.ts';
import type { Config } from './config.ts';
import type { ArenaContext } from './context.ts';
import { privateDataDir, privateTree } from './data-dir.ts';
import { errorHandler } from './http/errors.ts';
import { apiRouter } from './http/routes.ts';
import { DebateRoom, type DebateRoomDeps } from './rooms/debate-room.ts';
import { LocalOwnership, RedisOwnership, type Ownership } from './sessions/ownership.ts';
import { Sessions, type SessionCommand } from './sessions/sessions.ts';
import { RedisDriver } from '@colyseus/redis-driver';
import { RedisPresence } from '@colyseus/redis-presence';
import { Redis } from 'ioredis';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import { StudyService } from './studies/service.ts';
import { createDebate } from './debates/create.ts';
import { guardMatchmaking } from './http/matchmaking.ts';
import { applyCorsPolicy, securityHeaders } from './http/security.ts';
import { loadScenarioPacks } from './scenarios/load.ts';
import { AgentKeys } from './store/agent-keys.ts';
import { openStore } from './store/open.ts';
import type { Store } from './store/store.ts';

export interface Arena {
  server: Server;
  ctx: ArenaContext;
  /** Starts listening; resolves with the bound port. */
  listen(): Promise<number>;
  close(): Promise<void>;
}

/** How long a dead process's debates wait before another process takes them over. */
const LEASE_MS = 10_000;
const SESSION_COMMANDS = 'arena:sessions';
const STUDY_CHANGES = 'arena:studies';

/** The researcher token: configured, else kept in the data folder (created once). */
export async function researcherToken(config: Config): Promise<string> {
  if (config.researcherToken) return config.researcherToken;
  const file = join(config.dataDir, 'researcher-token');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const token = randomBytes(24).toString('base64url');
  await privateDataDir(config.dataDir);
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return token;
}

/** Wires the store, scenarios, rooms and routes into one server. Nothing listens until listen(). */
export async function createArena(config: Config, options: { store?: Store } = {}): Promise<Arena> {
  const { packs, scenarios } = await loadScenarioPacks(config.scenariosDir);
  if (!options.store && !config.databaseUrl) await privateDataDir(config.dataDir);
  const store =
    options.store ??
    (await openStore(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: join(config.dataDir, 'db'), exclusive: true }));
  if (!options.store && !config.databaseUrl) privateTree(config.dataDir);
  const agentKeys = new AgentKeys(store.sql);
  const gateway = new AgentGateway({ keys: agentKeys, log: (line) => console.warn(line) });
  await gateway.load();
  // `remote:<name>` seats are played through the gateway by a connected agent of that name.
  const makeAgent = (id: string, seed: string) => (id.startsWith(REMOTE_PREFIX) ? gateway.agent(id) : createAgent(id, { seed }));
  const sessions = new Sessions({
    store,
    makeAgent,
    agentTurnMs: config.agentSeconds * 1000,
    waitingMs: config.waitingSeconds * 1000,
    log: (line) => console.warn(line),
  });
  const scenarioMap = new Map<string, Scenario>(scenarios.map((s) => [s.id, s]));
  const studies = new StudyService({
    store,
    sessions,
    scenarios: scenarioMap,
    packs,
    knownAgent: (id) => {
      try {
        makeAgent(id, 'probe');
        return null;
      } catch (err) {
        return (err as Error).message;
      }
    },
    createDebate: (request, visibility) =>
      createDebate({ store, scenarios: scenarioMap, agentCapabilities: (id) => agentCapabilities(id), onCreated: (id) => sessions.created(id) }, request, visibility),
    log: (line) => console.warn(line),
  });
  sessions.on((_id, e) => e.type === 'appended' && gateway.observe(e.event));
  // With several processes, the lobby's per-address limit is counted in Redis, once for all of them.
  const limitsRedis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 3 }) : null;
  const ctx: ArenaContext = {
    config,
    store,
    sessions,
    packs,
    scenarios: scenarioMap,
    makeAgent,
    agentIds: () => [...listAgents(), ...gateway.agentIds()],
    gateway,
    agentKeys,
    agentCapabilities: (id) => agentCapabilities(id),
    researcherToken: await researcherToken(config),
    studies,
    ...(limitsRedis ? { rateLimitStore: new RedisStore({ prefix: 'arena:limit:', sendCommand: (...args: string[]) => limitsRedis.call(args[0]!, ...args.slice(1)) as Promise<RedisReply> }) } : {}),
  };
  const roomDeps: DebateRoomDeps = { sessions, store, reconnectSeconds: config.reconnectSeconds, researcherToken: ctx.researcherToken };
  const clientDir = resolve(config.clientDir);
  applyCorsPolicy(config.allowedOrigins);
  guardMatchmaking();

  // Several processes share matchmaking and presence through Redis; a debate's room is
  // created in the process that owns its session.
  const shared = config.redisUrl
    ? {
        presence: new RedisPresence(config.redisUrl),
        driver: new RedisDriver(config.redisUrl),
        publicAddress: config.publicAddress ?? `${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`,
      }
    : {};
  let ownership: Ownership | null = null;
  // One HTTP server for the API, the Colyseus rooms and the agents' socket.io: Colyseus takes
  // every WebSocket upgrade except socket.io's, which is attached once the server listens.
  const httpServer = createServer();
  // The longest legal action (a 20,000-character speech in any script) fits well within 256 KiB.
  const transport = new WebSocketTransport({ noServer: true, pingInterval: 5000, pingMaxRetries: 3, maxPayload: 256 * 1024 });
  transport.attachToServer(httpServer, { filter: (req) => !req.url?.startsWith('/socket.io/') });
  const server = defineServer({
    ...shared,
    selectProcessIdToCreateRoom: async (_roomName: string, clientOptions: Record<string, unknown>) =>
      (ownership && typeof clientOptions.debateId === 'string' ? await ownership.owner(clientOptions.debateId) : null) ?? matchMaker.processId,
    transport,
    gracefullyShutdown: false,
    greet: false,
    rooms: {
      [ROOM_NAME]: defineRoom(DebateRoom, { deps: roomDeps } as never).filterBy(['debateId']),
    },
    express: (app) => {
      app.disable('x-powered-by');
      app.set('trust proxy', config.trustProxy);
      app.use(securityHeaders(join(clientDir, 'index.html')));
      app.use('/api', apiRouter(ctx));
      if (existsSync(join(clientDir, 'index.html'))) {
        app.use(express.static(clientDir, { index: false, maxAge: '1h' }));
        // The client routes in the browser: every other GET gets the page.
        app.get(/^\/(?!api\/|matchmake\/).*/, (_req, res) => res.sendFile(join(clientDir, 'index.html')));
      } else {
        app.get('/', (_req, res) => {
          res.type('text').send('Oversight Arena server is running. The web client is not built: run `npm run build` (npm start does it).');
        });
      }
      app.use(errorHandler);
    },
  } as Parameters<typeof defineServer>[0]);

  let closed = false;
  let sweeper: NodeJS.Timeout | undefined;
  return {
    server,
    ctx,
    async listen() {
      await server.listen(config.port, config.host);
      // Remote agents' turns reach the process holding the agent's connection through the presence bus.
      const presence = matchMaker.presence;
      await gateway.attach(httpServer, {
        processId: matchMaker.processId,
        publish: (topic, data) => presence.publish(topic, data),
        subscribe: (topic, callback) => presence.subscribe(topic, callback),
        incr: (key) => presence.incr(key),
        expire: (key, seconds) => presence.expire(key, seconds),
      });
      ownership = config.redisUrl
        ? new RedisOwnership(config.redisUrl, matchMaker.processId, LEASE_MS, (id) => sessions.lost(id))
        : new LocalOwnership(matchMaker.processId);
      await matchMaker.presence.subscribe(SESSION_COMMANDS, (command: SessionCommand) => void sessions.handle(command));
      if (config.redisUrl) {
        // A study's dashboard may be open on another process than the one a participant talks to.
        const from = matchMaker.processId;
        await matchMaker.presence.subscribe(STUDY_CHANGES, (m: { id: string; from: string }) => m.from !== from && studies.remoteChanged(m.id));
        studies.relayChanges((id) => void matchMaker.presence.publish(STUDY_CHANGES, { id, from }));
      }
      // Debates that were live when the server last stopped (or whose process died) carry on from their stored events.
      await sessions.start(ownership, (command) => void matchMaker.presence.publish(SESSION_COMMANDS, command), config.redisUrl ? LEASE_MS / 2 : undefined);
      // Study time limits and dropouts are applied on a timer as well as when a page asks.
      sweeper = setInterval(() => void studies.sweep().catch((err) => console.warn(`study sweep: ${(err as Error).message}`)), config.studySweepSeconds * 1000);
      const address = server.transport.server?.address();
      return typeof address === 'object' && address ? address.port : config.port;
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweeper);
      await matchMaker.disconnectAll();
      await server.gracefullyShutdown(false).catch(() => {});
      await gateway.close();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await sessions.close();
      limitsRedis?.disconnect();
      if (!options.store) await store.close();
    },
  };
}
