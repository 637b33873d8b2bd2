import type { ClientAction, DebaterSeat, Refusal } from '../protocol/actions.ts';
import type { Rules } from '../rules/rules.ts';
import type { Segment } from './segment.ts';

/** A speech as a client sends it. */
export type SpeechInput = Extract<ClientAction, { type: 'speech' }>;

/** Who is being shown the evidence, and when. */
export interface EvidenceAudience {
  /** A debater: sees the evidence whole. */
  debater: boolean;
  /** The rules let the judge (and observers) see the evidence (the expert judge). */
  judgeSeesEvidence: boolean;
  /** The verdict is in. */
  finished: boolean;
}

/** What a view carries of the evidence itself, beside what was cited. Each kind fills its own field. */
export interface EvidenceShown {
  passage?: { text: string };
  image?: { width: number; height: number; pixels: string };
}

export interface RevealView {
  index: number;
  value: number;
  seat: DebaterSeat;
}

export interface QuoteView {
  span: [number, number];
  text: string;
  seats: DebaterSeat[];
}

/** What a view lists of the citations a seat has seen: each kind fills its own list and leaves the other empty. */
export interface EvidenceCited {
  /** Verified quotes, in passage order. */
  quotes: QuoteView[];
  /** Revealed pixels, in reveal order. */
  reveals: RevealView[];
}

/** The speeches a seat has seen, round by round (a view's rounds). */
export type SeenSpeeches = readonly { speeches: readonly { seat: DebaterSeat; segments: readonly Segment[] }[] }[];

/**
 * One kind of hidden evidence, behind one interface (what a scenario holds is the kind's
 * schema, in Evidence in kinds.ts): what a debater may cite and how a citation is checked (`cite`), which protocols fit it
 * (`suits`), what a seat is shown of it (`shown`) and of its citations (`cited`), and
 * which part of it is bulky (`shareBulk`). The engine, the schema, the rules and the
 * server reach a kind only through this; a new kind is one new module registered in
 * kinds.ts (plus its field in EvidenceShown).
 */
export interface EvidenceKind<E extends { kind: string }> {
  readonly kind: E['kind'];
  /**
   * Checks a speech against the evidence: the segments to record (verified citations,
   * own words), or a refusal naming what is wrong. `previous` holds every segment
   * already spoken in the debate. The limits of the rules are applied afterwards.
   */
  cite(evidence: E, speech: SpeechInput, previous: readonly Segment[]): Segment[] | Refusal;
  /** Whether a protocol with debaters can be played over this kind (its citation limits fit). */
  suits(rules: Pick<Rules, 'revealsPerSpeech' | 'quoteChars'>): boolean;
  /** What the audience sees of the evidence itself. */
  shown(evidence: E, to: EvidenceAudience): EvidenceShown;
  /** The citations in the speeches a seat has seen, as its view lists them. */
  cited(seen: SeenSpeeches): EvidenceCited;
  /** The evidence with its bulk (a passage's text, an image's pixels) passed through `share`, so that equal bulk is held once. */
  shareBulk(evidence: E, share: (bulk: string) => string): E;
  /** A size for summaries (words of a passage; 0 when words do not apply). */
  words(evidence: E): number;
}

/** Segments in order, merging neighbouring text. */
export class SegmentList {
  readonly items: Segment[] = [];
  text(text: string) {
    if (!text) return;
    const last = this.items[this.items.length - 1];
    if (last?.kind === 'text') last.text += text;
    else this.items.push({ kind: 'text', text });
  }
  push(segment: Segment) {
    this.items.push(segment);
  }
}
