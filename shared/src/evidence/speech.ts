import type { Refusal } from '../protocol/actions.ts';
import type { Rules } from '../rules/rules.ts';
import type { Segment } from './segment.ts';
import type { SpeechInput } from './kind.ts';
import { evidenceKindOf, type Evidence } from './kinds.ts';

export interface ResolvedSpeech {
  segments: Segment[];
  chars: number;
  quoteChars: number;
}

/**
 * Turns a speech as sent into checked segments for the debate's evidence kind, then
 * applies the limits. `previous` holds every segment already spoken in the debate.
 */
export function resolveSpeech(evidence: Evidence, action: SpeechInput, rules: Rules, previous: readonly Segment[] = []): ResolvedSpeech | Refusal {
  const segments = evidenceKindOf(evidence).cite(evidence, action, previous);
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
