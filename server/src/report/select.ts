/**
 * Loading a selection of transcripts from the store for the reports and exports: the
 * store narrows what it can, the report's own filter decides. Shared by the CLI and the
 * HTTP routes so both see the same debates.
 */
import type { TranscriptRecord } from '@arena/shared';
import { NYU_SOURCE } from './sources.ts';
import type { ListFilter, Store } from '../store/store.ts';
import { studyExclusions, type StudyParticipants } from './exclusions.ts';
import { matchesFilter, studyKindOf, type ReportFilter } from './outcomes.ts';

/** `nyu` is short for the NYU dataset's source name; `arena` and `none` both mean debates played here. */
export function sourceName(s: string | undefined): string | undefined {
  if (s === 'nyu') return NYU_SOURCE;
  if (s === 'arena') return 'none';
  return s;
}

export class UnknownSource extends Error {
  override name = 'UnknownSource';
}

/** The store's narrowing for a report filter (the report applies the whole filter again). */
export function listFilterOf(f: ReportFilter, extra: Pick<ListFilter, 'since' | 'until' | 'visibility' | 'exceptScenarios'> = {}): ListFilter {
  return {
    ...(f.pack ? { pack: f.pack } : {}),
    ...(f.preset ? { preset: f.preset } : {}),
    ...(f.source ? { source: f.source === 'none' ? null : f.source } : {}),
    ...(f.tournament ? { meta: { 'tournament.id': f.tournament } } : {}),
    ...extra,
  };
}

/** The sources present in the store ("arena" for debates played here), among public debates only when `visibility` says so. */
export async function storeSources(store: Store, visibility?: ListFilter['visibility']): Promise<string[]> {
  const out = new Set<string>();
  for (const d of await store.listDebates({ limit: 1_000_000, ...(visibility ? { visibility } : {}) })) out.add(d.source ?? 'arena');
  return [...out].sort();
}

/** Where a selection comes from: the debates, and the studies whose rules exclude some participants' judgements. */
export interface SelectionStores {
  debates: Store;
  studies: StudyParticipants;
}

const excludedBy = (exclusions: ReadonlySet<string>, r: TranscriptRecord): boolean => {
  const s = studyKindOf(r);
  return !!s && exclusions.has(`${s.study}|${s.participant}`);
};

/** The judgements of the selection that excluded study participants gave: shown apart, never counted. */
export async function excludedSelection(stores: SelectionStores, filter: ReportFilter, extra: Pick<ListFilter, 'since' | 'until' | 'visibility' | 'exceptScenarios'> = {}): Promise<TranscriptRecord[]> {
  const store = stores.debates;
  const exclusions = await studyExclusions(stores.studies);
  const records: TranscriptRecord[] = [];
  if (exclusions.size === 0) return records;
  for await (const r of store.transcripts(listFilterOf(filter, extra))) if (matchesFilter(r, filter) && excludedBy(exclusions, r)) records.push(r);
  return records;
}

/**
 * Every transcript in the selection, one at a time as the store pages them (a study's
 * counted items only, without the judgements of participants its rules excluded), so an
 * export over any number of debates holds one page in memory. A source with no debates
 * at all is an error that names the sources the store has (a typo should not print an
 * empty table).
 */
export async function* streamSelection(stores: SelectionStores, filter: ReportFilter, extra: Pick<ListFilter, 'since' | 'until' | 'visibility' | 'exceptScenarios'> = {}): AsyncGenerator<TranscriptRecord> {
  const store = stores.debates;
  const exclusions = await studyExclusions(stores.studies);
  let n = 0;
  for await (const r of store.transcripts(listFilterOf(filter, extra))) {
    if (matchesFilter(r, filter) && !excludedBy(exclusions, r)) {
      n++;
      yield r;
    }
  }
  if (n === 0 && filter.source) {
    const known = await storeSources(store, extra.visibility);
    const wanted = filter.source === 'none' ? 'arena' : filter.source;
    if (!known.includes(wanted)) {
      throw new UnknownSource(`no debates from source "${filter.source}" (sources in this store: ${known.length ? known.join(', ') : 'none, the store is empty'}; "nyu" is short for ${NYU_SOURCE}, "arena" for debates played here)`);
    }
  }
}

/** Every transcript in the selection, in memory (see streamSelection). */
export async function loadSelection(stores: SelectionStores, filter: ReportFilter, extra: Pick<ListFilter, 'since' | 'until' | 'visibility' | 'exceptScenarios'> = {}): Promise<TranscriptRecord[]> {
  const records: TranscriptRecord[] = [];
  for await (const r of streamSelection(stores, filter, extra)) records.push(r);
  return records;
}
