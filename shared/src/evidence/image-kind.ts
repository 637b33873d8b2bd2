import { z } from 'zod';
import type { Refusal } from '../protocol/actions.ts';
import type { Segment } from './segment.ts';
import { decodeImage, revealProblem } from './image.ts';
import { SegmentList, type EvidenceCited, type EvidenceKind, type SeenSpeeches, type SpeechInput } from './kind.ts';

/** A grayscale image the judge sees only pixel by pixel, as debaters reveal them (unless the rules let it see). */
export const ImageEvidence = z
  .object({
    kind: z.literal('image'),
    width: z.number().int().min(1).max(256),
    height: z.number().int().min(1).max(256),
    /** Two hex digits a pixel (00 = blank, ff = full ink), row-major. */
    pixels: z.string().regex(/^[0-9a-f]*$/, 'pixels are lower-case hex digits'),
  })
  .refine((e) => e.pixels.length === e.width * e.height * 2, { message: 'pixels must hold two hex digits for each of width × height pixels', path: ['pixels'] });
export type ImageEvidence = z.infer<typeof ImageEvidence>;

/** Each reveal must name an inked pixel nobody has revealed yet. */
function cite(evidence: ImageEvidence, action: SpeechInput, previous: readonly Segment[]): Segment[] | Refusal {
  const image = decodeImage(evidence.width, evidence.height, evidence.pixels);
  const revealed = new Set(previous.flatMap((s) => (s.kind === 'reveal' ? [s.index] : [])));
  const out = new SegmentList();
  for (const seg of action.segments ?? [{ text: action.text ?? '' }]) {
    if ('text' in seg) out.text(seg.text);
    else if ('quote' in seg) return { code: 'bad-span', message: 'this debate is about an image: reveal pixels, there is no passage to quote' };
    else {
      const problem = revealProblem(image, revealed, seg.reveal);
      if (problem) return { code: 'bad-reveal', message: problem };
      revealed.add(seg.reveal);
      out.push({ kind: 'reveal', index: seg.reveal, value: image.values[seg.reveal] as number });
    }
  }
  return out.items;
}

/** Every pixel revealed in the speeches seen, in reveal order, with who revealed it. */
function cited(seen: SeenSpeeches): EvidenceCited {
  const reveals = seen.flatMap((r) => r.speeches.flatMap((s) => s.segments.flatMap((seg) => (seg.kind === 'reveal' ? [{ index: seg.index, value: seg.value, seat: s.seat }] : []))));
  return { quotes: [], reveals };
}

/** Image evidence: debaters reveal pixels; the judge sees the revealed ones, or the whole image under an expert-judge protocol or after the verdict. */
export const imageKind: EvidenceKind<ImageEvidence> = {
  kind: 'image',
  cite,
  suits: (rules) => rules.revealsPerSpeech > 0,
  shown: (e, to) => (to.debater || to.judgeSeesEvidence || to.finished ? { image: { width: e.width, height: e.height, pixels: e.pixels } } : {}),
  cited,
  shareBulk: (e, share) => ({ ...e, pixels: share(e.pixels) }),
  words: () => 0,
};
