/**
 * The time limits, pure: whether a participant's study ends now, and how. A participant
 * with no study page open for `idleSeconds` has dropped out; one past
 * `participantMinutes`, or with an item open past `itemMinutes`, has timed out (both end
 * with the timed-out code). A recruited debater who has waited in the lobby past
 * `humanDebaters.debaterWaitSeconds` ends with the completed code if they debated, else
 * with the no-capacity code.
 */
import type { Outcome, StudySpec } from './spec.ts';
import type { ItemRow, ParticipantRow } from './study-store.ts';

export interface Ending {
  outcome: Outcome;
  flag: string;
}

/** How the participant's study ends now, or null while it goes on. `debated`: debates they finished. */
export function endingOf(spec: StudySpec, p: ParticipantRow, current: ItemRow | undefined, debated: number, now: number): Ending | null {
  const limits = spec.timeLimits;
  if (p.stage === 'done') return null;
  if (now - p.lastSeen > limits.idleSeconds * 1000) return { outcome: 'timedOut', flag: 'idle' };
  if (p.consentedAt !== null && now - p.consentedAt > limits.participantMinutes * 60_000) return { outcome: 'timedOut', flag: 'over-time' };
  if (current?.status === 'open' && current.startedAt !== null && now - current.startedAt > limits.itemMinutes * 60_000) return { outcome: 'timedOut', flag: 'item-over-time' };
  const wait = spec.humanDebaters?.debaterWaitSeconds;
  if (p.stage === 'lobby' && wait !== undefined && p.waitingSince !== null && now - p.waitingSince > wait * 1000) {
    return { outcome: debated > 0 ? 'completed' : 'noCapacity', flag: 'lobby-timeout' };
  }
  return null;
}
