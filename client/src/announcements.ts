import type { DebateView, SpeechView } from '@arena/shared';
import { answerLabel } from '@arena/shared/naming';
import { evidenceWords } from './evidence/words.ts';
import { seatName, turnText } from './turn-words.ts';

/**
 * What a screen reader is told when a debate's view changes: what happened since the
 * previous view, in words, for a polite live region. Pure: the same two views give the
 * same sentences, so the page and the tests agree on them. Nothing here runs per
 * keystroke: only views (the server's answers), connection changes and clock thresholds.
 */
export function viewAnnouncements(prev: DebateView | null, next: DebateView): string[] {
  const out: string[] = [];
  if (!prev) return out;
  const percent = (ps: number[]) => ps.map((p, i) => `${answerLabel(i)} ${Math.round(p * 100)}%`).join(', ');
  for (const round of next.rounds) {
    const before = prev.rounds[round.index];
    if (round.kind === 'choose' && round.choice && !before?.choice) {
      const { seat, answerIndex, timedOut } = round.choice;
      if (seat !== next.seat) out.push(timedOut ? `${seatName(seat)} ran out of time and keeps answer ${answerLabel(answerIndex)}.` : `${seatName(seat)} chose to argue answer ${answerLabel(answerIndex)}.`);
      else if (timedOut) out.push(`Your time ran out: you keep answer ${answerLabel(answerIndex)}.`);
    }
    for (const s of round.speeches) {
      if (before?.speeches.some((b) => b.seat === s.seat)) continue;
      if (s.seat === next.seat) {
        if (s.timedOut) out.push('Your time ran out: your speech was recorded empty.');
        continue;
      }
      out.push(s.timedOut && s.segments.length === 0 ? `${seatName(s.seat)} ran out of time: no speech.` : `New speech from ${seatName(s.seat)}: ${speechWords(s, next)}`);
    }
    const j = round.judge;
    if (j && !before?.judge) {
      if (next.role === 'judge') {
        if (j.timedOut) out.push('Your time ran out: your last probabilities stand.');
      } else {
        const what = j.end ? 'The judge ended the debate' : j.timedOut ? 'The judge ran out of time' : 'The judge asked for more';
        out.push(`${what}: ${percent(j.probabilities)}.${j.comment ? ` The judge's comment: ${j.comment}` : ''}`);
      }
    }
  }
  const turn = turnText(next);
  if (turn && turn !== turnText(prev)) out.push(turn);
  return out;
}

/** A speech read aloud: its text, its quotes marked as quotes. */
function speechWords(s: SpeechView, view: DebateView): string {
  const words = s.segments
    .map((seg) => {
      if (seg.kind === 'text') return seg.text;
      if (seg.kind === 'reveal') return ` (revealed a pixel, ink ${Math.round(seg.value * 100)}%) `;
      return seg.verified ? ` quote: “${seg.text}” ` : ` unverified quote: “${seg.text}” `;
    })
    .join('')
    .replace(/\s+/g, ' ')
    .replace(/ ([.,;:!?])/g, '$1')
    .trim();
  return words || evidenceWords(view.evidenceKind).speechNote(s) || '(empty)';
}

/** What the connection line says when the connection changes; null when nothing needs saying. */
export function connectionAnnouncement(prev: string, next: string): string | null {
  if (prev === next) return null;
  if (next === 'reconnecting') return 'Connection lost: reconnecting…';
  if (next === 'closed' || next === 'failed') return 'Connection lost.';
  if (next === 'connected' && (prev === 'reconnecting' || prev === 'closed' || prev === 'failed')) return 'Connected again.';
  return null;
}

/** Time-left thresholds announced to the seat that must act: two minutes, then thirty seconds. */
export const TIME_WARNINGS = [120, 30] as const;

/** The warning to give when time left goes from `before` to `now` seconds (crossing a threshold), else null. */
export function timeWarning(before: number, now: number): string | null {
  for (const t of TIME_WARNINGS) {
    if (before > t && now <= t) return t >= 60 ? `${t / 60} minutes left for your turn.` : `${t} seconds left for your turn.`;
  }
  return null;
}
