import { useState } from 'react';
import type { DebateView, LegalAction } from '@arena/shared';
import type { DebateRoomState } from '../room.ts';

/**
 * An attention check on its own simple page: the question and its answers, one choice,
 * nothing of a debate (no transcript, no evidence, no comment box). The choice is sent
 * as the judge's verdict of the check's blind debate, most of the probability on it.
 */
export function CheckItem({ view, room }: { view: DebateView; room: DebateRoomState }) {
  const [choice, setChoice] = useState<number | null>(null);
  const legal = view.legal.find((l): l is Extract<LegalAction, { type: 'judge' }> => l.type === 'judge');
  const done = view.status === 'finished';
  const submit = () => {
    if (choice === null || !legal) return;
    const rest = 0.1 / Math.max(1, view.answers.length - 1);
    room.send({ type: 'judge', probabilities: view.answers.map((_, i) => (i === choice ? 0.9 : rest)), end: legal.canEnd });
  };
  return (
    <section className="card study-check" data-testid="study-check">
      <h2>{view.question}</h2>
      <fieldset disabled={done || !legal || room.pending}>
        {view.answers.map((a, i) => (
          <label key={i} className="check-answer">
            <input type="radio" name="check" checked={choice === i} onChange={() => setChoice(i)} /> {a}
          </label>
        ))}
      </fieldset>
      {!done && (
        <div className="study-actions">
          <button className="primary" data-testid="check-submit" disabled={choice === null || !legal || room.pending} onClick={submit}>
            Submit
          </button>
        </div>
      )}
      {done && <p className="muted">Thank you.</p>}
    </section>
  );
}
