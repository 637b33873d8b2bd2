import type { EvidenceKindName, ScenarioSummary, SpeechView } from '@arena/shared';

/**
 * What the web client says about each kind of evidence. Plain words and no components,
 * so the lobby and the shared components read them without loading the engine or the
 * kinds' pages; each kind's entry in ./index.ts adds its components.
 */
export interface EvidenceWords {
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
}

export const EVIDENCE_WORDS: Record<EvidenceKindName, EvidenceWords> = {
  passage: {
    listOrder: 0,
    size: (s) => `${s.words} words`,
    yourTurn: null,
    debatersActing: null,
    speechNote: (s) => ` · ${s.chars} chars, ${s.quoteChars} quoted`,
  },
  image: {
    listOrder: 1,
    size: () => 'image',
    yourTurn: 'Your turn: reveal a pixel.',
    debatersActing: 'The debaters are revealing pixels.',
    speechNote: () => '',
  },
};

export function evidenceWords(kind: EvidenceKindName): EvidenceWords {
  return EVIDENCE_WORDS[kind];
}
