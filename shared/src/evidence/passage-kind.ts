import { z } from 'zod';
import type { Refusal } from '../protocol/actions.ts';
import type { Segment } from './segment.ts';
import { SegmentList, type EvidenceKind, type SpeechInput } from './kind.ts';
import { findQuote, isValidSpan, passageIndex, spanText, splitQuoteTags } from './passage.ts';

/** A text passage the debaters can read and quote; the judge sees only quoted spans (unless the rules let it read). */
export const PassageEvidence = z.object({
  kind: z.literal('passage'),
  text: z.string().min(1, 'the passage is empty'),
});
export type PassageEvidence = z.infer<typeof PassageEvidence>;

/** Spans become verified quotes with the passage's exact text; <quote> tags are matched against it. */
function cite(evidence: PassageEvidence, action: SpeechInput): Segment[] | Refusal {
  const index = passageIndex(evidence.text);
  const out = new SegmentList();
  if (action.segments) {
    for (const seg of action.segments) {
      if ('text' in seg) out.text(seg.text);
      else if ('reveal' in seg) return { code: 'bad-reveal', message: 'this debate is about a passage: quote it, there are no pixels to reveal' };
      else {
        const [start, end] = seg.quote;
        if (!isValidSpan(index, start, end)) {
          return { code: 'bad-span', message: `quote span [${start}, ${end}) is not inside the passage (${index.tokens.length} tokens)` };
        }
        out.push({ kind: 'quote', text: spanText(index, start, end), verified: true, span: [start, end] });
      }
    }
    return out.items;
  }
  for (const piece of splitQuoteTags(action.text ?? '')) {
    if ('text' in piece) {
      out.text(piece.text);
      continue;
    }
    const quoted = piece.quoted.trim();
    if (!quoted) continue;
    const span = findQuote(index, quoted);
    out.push(span ? { kind: 'quote', text: spanText(index, span[0], span[1]), verified: true, span } : { kind: 'quote', text: quoted, verified: false });
  }
  return out.items;
}

/** Passage evidence: debaters quote it; the judge sees the quotes, or the whole passage under an expert-judge protocol. */
export const passageKind: EvidenceKind<PassageEvidence> = {
  kind: 'passage',
  schema: PassageEvidence,
  cite,
  suits: (rules) => rules.revealsPerSpeech === 0,
  shown: (evidence, to) => (to.debater || to.judgeSeesEvidence ? { passage: { text: evidence.text } } : {}),
  words: (evidence) => evidence.text.split(/\s+/).filter(Boolean).length,
};
