import { createHash, randomBytes } from 'node:crypto';
import type { Sql } from './sql.ts';

/** A key as researchers see it listed: never the key itself, which is shown once when issued. */
export interface AgentKeyInfo {
  id: string;
  name: string;
  label: string | null;
  createdAt: number;
  revokedAt: number | null;
}

interface KeyRow {
  id: string;
  name: string;
  label: string | null;
  created_at: number;
  revoked_at: number | null;
}

const info = (r: KeyRow): AgentKeyInfo => ({ id: r.id, name: r.name, label: r.label, createdAt: Number(r.created_at), revokedAt: r.revoked_at === null ? null : Number(r.revoked_at) });

/** The stored form of a key: its SHA-256, hex. */
export function hashAgentKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * Keys of remote agents, kept hashed and scoped to one agent name each: over SQL
 * (SqlAgentKeys) or in memory (MemoryAgentKeys), which pass one contract suite.
 */
export interface AgentKeys {
  /** Issues a key for `name`: returns the key (shown once) and its listing. */
  issue(name: string, label: string | null, now?: number): Promise<{ key: string; info: AgentKeyInfo }>;
  /** The key a presented secret is, revoked or not; null when it matches none. */
  find(key: string): Promise<AgentKeyInfo | null>;
  /** Revokes a key; returns it, or null when there is no such key. Revoking twice keeps the first time. */
  revoke(id: string, now?: number): Promise<AgentKeyInfo | null>;
  /** Every key, newest first. */
  list(): Promise<AgentKeyInfo[]>;
  /** Names that hold at least one key that is not revoked. */
  activeNames(): Promise<string[]>;
}

/** A new key: its id and the secret (which embeds the id). */
function newKey(): { id: string; key: string } {
  const id = `k${randomBytes(6).toString('hex')}`;
  return { id, key: `arena_${id}_${randomBytes(24).toString('base64url')}` };
}

/** Agent keys in the database (table from migration 4): plain SQL that runs on the embedded database and on Postgres alike. */
export class SqlAgentKeys implements AgentKeys {
  private readonly sql: Sql;

  constructor(sql: Sql) {
    this.sql = sql;
  }

  async issue(name: string, label: string | null, now = Date.now()): Promise<{ key: string; info: AgentKeyInfo }> {
    const { id, key } = newKey();
    await this.sql.query('INSERT INTO agent_keys (id, name, hash, label, created_at) VALUES ($1, $2, $3, $4, $5)', [id, name, hashAgentKey(key), label, now]);
    return { key, info: { id, name, label, createdAt: now, revokedAt: null } };
  }

  async find(key: string): Promise<AgentKeyInfo | null> {
    const rows = await this.sql.query<KeyRow>('SELECT id, name, label, created_at, revoked_at FROM agent_keys WHERE hash = $1', [hashAgentKey(key)]);
    return rows[0] ? info(rows[0]) : null;
  }

  async revoke(id: string, now = Date.now()): Promise<AgentKeyInfo | null> {
    await this.sql.query('UPDATE agent_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [id, now]);
    const rows = await this.sql.query<KeyRow>('SELECT id, name, label, created_at, revoked_at FROM agent_keys WHERE id = $1', [id]);
    return rows[0] ? info(rows[0]) : null;
  }

  async list(): Promise<AgentKeyInfo[]> {
    const rows = await this.sql.query<KeyRow>('SELECT id, name, label, created_at, revoked_at FROM agent_keys ORDER BY created_at DESC, id');
    return rows.map(info);
  }

  async activeNames(): Promise<string[]> {
    const rows = await this.sql.query<{ name: string }>('SELECT DISTINCT name FROM agent_keys WHERE revoked_at IS NULL ORDER BY name');
    return rows.map((r) => r.name);
  }
}

/** Agent keys in memory, hashed as in the database: the listing by the secret's hash, nothing else kept. */
export class MemoryAgentKeys implements AgentKeys {
  private readonly byHash = new Map<string, AgentKeyInfo>();

  async issue(name: string, label: string | null, now = Date.now()): Promise<{ key: string; info: AgentKeyInfo }> {
    const { id, key } = newKey();
    const listed: AgentKeyInfo = { id, name, label, createdAt: now, revokedAt: null };
    this.byHash.set(hashAgentKey(key), listed);
    return { key, info: { ...listed } };
  }

  async find(key: string): Promise<AgentKeyInfo | null> {
    const k = this.byHash.get(hashAgentKey(key));
    return k ? { ...k } : null;
  }

  async revoke(id: string, now = Date.now()): Promise<AgentKeyInfo | null> {
    const k = [...this.byHash.values()].find((x) => x.id === id);
    if (!k) return null;
    k.revokedAt ??= now;
    return { ...k };
  }

  async list(): Promise<AgentKeyInfo[]> {
    return [...this.byHash.values()].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((k) => ({ ...k }));
  }

  async activeNames(): Promise<string[]> {
    return [...new Set([...this.byHash.values()].filter((k) => k.revokedAt === null).map((k) => k.name))].sort();
  }
}
