import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { DebateHeader, DebateStatus, TranscriptRecord, Verdict, Visibility } from '@arena/shared';
import { openStore } from './open.ts';

export interface UpgradeSummary {
  debates: number;
  events: number;
  seatTokens: number;
  /** Where the old folder was kept. */
  kept: string;
}

/**
 * Copies a data folder of the old embedded format (PGlite, Postgres in WebAssembly)
 * into the current one: the old folder is renamed to `<dir>.pglite` and kept, and a
 * new database is written in `dir` with every debate, event and seat token. PGlite
 * is loaded only here.
 */
export async function upgradePglite(dir: string): Promise<UpgradeSummary> {
  if (!existsSync(join(dir, 'PG_VERSION'))) throw new Error(`${dir} is not a database folder of the old format (no PG_VERSION)`);
  const kept = `${dir}.pglite`;
  if (existsSync(kept)) throw new Error(`${kept} exists already: move it away first`);
  renameSync(dir, kept);
  const { PGlite } = await import('@electric-sql/pglite');
  const old = await PGlite.create(kept);
  const store = await openStore({ dataDir: dir, exclusive: true });
  const summary: UpgradeSummary = { debates: 0, events: 0, seatTokens: 0, kept };
  try {
    // SELECT *: a folder written by a later PGlite version may have columns (visibility) an earlier one lacks.
    const debates = await old.query<{ id: string; header: DebateHeader; status: DebateStatus; verdict: Verdict | null; visibility?: Visibility }>(
      'SELECT * FROM debates ORDER BY created_at, id',
    );
    for (const d of debates.rows) {
      const events = await old.query<TranscriptRecord['events'][number] & { meta: Record<string, unknown> | null }>(
        'SELECT seq, at, seat, action, meta FROM events WHERE debate_id = $1 ORDER BY seq',
        [d.id],
      );
      const record = {
        header: d.header,
        status: d.status,
        verdict: d.verdict,
        events: events.rows.map(({ meta, ...e }) => ({ ...e, ...(meta ? { meta } : {}) })),
      } as TranscriptRecord;
      await store.saveTranscript(record, d.visibility ?? 'public');
      const tokens = await old.query<{ seat: string; token: string; claimed: boolean }>('SELECT seat, token, claimed FROM seat_tokens WHERE debate_id = $1', [d.id]);
      await store.setSeatTokens(d.id, Object.fromEntries(tokens.rows.map((t) => [t.seat, t.token])));
      for (const t of tokens.rows) if (t.claimed) await store.claimSeat(d.id, t.seat);
      summary.debates++;
      summary.events += events.rows.length;
      summary.seatTokens += tokens.rows.length;
    }
  } finally {
    await store.close();
    await old.close();
  }
  return summary;
}
