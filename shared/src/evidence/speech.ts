import type { ClientAction, Refusal } from '../protocol/actions.ts';
import type { Rules } from '../rules/rules.ts';
import type { Evidence } from '../scenario/schema.ts';
import type { Segment } from '../game/types.ts';
import { findQuote, isValidSpan, passageIndex, spanText, splitQuoteTags } from './passage.ts';

type SpeechAction = Extract<ClientAction, { type: 'speech' }>;

export interface ResolvedSpeech {
  segments: Segment[];
  chars: number;
  quoteChars: number;
}

/**
 * Turns a speech as sent into checked segments: spans become verified quotes with the
 * passage's exact text; <quote> tags are matched against the passage. Then the limits.
 */
export function resolveSpeech(evidence: Evidence, action: SpeechAction, rules: Rules): ResolvedSpeech | Refusal {
  const index = passageIndex(evidence.text);
  const segments: Segment[] = [];
  const pushText = (text: string) => {
    if (!text) return;
    const last = segments[segments.length - 1];
    if (last?.kind === 'text') last.text += text;
    else segments.push({ kind: 'text', text });
  };
  if (action.segments) {
    for (const seg of action.segments) {
      if ('text' in seg) {
        pushText(seg.text);
        continue;
      }
      const [start, end] = seg.quote;
      if (!isValidSpan(index, start, end)) {
        return { code: 'bad-span', message: `quote span [${start}, ${end}) is not inside the passage (${index.tokens.length} tokens)` };
      }
      segments.push({ kind: 'quote', text: spanText(index, start, end), verified: true, span: [start, end] });
    }
  } else {
    for (const piece of splitQuoteTags(action.text ?? '')) {
      if ('text' in piece) {
        pushText(piece.text);
        continue;
      }
      const quoted = piece.quoted.trim();
      if (!quoted) continue;
      const span = findQuote(index, quoted);
      segments.push(
        span
          ? { kind: 'quote', text: spanText(index, span[0], span[1]), verified: true, span }
          : { kind: 'quote', text: quoted, verified: false },
      );
    }
  }
  const chars = segments.reduce((n, s) => n + s.text.length, 0);
  const quoteChars = segments.reduce((n, s) => n + (s.kind === 'quote' ? s.text.length : 0), 0);
  if (segments.every((s) => s.kind === 'text' && !s.text.trim())) {
    return { code: 'empty-speech', message: 'the speech is empty' };
  }
  if (chars > rules.speechChars) {
    return { code: 'over-char-limit', message: `the speech has ${chars} characters; the limit is ${rules.speechChars}` };
  }
  if (quoteChars > rules.quoteChars) {
    return { code: 'over-quote-limit', message: `the speech quotes ${quoteChars} characters; the limit is ${rules.quoteChars}` };
  }
  return { segments, chars, quoteChars };
}
