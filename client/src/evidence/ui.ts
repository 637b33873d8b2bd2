import type { ComponentType } from 'react';
import type { DebateView } from '@arena/shared';
import type { DebateRoomState } from '../room.ts';
import type { EvidenceWords } from './words.ts';

/**
 * How the web client shows one kind of evidence: one entry per kind (./index.ts), its
 * words (./words.ts) and its components, which pages look up by the view's
 * `evidenceKind` instead of testing the kind.
 */
export interface EvidenceUi extends EvidenceWords {
  /** A debater's seat: the evidence, the answers, the rounds and the move. */
  Debater: ComponentType<{ view: DebateView; room: DebateRoomState }>;
  /** Beside the judge's (and an observer's) debate: what it may see of the evidence. */
  JudgeAside: ComponentType<{ view: DebateView }>;
  /** A replay with everything shown: the evidence itself… */
  FullEvidence: ComponentType<{ view: DebateView }>;
  /** …and what follows the rounds. */
  FullSide: ComponentType<{ view: DebateView }>;
}
