import { useEffect, useRef } from 'react';
import { favouredAnswer, type DebateView } from '@arena/shared';
import { ANSWER_LABELS, fmt, pct, seatName } from './common.tsx';

/** The verdict; `announce` (live pages) brings it into view and focus when it arrives. */
export function VerdictBox({ view, announce = false }: { view: DebateView; announce?: boolean }) {
  const v = view.verdict;
  const ref = useRef<HTMLElement>(null);
  const shown = !!v && view.correctIndex !== undefined;
  useEffect(() => {
    if (announce && shown) ref.current?.focus();
  }, [announce, shown]);
  if (!v || view.correctIndex === undefined) return null;
  const top = favouredAnswer(v.probabilities);
  const favoured = top === null ? 'no single favourite' : `favoured answer ${ANSWER_LABELS[top]}`;
  return (
    <section ref={ref} tabIndex={-1} className={`verdict ${v.correct ? 'right' : 'wrong'}`} aria-label="Verdict">
      <h3>{v.correct ? 'The judge was right' : 'The judge was wrong'}</h3>
      <p>
        Correct answer: <strong>{ANSWER_LABELS[view.correctIndex]}. {view.answers[view.correctIndex]}</strong>
      </p>
      <p>
        Judge's final probabilities: {v.probabilities.map((p, i) => `${ANSWER_LABELS[i]}: ${pct(p)}`).join(' · ')} ({favoured})
      </p>
      <p>
        Judge score <strong>{fmt(v.judgeScore)}</strong> (log₂ p(correct) − penalty × {v.continues} continues)
        {Object.entries(v.debaterScores).map(([s, sc]) => (
          <span key={s}>
            {' '}
            · {seatName(s)} {fmt(sc)}
          </span>
        ))}
      </p>
    </section>
  );
}
