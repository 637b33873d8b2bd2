import type { ComponentType } from 'react';
import type { DebateView, ScenarioSummary, SpeechView } from '@arena/shared';
import type { DebateRoomState } from '../room.ts';

/**
 * How the web client shows one kind of evidence: one entry per kind (./index.ts), which
 * pages and components look up by the view's `evidenceKind` instead of testing the kind.
 */
export interface EvidenceUi {
  /** In the lobby, packs of this kind come in this order (lower first). */
  listOrder: number;
  /** The size of a scenario's evidence in a list. */
  size(s: ScenarioSummary): string;
  /** The turn line of a debater whose turn it is; null for the words of a written speech. */
  yourTurn: string | null;
  /** The turn line of the judge and observers while the debaters act; null for the words of writing. */
  debatersActing: string | null;
  /** The figures beside a speech's speaker. */
  speechNote(s: SpeechView): string;
  /** A debater's seat: the evidence, the answers, the rounds and the move. */
  Debater: ComponentType<{ view: DebateView; room: DebateRoomState }>;
  /** Beside the judge's (and an observer's) debate: what it may see of the evidence. */
  JudgeAside: ComponentType<{ view: DebateView }>;
  /** A replay with everything shown: the evidence itself… */
  FullEvidence: ComponentType<{ view: DebateView }>;
  /** …and what follows the rounds. */
  FullSide: ComponentType<{ view: DebateView }>;
}
