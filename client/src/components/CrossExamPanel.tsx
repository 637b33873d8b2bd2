import { useState } from 'react';
import type { DebateView, LegalAction } from '@arena/shared';
import type { DebateRoomState } from '../room.ts';
import { seatName } from './common.tsx';

/**
 * A cross-examination round's question: the debater asks its opponent one question and
 * names the round whose opening the answer is to come from (an AI opponent answers as it
 * was then; a person answers live). The answer is written in the composer, with quotes.
 */
export function CrossExamPanel({ view, room }: { view: DebateView; room: DebateRoomState }) {
  const legal = view.legal.find((l): l is Extract<LegalAction, { type: 'question' }> => l.type === 'question');
  const answering = view.legal.find((l): l is Extract<LegalAction, { type: 'answer' }> => l.type === 'answer');
  const [text, setText] = useState('');
  const [round, setRound] = useState<number | null>(null);
  if (answering) {
    return (
      <section className="card cross-panel" aria-labelledby="cross-h">
        <h3 id="cross-h">Cross-examination: your answer</h3>
        <p>
          {seatName(answering.question.seat)} asks you: <q data-testid="question-to-me">{answering.question.text}</q>
        </p>
        <p className="muted small">Answer below (quote the passage as in a speech, up to {answering.maxChars} characters). The judge reads the question and your answer.</p>
      </section>
    );
  }
  if (!legal) return null;
  const from = round ?? legal.latestRound;
  const tooLong = text.trim().length > legal.maxChars;
  return (
    <section className="card cross-panel" aria-labelledby="cross-h">
      <h3 id="cross-h">Cross-examination: ask {seatName(legal.to)} a question</h3>
      <textarea aria-label="Your question" value={text} rows={3} onChange={(e) => setText(e.target.value)} placeholder="One question to your opponent; the judge will read it and the answer." />
      <p className="small">
        <label>
          An AI opponent answers as it was when{' '}
          <select aria-label="Answer as of round" value={from} onChange={(e) => setRound(Number(e.target.value))}>
            {Array.from({ length: legal.latestRound + 1 }, (_, r) => (
              <option key={r} value={r}>
                round {r + 1} opened{r === legal.latestRound ? ' (now)' : ''}
              </option>
            ))}
          </select>{' '}
          (a person answers live).
        </label>
      </p>
      <p className="composer-foot">
        <span className={`counter${tooLong ? ' bad' : ''}`}>
          {text.trim().length}/{legal.maxChars} characters
        </span>
        <button type="button" className="primary" disabled={!text.trim() || tooLong || room.pending} onClick={() => room.send({ type: 'question', text: text.trim(), round: from })}>
          {room.pending ? 'Sending…' : 'Ask'}
        </button>
      </p>
    </section>
  );
}
