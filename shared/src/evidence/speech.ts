import type { ClientAction, Refusal } from '../protocol/actions.ts';
import type { Rules } from '../rules/rules.ts';
import type { Evidence } from '../scenario/schema.ts';
import type { Segment } from '../game/types.ts';
import { decodeImage, revealProblem } from './image.ts';
import { findQuote, isValidSpan, passageIndex, spanText, splitQuoteTags } from './passage.ts';

type SpeechAction = Extract<ClientAction, { type: 'speech' }>;

export interface ResolvedSpeech {
  segments: Segment[];
  chars: number;
  quoteChars: number;
}

/** Segments in order, merging neighbouring text. */
class SegmentList {
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

/** Passage evidence: spans become verified quotes with the passage's exact text; <quote> tags are matched. */
function passageSegments(text: string, action: SpeechAction): Segment[] | Refusal {
  const index = passageIndex(text);
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

/** Image evidence: each reveal must name an inked pixel nobody has revealed yet. */
function imageSegments(evidence: Extract<Evidence, { kind: 'image' }>, action: SpeechAction, previous: readonly Segment[]): Segment[] | Refusal {
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

/**
 * Turns a speech as sent into checked segments for the debate's evidence kind, then
 * applies the limits. `previous` holds every segment already spoken in the debate.
 */
export function resolveSpeech(evidence: Evidence, action: SpeechAction, rules: Rules, previous: readonly Segment[] = []): ResolvedSpeech | Refusal {
  const segments = evidence.kind === 'passage' ? passageSegments(evidence.text, action) : imageSegments(evidence, action, previous);
  if ('code' in segments) return segments;
  let chars = 0;
  let quoteChars = 0;
  let reveals = 0;
  for (const s of segments) {
    if (s.kind === 'reveal') reveals++;
    else chars += s.text.length;
    if (s.kind === 'quote') quoteChars += s.text.length;
  }
  if (reveals === 0 && segments.every((s) => s.kind === 'text' && !s.text.trim())) {
    return { code: 'empty-speech', message: 'the speech is empty' };
  }
  if (chars > rules.speechChars) {
    return { code: 'over-char-limit', message: `the speech has ${chars} characters; the limit is ${rules.speechChars}` };
  }
  if (quoteChars > rules.quoteChars) {
    return { code: 'over-quote-limit', message: `the speech quotes ${quoteChars} characters; the limit is ${rules.quoteChars}` };
  }
  if (reveals > rules.revealsPerSpeech) {
    return { code: 'over-reveal-limit', message: `the speech reveals ${reveals} pixels; the limit is ${rules.revealsPerSpeech}` };
  }
  return { segments, chars, quoteChars };
}
