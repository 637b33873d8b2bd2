/**
 * Creating the debate of a study item through the server's debate creation (handed in): a
 * live debate of a scenario under a condition, an attention check (blind), or a stepped
 * re-judging of a stored debate (its debaters are replay agents). The participant judges
 * (a human seat with a token), recruited debaters get their seats' tokens, the debate is
 * private, and its header carries the study, the spec's hash, the participant's pseudonym
 * and the item (and, for a re-judging, the original's id).
 */
import { createHeader, rulesFor, type DebateHeader, type Rules, type Scenario, type SeatConfig, type Seat } from '@arena/shared';
import { rejudgeHeader } from '../rejudge/header.ts';
import type { Store } from '../store/store.ts';
import { newDebateId } from '../tokens.ts';
import { itemSeats, type ResolvedStudy } from './resolve.ts';
import type { ItemKind, ItemRow, SlotRow, StudyRow } from './study-store.ts';
import type { StudyDeps } from './study-types.ts';

/** What a study debate's header.meta.study records. */
export interface StudyDebateMeta {
  id: string;
  specHash: string;
  participant: string;
  /** Position in the participant's sequence (practice first), 1-based. */
  item: number;
  kind: Exclude<ItemKind, 'debate'>;
  condition: string;
  slot: string | null;
  /** A re-judging item's original debate (researchers only: the header is theirs). */
  rejudgeOf?: string;
  /** Recruited debaters' pseudonyms by seat (items with human debaters). */
  debaters?: Record<string, string>;
}

export interface ItemDebate {
  id: string;
  judgeToken: string;
  /** Seat tokens of the recruited debaters, by seat. */
  debaterTokens: Record<string, string>;
}

/** What opening an item's debate needs: the stored originals, and the server's debate creation. */
export interface ItemDebateDeps {
  store: Pick<Store, 'getTranscript'>;
  createDebate: StudyDeps['createDebate'];
}

/** The seed of an item's debate: a counted item's carries its slot's trial, so the engine's blocked assignment balances each cell. */
export function itemSeed(spec: StudyRow['spec'], participant: string, item: Pick<ItemRow, 'kind' | 'position'>, slot: Pick<SlotRow, 'cell' | 'trial'> | undefined): string {
  return slot ? `${spec.seed}|${slot.cell}|t${slot.trial}` : `${spec.seed}|${participant}|${item.kind}${item.position + 1}`;
}

/**
 * Creates the debate of a participant's item and starts its session. `debaters` gives
 * the recruited debater (pseudonym) of each human debater seat, when the condition has any.
 */
export async function openItemDebate(
  deps: ItemDebateDeps,
  study: { row: StudyRow; design: ResolvedStudy },
  participant: string,
  item: ItemRow,
  slot: SlotRow | undefined,
  debaters: Record<string, string> = {},
): Promise<ItemDebate> {
  const { row, design } = study;
  const id = newDebateId();
  const seed = itemSeed(row.spec, participant, item, slot);
  const meta: StudyDebateMeta = { id: row.id, specHash: row.specHash, participant, item: item.position + 1, kind: item.kind as StudyDebateMeta['kind'], condition: item.condition, slot: item.slot };
  if (Object.keys(debaters).length) meta.debaters = debaters;
  let header: DebateHeader;
  if (slot?.originalId) {
    const original = await deps.store.getTranscript(slot.originalId);
    if (!original) throw new Error(`the stored debate "${slot.originalId}" of slot ${slot.id} is gone`);
    meta.rejudgeOf = slot.originalId;
    const h = rejudgeHeader(original, { id, judge: { kind: 'human' }, seed, createdAt: Date.now() });
    // A study made it: its provenance says so (its source still names it a re-judging).
    header = { ...h, provenance: 'study', meta: { ...h.meta, study: meta } };
  } else {
    let scenario: Scenario;
    let rules: Rules;
    let seats: Partial<Record<string, SeatConfig>>;
    if (item.kind === 'check') {
      scenario = design.checks.find((c) => c.id === item.scenarioId)!;
      // An attention check is judged alone, from the question: the blind protocol.
      rules = rulesFor('blind');
      seats = { judge: { kind: 'human' } };
    } else {
      const condition = design.conditions.get(item.condition)!;
      scenario = design.scenarios.get(item.scenarioId)!;
      rules = condition.rules;
      seats = itemSeats(condition);
    }
    header = createHeader({ id, scenario, rules, seed, createdAt: Date.now(), seats: seats as Partial<Record<Seat, SeatConfig>>, provenance: 'study', meta: { study: meta } });
  }
  // Feedback at the study's end, or never: the judge's seat never carries the correct answer or the
  // scores (on the wire, not only on the page). Practice items keep theirs.
  if ((row.spec.feedback ?? 'afterEach') !== 'afterEach' && item.kind !== 'practice') header = { ...header, rules: { ...header.rules, revealOutcome: false } };
  // Agents are checked against their seats and the evidence; header, tokens and visibility are written together.
  const { tokens } = await deps.createDebate({ header }, 'private');
  if (!tokens.judge) throw new Error(`study debate ${id}: the judge seat is not a person's`);
  const judgeToken = tokens.judge;
  const debaterTokens: Record<string, string> = {};
  for (const seat of Object.keys(debaters)) {
    const token = tokens[seat as Seat];
    if (!token) throw new Error(`study debate ${id}: seat ${seat} is not a recruited debater's`);
    debaterTokens[seat] = token;
  }
  return { id, judgeToken, debaterTokens };
}
