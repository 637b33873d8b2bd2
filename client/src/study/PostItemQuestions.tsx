import { useState } from 'react';

import type { StudyQuestion } from '@arena/shared';

/** A post-item question as the study page receives it (the spec's postItemQuestions). */
export type PostItemQuestion = StudyQuestion;

/** The questions after an item's verdict: answered once, before going on. */
export function PostItemQuestions({ questions, busy, onAnswer }: { questions: PostItemQuestion[]; busy: boolean; onAnswer: (answers: Record<string, string | number>) => void }) {
  const [answers, setAnswers] = useState<Record<string, string | number>>({});
  const set = (id: string, v: string | number) => setAnswers({ ...answers, [id]: v });
  const missing = questions.some((q) => !q.optional && (answers[q.id] === undefined || answers[q.id] === ''));
  return (
    <section className="card study-questions" data-testid="post-item-questions">
      <h3>About this item</h3>
      {questions.map((q) => (
        <fieldset key={q.id}>
          <legend>{q.prompt}</legend>
          {q.kind === 'scale' &&
            Array.from({ length: q.max - q.min + 1 }, (_, k) => q.min + k).map((v) => (
              <label key={v} className="scale-point">
                <input type="radio" name={q.id} checked={answers[q.id] === v} onChange={() => set(q.id, v)} /> {v}
              </label>
            ))}
          {q.kind === 'choice' &&
            (q.options ?? []).map((o) => (
              <label key={o}>
                <input type="radio" name={q.id} checked={answers[q.id] === o} onChange={() => set(q.id, o)} /> {o}
              </label>
            ))}
          {q.kind === 'text' && <textarea aria-label={q.prompt} maxLength={5000} value={String(answers[q.id] ?? '')} onChange={(e) => set(q.id, e.target.value)} />}
        </fieldset>
      ))}
      <div className="study-actions">
        <button className="primary" data-testid="post-item-submit" disabled={busy || missing} onClick={() => onAnswer(answers)}>
          Save answers
        </button>
      </div>
    </section>
  );
}
