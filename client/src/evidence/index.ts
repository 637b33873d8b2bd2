import type { EvidenceKindName } from '@arena/shared';
import { imageUi } from './image.tsx';
import { passageUi } from './passage.tsx';
import type { EvidenceUi } from './ui.ts';

/** How each kind of evidence is shown; a new kind is one entry here (the type asks for it). */
export const EVIDENCE_UI: Record<EvidenceKindName, EvidenceUi> = { passage: passageUi, image: imageUi };

export function evidenceUi(kind: EvidenceKindName): EvidenceUi {
  return EVIDENCE_UI[kind];
}

export type { EvidenceUi };
