import type { Sql } from './sql.ts';

/**
 * The schema, as an ordered list of migrations. Append new ones; never edit an
 * applied one. The same list runs on the embedded database and on Postgres: write
 * the SQL both accept (SQLite reads `jsonb` as text and `double precision` as real).
 */
export const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'debates and events',
    sql: `
      CREATE TABLE debates (
        id text PRIMARY KEY,
        header jsonb NOT NULL,
        status text NOT NULL,
        verdict jsonb,
        scenario_id text NOT NULL,
        pack text,
        preset text NOT NULL,
        source text,
        created_at double precision NOT NULL,
        updated_at double precision NOT NULL
      );
      CREATE INDEX debates_created_at ON debates (created_at);
      CREATE TABLE events (
        debate_id text NOT NULL REFERENCES debates (id) ON DELETE CASCADE,
        seq integer NOT NULL,
        at double precision NOT NULL,
        seat text NOT NULL,
        action jsonb NOT NULL,
        meta jsonb,
        PRIMARY KEY (debate_id, seq)
      );
      CREATE TABLE seat_tokens (
        debate_id text NOT NULL REFERENCES debates (id) ON DELETE CASCADE,
        seat text NOT NULL,
        token text NOT NULL,
        claimed boolean NOT NULL DEFAULT false,
        PRIMARY KEY (debate_id, seat)
      );`,
  },
  {
    version: 2,
    name: 'debate visibility',
    // public: listed, full replay open to anyone once finished; private: unlisted, full transcript for researchers only.
    sql: `ALTER TABLE debates ADD COLUMN visibility text NOT NULL DEFAULT 'public'`,
  },
  {
    version: 3,
    name: 'studies',
    // Queries live in server/src/studies/study-store.ts. study_panel_ids is the one
    // place a participant's panel id is kept (researchers only, for payment).
    sql: `
      CREATE TABLE studies (
        id text PRIMARY KEY,
        spec jsonb NOT NULL,
        spec_hash text NOT NULL,
        status text NOT NULL,
        secret text NOT NULL,
        created_at double precision NOT NULL,
        updated_at double precision NOT NULL
      );
      CREATE TABLE study_participants (
        study_id text NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
        participant text NOT NULL,
        token text NOT NULL,
        stage text NOT NULL,
        outcome text,
        position integer NOT NULL DEFAULT 0,
        failed_checks integer NOT NULL DEFAULT 0,
        flags jsonb NOT NULL DEFAULT '[]',
        entered_at double precision NOT NULL,
        consented_at double precision,
        finished_at double precision,
        last_seen double precision NOT NULL,
        PRIMARY KEY (study_id, participant)
      );
      CREATE TABLE study_panel_ids (
        study_id text NOT NULL,
        participant text NOT NULL,
        panel_pid text NOT NULL,
        panel_study text,
        panel_session text,
        PRIMARY KEY (study_id, participant)
      );
      CREATE TABLE study_slots (
        study_id text NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
        slot text NOT NULL,
        cell text NOT NULL,
        scenario_id text NOT NULL,
        condition text NOT NULL,
        question_key text NOT NULL,
        story_key text NOT NULL,
        trial integer NOT NULL,
        status text NOT NULL,
        participant text,
        draws integer NOT NULL DEFAULT 0,
        PRIMARY KEY (study_id, slot)
      );
      CREATE TABLE study_items (
        study_id text NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
        participant text NOT NULL,
        position integer NOT NULL,
        kind text NOT NULL,
        slot text,
        scenario_id text NOT NULL,
        condition text NOT NULL,
        debate_id text,
        status text NOT NULL,
        started_at double precision,
        finished_at double precision,
        PRIMARY KEY (study_id, participant, position)
      );
      CREATE INDEX study_items_debate ON study_items (debate_id);
      CREATE TABLE study_bonus_ledger (
        study_id text NOT NULL,
        participant text NOT NULL,
        amount double precision NOT NULL,
        batch text NOT NULL,
        paid_at double precision NOT NULL,
        PRIMARY KEY (study_id, participant)
      );`,
  },
  {
    version: 4,
    name: 'remote agent keys',
    // Keys are kept as SHA-256 hashes (they are random 144-bit secrets, so no slow hash is needed); each is scoped to one agent name.
    sql: `
      CREATE TABLE agent_keys (
        id text PRIMARY KEY,
        name text NOT NULL,
        hash text NOT NULL UNIQUE,
        label text,
        created_at double precision NOT NULL,
        revoked_at double precision
      );
      CREATE INDEX agent_keys_name ON agent_keys (name)`,
  },
  {
    version: 5,
    name: 'study re-judging items and human debaters',
    // original_id: a re-judging slot's stored debate. role: judge or debater (the debater
    // link). waiting_since: a judge waiting for debaters, or a debater in the lobby.
    // seat: the seat a recruited debater plays in one of their debates.
    sql: `
      ALTER TABLE study_slots ADD COLUMN original_id text;
      ALTER TABLE study_participants ADD COLUMN role text NOT NULL DEFAULT 'judge';
      ALTER TABLE study_participants ADD COLUMN waiting_since double precision;
      ALTER TABLE study_items ADD COLUMN seat text`,
  },
  {
    version: 6,
    name: 'debate owner epochs',
    // The fencing token of a debate's owner: raised each time a process takes the debate's
    // session; an append stores only while the token it carries is still the debate's.
    sql: `ALTER TABLE debates ADD COLUMN owner_epoch integer NOT NULL DEFAULT 0`,
  },
  {
    version: 7,
    name: 'study integrity signals and post-item answers',
    // Per item, as the participant's page reports them: paste events, and time the page was hidden
    // or lost focus; and the answers to the spec's post-item questions (JSON by question id).
    sql: `
      ALTER TABLE study_items ADD COLUMN answers text;
      ALTER TABLE study_items ADD COLUMN pastes integer NOT NULL DEFAULT 0;
      ALTER TABLE study_items ADD COLUMN hidden_ms double precision NOT NULL DEFAULT 0;
      ALTER TABLE study_items ADD COLUMN blur_ms double precision NOT NULL DEFAULT 0`,
  },
];

export async function migrate(sql: Sql): Promise<number[]> {
  return sql.transaction(async (tx) => {
    // One migrator at a time, even with several server processes on one Postgres
    // (on SQLite the transaction itself takes the write lock).
    if (tx.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(716231)');
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at double precision NOT NULL)`);
    const done = new Set((await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version));
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      for (const statement of m.sql.split(';').map((s) => s.trim()).filter(Boolean)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
      applied.push(m.version);
    }
    return applied;
  });
}
