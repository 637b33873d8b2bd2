import { z } from 'zod';
import type { Refusal } from '../protocol/actions.ts';
import type { Segment } from './segment.ts';
import { SegmentList, type EvidenceCited, type EvidenceKind, type QuoteView, type SeenSpeeches, type SpeechInput } from './kind.ts';
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

/** Every verified quote in the speeches seen, once per span with every seat that quoted it, in passage order. */
function cited(seen: SeenSpeeches): EvidenceCited {
  const bySpan = new Map<string, QuoteView>();
  for (const r of seen) {
    for (const s of r.speeches) {
      for (const seg of s.segments) {
        if (seg.kind !== 'quote' || !seg.verified) continue;
        const key = seg.span.join(':');
        const q = bySpan.get(key) ?? { span: seg.span, text: seg.text, seats: [] };
        if (!q.seats.includes(s.seat)) q.seats.push(s.seat);
        bySpan.set(key, q);
      }
    }
  }
  return { quotes: [...bySpan.values()].sort((a, b) => a.span[0] - b.span[0] || a.span[1] - b.span[1]), reveals: [] };
}

/** The passage of a passage scenario; throws for other evidence kinds. */
export function passageText(s: { id: string; evidence: { kind: string } }): string {
  if (s.evidence.kind !== passageKind.kind) throw new Error(`scenario ${s.id} has ${s.evidence.kind} evidence, not a passage`);
  return (s.evidence as PassageEvidence).text;
}

/** Passage evidence: debaters quote it; the judge sees the quotes, or the whole passage under an expert-judge protocol. */
export const passageKind: EvidenceKind<PassageEvidence> = {
  kind: 'passage',
  cite,
  suits: (rules) => rules.revealsPerSpeech === 0,
  shown: (evidence, to) => (to.debater || to.judgeSeesEvidence ? { passage: { text: evidence.text } } : {}),
  cited,
  shareBulk: (e, share) => ({ ...e, text: share(e.text) }),
  words: (evidence) => evidence.text.split(/\s+/).filter(Boolean).length,
};
