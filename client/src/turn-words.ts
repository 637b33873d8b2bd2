import type { DebateView } from '@arena/shared';
import { evidenceWords } from './evidence/words.ts';

/** A seat in words: "Judge", "Observer", "Debater A". */
export function seatName(seat: string): string {
  if (seat === 'judge') return 'Judge';
  if (seat === 'observer') return 'Observer';
  return `Debater ${seat}`;
}

/** Who is awaited now, in words. */
export function turnText(view: DebateView): string {
  if (view.status === 'waiting') return 'Waiting for every seat to join…';
  if (view.status === 'finished') return 'The debate is over.';
  if (view.status === 'ended') return `The debate ended without a verdict: ${view.endReason ?? 'no reason given'}.`;
  const t = view.turn;
  if (!t) return '';
  if (t.kind === 'judge') return view.role === 'judge' ? 'Your turn: weigh the answers.' : 'The judge is deciding.';
  const mine = t.toMove.includes(view.seat as never);
  const words = evidenceWords(view.evidenceKind);
  if (t.kind === 'choose') return mine ? 'Your turn: choose the answer you will argue.' : `${t.toMove.map(seatName).join(', ')} is choosing which answer to argue.`;
  if (t.kind === 'cross') {
    const legal = view.legal[0];
    if (legal?.type === 'question') return `Your turn: ask ${seatName(legal.to)} a question.`;
    if (legal?.type === 'answer') return `Your turn: answer ${seatName(legal.question.seat)}'s question.`;
    return view.role === 'debater' ? `Waiting for ${t.toMove.map(seatName).join(' and ')}.` : 'The debaters are cross-examining each other.';
  }
  if (view.role === 'debater') {
    if (mine && words.yourTurn) return words.yourTurn;
    if (mine) return t.kind === 'simultaneous' ? 'Your turn: write your speech (both debaters write at once).' : 'Your turn: write your speech.';
    return `Waiting for ${t.toMove.map(seatName).join(' and ')}.`;
  }
  if (words.debatersActing) return words.debatersActing;
  return view.debaters.length > 1 ? 'The debaters are writing.' : 'The consultant is writing.';
}
