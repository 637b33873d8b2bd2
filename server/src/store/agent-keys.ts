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
 * Keys of remote agents, kept hashed and scoped to one agent name each. Plain SQL that
 * runs on the embedded database and on Postgres alike (table from migration 4).
 */
export class AgentKeys {
  private readonly sql: Sql;

  constructor(sql: Sql) {
    this.sql = sql;
  }

  /** Issues a key for `name`: returns the key (shown once) and its listing. */
  async issue(name: string, label: string | null, now = Date.now()): Promise<{ key: string; info: AgentKeyInfo }> {
    const id = `k${randomBytes(6).toString('hex')}`;
    const key = `arena_${id}_${randomBytes(24).toString('base64url')}`;
    await this.sql.query('INSERT INTO agent_keys (id, name, hash, label, created_at) VALUES ($1, $2, $3, $4, $5)', [id, name, hashAgentKey(key), label, now]);
    return { key, info: { id, name, label, createdAt: now, revokedAt: null } };
  }

  /** The key a presented secret is, revoked or not; null when it matches none. */
  async find(key: string): Promise<AgentKeyInfo | null> {
    const rows = await this.sql.query<KeyRow>('SELECT id, name, label, created_at, revoked_at FROM agent_keys WHERE hash = $1', [hashAgentKey(key)]);
    return rows[0] ? info(rows[0]) : null;
  }

  /** Revokes a key; returns it, or null when there is no such key. Revoking twice keeps the first time. */
  async revoke(id: string, now = Date.now()): Promise<AgentKeyInfo | null> {
    await this.sql.query('UPDATE agent_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [id, now]);
    const rows = await this.sql.query<KeyRow>('SELECT id, name, label, created_at, revoked_at FROM agent_keys WHERE id = $1', [id]);
    return rows[0] ? info(rows[0]) : null;
  }

  /** Every key, newest first. */
  async list(): Promise<AgentKeyInfo[]> {
    const rows = await this.sql.query<KeyRow>('SELECT id, name, label, created_at, revoked_at FROM agent_keys ORDER BY created_at DESC, id');
    return rows.map(info);
  }

  /** Names that hold at least one key that is not revoked. */
  async activeNames(): Promise<string[]> {
    const rows = await this.sql.query<{ name: string }>('SELECT DISTINCT name FROM agent_keys WHERE revoked_at IS NULL ORDER BY name');
    return rows.map((r) => r.name);
  }
}
