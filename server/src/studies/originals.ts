/**
 * Stored debates as study items: the spec's `debates` (ids and/or filters by source and
 * pack) resolved against the store at launch, each checked to be re-judgeable. The set is
 * frozen at launch (the pool's slots record each original's id), so debates stored later
 * never join a running study.
 */
import { questionKey, type DebateHeader, type TranscriptRecord } from '@arena/shared';
import { NotRejudgeable, REJUDGE_SOURCE, rejudgeHeader } from '../rejudge/header.ts';
import type { Store } from '../store/store.ts';
import { storyKeyOf, type StudyOriginal } from './resolve.ts';
import { SpecError, type StudySpec } from './spec.ts';

/** Why a stored debate cannot be re-judged (null when it can). */
function problemOf(record: TranscriptRecord): string | null {
  try {
    rejudgeHeader(record, { id: 'probe', judge: { kind: 'human' }, seed: 'probe', createdAt: 0 });
    return null;
  } catch (err) {
    if (err instanceof NotRejudgeable) return err.message;
    throw err;
  }
}

const originalOf = (record: TranscriptRecord): StudyOriginal => {
  const scenario = (record.header as DebateHeader).scenario;
  return { id: record.header.id, scenario, questionKey: questionKey(scenario.title, scenario.question), storyKey: storyKeyOf(scenario) };
};

/**
 * The originals a spec names, oldest first. A listed id that is missing or cannot be
 * re-judged is an error naming the field; debates a filter matches that cannot be
 * re-judged (no speeches) are left out, as are re-judgings, debates of studies and
 * debates still being played here.
 */
export async function selectStudyOriginals(store: Store, spec: StudySpec, source = 'the spec'): Promise<StudyOriginal[]> {
  const d = spec.debates;
  if (!d) return [];
  const chosen = new Map<string, StudyOriginal>();
  for (const [i, id] of d.ids.entries()) {
    const record = await store.getTranscript(id);
    if (!record) throw new SpecError(`${source}: debates.ids.${i}: no stored debate "${id}"`);
    const problem = problemOf(record);
    if (problem) throw new SpecError(`${source}: debates.ids.${i}: ${problem}`);
    chosen.set(id, originalOf(record));
  }
  if (d.sources.length + d.packs.length > 0) {
    // Imported debates are fixed whatever their status; one played here is taken once it is over.
    const rows = await store.storedDebates();
    const matches = rows.filter(
      (r) =>
        r.source !== REJUDGE_SOURCE &&
        !r.meta?.['study'] &&
        !chosen.has(r.id) &&
        (d.sources.length === 0 || d.sources.includes(r.source ?? 'none')) &&
        (d.packs.length === 0 || (r.pack !== null && d.packs.includes(r.pack))),
    );
    let taken = 0;
    for (const r of matches) {
      if (d.limit !== undefined && taken >= d.limit) break;
      const record = await store.getTranscript(r.id);
      if (!record || problemOf(record)) continue;
      chosen.set(r.id, originalOf(record));
      taken++;
    }
    if (taken === 0 && d.ids.length === 0) throw new SpecError(`${source}: debates: no stored debate that can be re-judged matches sources [${d.sources.join(', ')}] and packs [${d.packs.join(', ')}]`);
  }
  return [...chosen.values()];
}

/** The originals of a launched study, from the ids its pool recorded. */
export async function loadStudyOriginals(store: Store, ids: readonly string[]): Promise<StudyOriginal[]> {
  const out: StudyOriginal[] = [];
  for (const id of ids) {
    const record = await store.getTranscript(id);
    if (record) out.push(originalOf(record));
  }
  return out;
}
