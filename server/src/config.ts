import { z } from 'zod';
import { isIP } from 'node:net';
import { describeIssues } from '@arena/shared';

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(2567),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  ARENA_DATA_DIR: z.string().min(1).default('./data'),
  ARENA_SCENARIOS_DIR: z.string().min(1).default('./scenarios'),
  ARENA_CLIENT_DIR: z.string().min(1).default('./client/dist'),
  ARENA_RESEARCHER_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  ARENA_RECONNECT_SECONDS: z.coerce.number().int().min(0).max(86400).default(60),
  /** Upper bound on an agent's turn, in seconds, even when the rules have no time limit. */
  ARENA_AGENT_SECONDS: z.coerce.number().positive().max(3600).default(120),
  /** Several processes: shared matchmaking, presence and session leases (needs DATABASE_URL). */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  /** host:port other processes and clients use to reach this one (several processes). */
  ARENA_PUBLIC_ADDRESS: z.string().min(1).optional(),
  /** How long a debate may wait for its players before it ends without a verdict. */
  ARENA_WAITING_SECONDS: z.coerce.number().positive().max(30 * 86400).default(7200),
  /** How long a lobby debate may stand still with none of its people connected before it ends as abandoned; 0: never. */
  ARENA_ABANDON_SECONDS: z.coerce.number().min(0).max(30 * 86400).default(900),
  /** How often study time limits and dropouts are checked. */
  ARENA_STUDY_SWEEP_SECONDS: z.coerce.number().positive().max(3600).default(5),
  /** Origins (scheme://host[:port]) whose pages may call the API; empty: same origin only. */
  ARENA_ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((o) => o.trim().replace(/\/+$/, '')).filter(Boolean))
    .pipe(z.array(z.union([z.literal('*'), z.string().regex(/^https?:\/\/[^/\s?#]+$/, 'each origin is scheme://host[:port], e.g. https://study.example.org')]))),
  /** Whether anonymous visitors may create debates (what the lobby offers); off: researchers only. */
  ARENA_LOBBY: z.enum(['on', 'off']).default('on'),
  /** Debates one client (IP address) may create anonymously in 10 minutes. */
  ARENA_LOBBY_CREATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(20),
  /**
   * With several processes: how long a process's lease on its debates lasts without renewal,
   * that is how long a stalled or dead process's debates wait before another takes them over.
   */
  ARENA_LEASE_SECONDS: z.coerce.number().min(1).max(600).default(10),
  /** Study entries (POST /api/studies/:id/enter) one address may make in 10 minutes. */
  ARENA_STUDY_ENTRIES_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(20),
  /** Study entries one study takes in a minute, from every address together. */
  ARENA_STUDY_ENTRIES_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(300),
  /** Requests with a refused token (401) one address may make in a minute before all its requests with a token wait. */
  ARENA_TOKEN_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(60),
  /** WebSocket connections (seats and observers, all debates) one client address may hold at once in one process. */
  ARENA_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(100),
  /** Observers one debate may have at once. */
  ARENA_OBSERVERS_PER_DEBATE: z.coerce.number().int().min(0).max(1_000_000).default(200),
  /**
   * The reverse proxies in front of the server whose X-Forwarded-For to trust, named: a
   * comma-separated list of addresses, CIDR subnets or the ranges `loopback`,
   * `linklocal`, `uniquelocal`. A hop count is refused: with it, any client that reaches
   * the server directly could name its own address and escape the per-address limits.
   */
  ARENA_TRUST_PROXY: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean))
    .pipe(z.array(z.string().refine(isProxyAddress, { message: 'name each trusted proxy: an IP address, a CIDR subnet (10.0.0.0/8) or loopback, linklocal, uniquelocal; a hop count would trust any direct client' }))),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  scenariosDir: string;
  clientDir: string;
  researcherToken: string | undefined;
  reconnectSeconds: number;
  agentSeconds: number;
  waitingSeconds: number;
  /** Seconds a lobby debate may stand still with none of its people connected before it ends as abandoned; 0: never. */
  abandonSeconds: number;
  redisUrl: string | undefined;
  publicAddress: string | undefined;
  studySweepSeconds: number;
  /** Cross-origin callers allowed (CORS); empty for same-origin only. */
  allowedOrigins: string[];
  /** Anonymous debate creation (the public lobby) is open. */
  lobby: boolean;
  /** Anonymous creations a client may make per 10 minutes. */
  lobbyCreateLimit: number;
  /** With several processes, how long a process's lease on its debates lasts without renewal, ms. */
  leaseMs: number;
  /** Requests with a refused token one address may make in a minute. */
  tokenFailuresPerMinute: number;
  /** Study entries one address may make in 10 minutes, and one study may take in a minute. */
  studyEntries: { perAddress: number; perStudyPerMinute: number };
  /** Connections one client address may hold at once (per process). */
  connectionsPerAddress: number;
  /** Observers one debate may have at once. */
  observersPerDebate: number;
  /** The proxies (addresses, subnets, named ranges) whose X-Forwarded-For gives the client's address; empty: none. */
  trustProxy: string[];
  /** The secrets of studies' signed links: every ARENA_ENTRY_SECRET… variable, by name (a spec's entry.signature.secretEnv names one). */
  entrySecrets: Record<string, string>;
}

/** The variables that hold the secrets of studies' signed links. */
const ENTRY_SECRET = /^ARENA_ENTRY_SECRET[A-Z0-9_]{0,60}$/;

/** Every ARENA_ENTRY_SECRET… variable; a secret shorter than 32 characters is a configuration error. */
function entrySecretsOf(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!ENTRY_SECRET.test(name) || !value) continue;
    if (value.length < 32) throw new ConfigError(`invalid configuration: ${name}: a study link secret needs at least 32 characters (e.g. openssl rand -hex 32)`);
    out[name] = value;
  }
  return out;
}

/** An address, a CIDR subnet, or one of the ranges Express names. */
function isProxyAddress(p: string): boolean {
  if (p === 'loopback' || p === 'linklocal' || p === 'uniquelocal') return true;
  const [address, bits, ...rest] = p.split('/');
  if (rest.length > 0 || !address) return false;
  const version = isIP(address);
  if (version === 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d{1,3}$/.test(bits) && n <= (version === 4 ? 32 : 128);
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads the configuration from the environment; a bad value is a clear error naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${describeIssues(parsed.error)}`);
  const e = parsed.data;
  if (e.REDIS_URL && !e.DATABASE_URL) {
    throw new ConfigError('invalid configuration: REDIS_URL (several processes) needs DATABASE_URL: processes share one Postgres, not the embedded database');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.ARENA_DATA_DIR,
    scenariosDir: e.ARENA_SCENARIOS_DIR,
    clientDir: e.ARENA_CLIENT_DIR,
    researcherToken: e.ARENA_RESEARCHER_TOKEN,
    reconnectSeconds: e.ARENA_RECONNECT_SECONDS,
    agentSeconds: e.ARENA_AGENT_SECONDS,
    waitingSeconds: e.ARENA_WAITING_SECONDS,
    abandonSeconds: e.ARENA_ABANDON_SECONDS,
    redisUrl: e.REDIS_URL,
    publicAddress: e.ARENA_PUBLIC_ADDRESS,
    studySweepSeconds: e.ARENA_STUDY_SWEEP_SECONDS,
    allowedOrigins: e.ARENA_ALLOWED_ORIGINS,
    lobby: e.ARENA_LOBBY === 'on',
    lobbyCreateLimit: e.ARENA_LOBBY_CREATE_LIMIT,
    trustProxy: e.ARENA_TRUST_PROXY,
    leaseMs: e.ARENA_LEASE_SECONDS * 1000,
    tokenFailuresPerMinute: e.ARENA_TOKEN_FAILURES_PER_MINUTE,
    studyEntries: { perAddress: e.ARENA_STUDY_ENTRIES_PER_ADDRESS, perStudyPerMinute: e.ARENA_STUDY_ENTRIES_PER_MINUTE },
    connectionsPerAddress: e.ARENA_CONNECTIONS_PER_ADDRESS,
    observersPerDebate: e.ARENA_OBSERVERS_PER_DEBATE,
    entrySecrets: entrySecretsOf(env),
  };
}
