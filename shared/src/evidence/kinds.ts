/**
 * The registry of evidence kinds. Everything that depends on the kind of evidence (the
 * scenario schema, citation checking, which protocols fit, what a seat is shown) goes
 * through `evidenceKindOf`; adding a kind is one module and one line here.
 */
import { z } from 'zod';
import { ImageEvidence, imageKind } from './image-kind.ts';
import type { EvidenceKind } from './kind.ts';
import { PassageEvidence, passageKind } from './passage-kind.ts';
import type { Rules } from '../rules/rules.ts';

export const EVIDENCE_KINDS = { passage: passageKind, image: imageKind } as const;
export type EvidenceKindName = keyof typeof EVIDENCE_KINDS;
export const EVIDENCE_KIND_NAMES = Object.keys(EVIDENCE_KINDS) as EvidenceKindName[];

/** A scenario's evidence: one of the registered kinds, told apart by `kind`. */
export const Evidence = z.discriminatedUnion('kind', [PassageEvidence, ImageEvidence]);
export type Evidence = z.infer<typeof Evidence>;

/** The module of a piece of evidence's kind. */
export function evidenceKindOf(evidence: Evidence): EvidenceKind<Evidence> {
  return EVIDENCE_KINDS[evidence.kind] as unknown as EvidenceKind<Evidence>;
}

/**
 * Whether a protocol can be played over a kind of evidence: the kind decides from the
 * citation limits (image debates need reveals, passage debates quote instead); a
 * protocol without debaters suits every kind.
 */
export function rulesSuitEvidence(rules: Pick<Rules, 'debaters' | 'revealsPerSpeech' | 'quoteChars'>, kind: EvidenceKindName): boolean {
  if (rules.debaters === 'none') return true;
  return EVIDENCE_KINDS[kind].suits(rules);
}
