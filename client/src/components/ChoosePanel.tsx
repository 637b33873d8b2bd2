import type { ClientAction, DebateView } from '@arena/shared';
import { ANSWER_LABELS } from './common.tsx';

/**
 * An open protocol's first turn: the protagonist picks the answer it will argue. The
 * choice is recorded with the debate and shown to the judge once made.
 */
export function ChoosePanel({ view, pending, onChoose }: { view: DebateView; pending: boolean; onChoose: (action: ClientAction) => void }) {
  const legal = view.legal.find((l) => l.type === 'choose');
  if (!legal) return null;
  return (
    <section className="card choose-panel" aria-labelledby="choose-h">
      <h3 id="choose-h">Choose your answer</h3>
      <p className="small">Read the passage, then pick the answer you will argue for. Your choice is recorded; the other debaters take the other answers.</p>
      <div className="choose-buttons">
        {view.answers.map((a, i) => (
          <button key={i} type="button" className="primary" disabled={pending} onClick={() => onChoose({ type: 'choose', answer: i })}>
            Argue for {ANSWER_LABELS[i]}: {a}
          </button>
        ))}
      </div>
    </section>
  );
}
