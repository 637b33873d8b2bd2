import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { defineRoom, defineServer, matchMaker, type Server } from '@colyseus/core';
import { WebSocketTransport } from '@colyseus/ws-transport';
import { ROOM_NAME, type PackInfo, type Scenario } from '@arena/shared';
import { admitAgent } from './access/agent-key.ts';
import { agentCatalog } from './agent-catalog.ts';
import type { AgentCatalog } from './agents/registry.ts';
import { AgentGateway } from './agents/remote/gateway.ts';
import { playLive } from './selfplay/live.ts';
import { TournamentService } from './tournament/service.ts';
import type { Config } from './config.ts';
import type { CreateDeps } from './debates/create.ts';
import { DebatesService } from './debates/service.ts';
import { privateDataDir, privateTree } from './data-dir.ts';
import { errorHandler } from './http/errors.ts';
import { apiRouter } from './http/routes.ts';
import { studiesRouter } from './http/studies.ts';
import { RejudgeService } from './rejudge/service.ts';
import { DebateRoom, type DebateRoomDeps } from './rooms/debate-room.ts';
import { clientAddressOf, ConnectionLimits } from './rooms/connection-limits.ts';
import { LocalOwnership, RedisOwnership, type Ownership } from './sessions/ownership.ts';
import { Sessions, type SessionCommand } from './sessions/sessions.ts';
import { RedisDriver } from '@colyseus/redis-driver';
import { RedisPresence } from '@colyseus/redis-presence';
import { Redis } from 'ioredis';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import { StudyService } from './studies/service.ts';
import { createDebate } from './debates/create.ts';
import { guardMatchmaking, guardMatchmakingRequests } from './http/matchmaking.ts';
import type { LimitStores } from './http/limits.ts';
import { applyCorsPolicy, securityHeaders } from './http/security.ts';
import { clientFiles } from './http/client-files.ts';
import { loadScenarioPacks } from './scenarios/load.ts';
import { quietLogger, RepeatLimiter } from './log.ts';
import { openStores, type Stores } from './stores.ts';
import type { AgentKeys } from './store/agent-keys.ts';
import type { Store } from './store/store.ts';

/** What createArena built, for the tests and benchmarks that drive a server from inside. */
export interface ArenaServices {
  store: Store;
  /** The live debates of this process. */
  sessions: Sessions;
  packs: PackInfo[];
  scenarios: Map<string, Scenario>;
  /** Every agent a seat may name: built-in, configured, remote and replay. */
  agents: AgentCatalog;
  /** Remote agents connected over socket.io (namespace /agents). */
  gateway: AgentGateway;
  /** Keys of remote agents, hashed and scoped to names. */
  agentKeys: AgentKeys;
  debates: DebatesService;
  /** Studies with recruited judges. */
  studies: StudyService;
  /** The researcher token (configured, or generated at start). */
  researcherToken: string;
}

export interface Arena {
  server: Server;
  services: ArenaServices;
  /** Starts listening; resolves with the bound port. */
  listen(): Promise<number>;
  close(): Promise<void>;
}

const SESSION_COMMANDS = 'arena:sessions';
const STUDY_CHANGES = 'arena:studies';

const headerValue = (h: string | string[] | undefined) => (Array.isArray(h) ? h.join(',') : h);

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

/** Wires the stores, scenarios, rooms and routes into one server. Nothing listens until listen(). */
export async function createArena(config: Config, options: { stores?: Stores } = {}): Promise<Arena> {
  const { packs, scenarios } = await loadScenarioPacks(config.scenariosDir);
  if (!options.stores && !config.databaseUrl) await privateDataDir(config.dataDir);
  const stores =
    options.stores ??
    (await openStores(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: join(config.dataDir, 'db'), exclusive: true }));
  if (!options.stores && !config.databaseUrl) privateTree(config.dataDir);
  const { debates: store, agentKeys } = stores;
  const gateway = new AgentGateway({ keys: agentKeys, admit: (auth) => admitAgent(auth, agentKeys), log: (line) => console.warn(line) });
  await gateway.load();
  // One catalog of every agent: `remote:<name>` seats are played through the gateway by a connected
  // agent of that name; `replay:<id>` seats (re-judgings) replay a debate of this store.
  const agents = agentCatalog({ gateway, transcripts: (id) => store.getTranscript(id) });
  const makeAgent = (id: string, seed: string) => agents.make(id, seed);
  const sessions = new Sessions({
    store,
    makeAgent,
    agentTurnMs: config.agentSeconds * 1000,
    waitingMs: config.waitingSeconds * 1000,
    abandonMs: config.abandonSeconds * 1000,
    log: (line) => console.warn(line),
  });
  const scenarioMap = new Map<string, Scenario>(scenarios.map((s) => [s.id, s]));
  // Every debate is created through one service: its agents checked against their seats, and every live one starts its session.
  const creating: CreateDeps = {
    store,
    scenarios: scenarioMap,
    agentCapabilities: (id) => agents.capabilities(id),
    makeAgent,
    onCreated: (id) => sessions.created(id),
  };
  const studies = new StudyService({
    store,
    studyStore: stores.studies,
    studyLocks: stores.studyLocks,
    sessions,
    scenarios: scenarioMap,
    packs,
    knownAgent: (id) => agents.problemWith(id),
    createDebate: (request, visibility) => createDebate(creating, request, visibility),
    log: (line) => console.warn(line),
    entrySecret: (name) => config.entrySecrets[name],
    paidAgent: (id) => agents.paid(id),
  });
  sessions.on((_id, e) => e.type === 'appended' && gateway.observe(e.event));
  // With several processes, the per-address limits are counted in Redis, once for all of them (one store per limit).
  const limitsRedis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 3 }) : null;
  const limitStores: LimitStores = (name) =>
    limitsRedis ? new RedisStore({ prefix: `arena:limit:${name}:`, sendCommand: (...args: string[]) => limitsRedis.call(args[0]!, ...args.slice(1)) as Promise<RedisReply> }) : undefined;
  const token = await researcherToken(config);
  const lobby = { publicLobby: config.lobby, packs };
  const shield = () => studies.shield();
  const debates = new DebatesService({ store, cancel: (id, reason) => sessions.cancel(id, reason), creating, agents, lobby, researcherToken: token, shield });
  const services: ArenaServices = { store, sessions, packs, scenarios: scenarioMap, agents, gateway, agentKeys, debates, studies, researcherToken: token };
  const api = apiRouter({
    researcherToken: token,
    store,
    limitStores,
    tokenFailuresPerMinute: config.tokenFailuresPerMinute,
    lobby: { lobby, scenarios: scenarioMap, agents, researcherToken: token, shield },
    debates: { debates, researcherToken: token, lobbyCreateLimit: config.lobbyCreateLimit, limitStores },
    results: { store, studies: stores.studies, packs, researcherToken: token, shield },
    rejudge: { rejudging: new RejudgeService({ store, creating, agents, agentTurnMs: config.agentSeconds * 1000 }), researcherToken: token },
    agents: { agents, gateway, agentKeys, researcherToken: token },
    selfplay: { store, sessions, scenarios: scenarioMap, creating, agents, researcherToken: token },
    tournaments: { tournaments: new TournamentService({ store, scenarios: scenarioMap, agents, play: (item, visibility) => playLive({ store, sessions, creating, visibility }, item) }), researcherToken: token },
    studies: studiesRouter({ studies, researcherToken: token, entries: config.studyEntries, limitStores }),
  });
  const limits = new ConnectionLimits(config.connectionsPerAddress, config.observersPerDebate);
  const addressOf = clientAddressOf(config.trustProxy);
  const roomDeps: DebateRoomDeps = { sessions, store, reconnectSeconds: config.reconnectSeconds, researcherToken: token, limits, addressOf, shield };
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
  // An address at its connection limit is refused at the matchmaking request, before a seat is reserved.
  const admit = (req: IncomingMessage) => {
    const over = limits.refusal(addressOf(req.socket.remoteAddress, headerValue(req.headers['x-forwarded-for'])));
    return over && { status: over.code, error: over.message };
  };
  guardMatchmakingRequests(httpServer, admit);
  // The longest legal action (a 20,000-character speech in any script) fits well within 256 KiB.
  const transport = new WebSocketTransport({ noServer: true, pingInterval: 5000, pingMaxRetries: 3, maxPayload: 256 * 1024 });
  transport.attachToServer(httpServer, { filter: (req) => !req.url?.startsWith('/socket.io/') });
  // Failures a client can cause at will (malformed frames) are logged once per kind, then counted.
  const failures = new RepeatLimiter({ error: (line) => console.error(line), warn: (line) => console.warn(line) });
  const server = defineServer({
    ...shared,
    logger: quietLogger(failures),
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
      app.set('trust proxy', config.trustProxy.length > 0 ? config.trustProxy : false);
      app.use(securityHeaders(join(clientDir, 'index.html')));
      app.use('/api', api);
      if (existsSync(join(clientDir, 'index.html'))) {
        app.use(clientFiles(clientDir, { admit, mayKnow: async (id, bearer) => (await debates.summary({ bearer }, id)).ok }));
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
    services,
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
        ? new RedisOwnership(config.redisUrl, matchMaker.processId, config.leaseMs, (id) => sessions.lost(id))
        : new LocalOwnership(matchMaker.processId);
      await matchMaker.presence.subscribe(SESSION_COMMANDS, (command: SessionCommand) => void sessions.handle(command));
      if (config.redisUrl) {
        // A study's dashboard may be open on another process than the one a participant talks to.
        const from = matchMaker.processId;
        await matchMaker.presence.subscribe(STUDY_CHANGES, (m: { id: string; from: string }) => m.from !== from && studies.remoteChanged(m.id));
        studies.relayChanges((id) => void matchMaker.presence.publish(STUDY_CHANGES, { id, from }));
      }
      // Debates that were live when the server last stopped (or whose process died) carry on from their stored events.
      await sessions.start(ownership, (command) => void matchMaker.presence.publish(SESSION_COMMANDS, command), config.redisUrl ? config.leaseMs / 2 : undefined);
      // Study time limits and dropouts are applied on a timer as well as when a page asks.
      sweeper = setInterval(() => void studies.sweep().catch((err) => console.warn(`study sweep: ${(err as Error).message}`)), config.studySweepSeconds * 1000);
      const address = server.transport.server?.address();
      return typeof address === 'object' && address ? address.port : config.port;
    },
    async close() {
      if (closed) return;
      closed = true;
      failures.flush();
      clearInterval(sweeper);
      await matchMaker.disconnectAll();
      await server.gracefullyShutdown(false).catch(() => {});
      await gateway.close();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await sessions.close();
      limitsRedis?.disconnect();
      if (!options.stores) await stores.close();
    },
  };
}
