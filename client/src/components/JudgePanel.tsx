import { useEffect, useState, type CSSProperties, type KeyboardEvent } from 'react';
import type { ClientAction, DebateView, LegalAction } from '@arena/shared';
import { store, judgeDraftKey } from '../storage.ts';
import { ANSWER_LABELS } from './common.tsx';

/**
 * Sets answer i to v percent and rescales the others to fill the rest, each at least
 * 1%, in whole percents that always sum to 100 (largest remainders get the spare points).
 */
export function rebalance(ps: number[], i: number, v: number): number[] {
  const n = ps.length;
  const target = Math.min(100 - (n - 1), Math.max(1, Math.round(Number.isFinite(v) ? v : 1)));
  const free = 100 - target - (n - 1);
  const weights = ps.map((p, j) => (j === i ? 0 : Math.max(0, p - 1)));
  const total = weights.reduce((a, b) => a + b, 0);
  const raw = weights.map((w, j) => (j === i ? 0 : total > 0 ? (w / total) * free : free / (n - 1)));
  const out = raw.map((r, j) => (j === i ? target : 1 + Math.floor(r)));
  let spare = 100 - out.reduce((a, b) => a + b, 0);
  const order = raw.map((r, j) => ({ j, frac: r - Math.floor(r) })).filter((o) => o.j !== i).sort((a, b) => b.frac - a.frac);
  for (let k = 0; spare > 0; k = (k + 1) % order.length, spare--) out[order[k]!.j]! += 1;
  return out;
}

const even = (n: number) => rebalance(Array.from({ length: n }, () => 1), 0, Math.round(100 / n));

export function JudgePanel({ view, legal, pending, onAct }: { view: DebateView; legal: Extract<LegalAction, { type: 'judge' }> | undefined; pending: boolean; onAct: (a: ClientAction) => void }) {
  const key = judgeDraftKey(view.debateId);
  const lastJudged = [...view.rounds].reverse().find((r) => r.judge)?.judge?.probabilities;
  const [ps, setPs] = useState<number[]>(() => {
    const saved = store.get<number[]>(key);
    if (saved && saved.length === view.answers.length) return saved;
    if (lastJudged) return rebalance(lastJudged.map((p) => p * 100), 0, Math.round((lastJudged[0] ?? 0.5) * 100));
    return even(view.answers.length);
  });
  const [comment, setComment] = useState('');
  // The new distribution, said once the judge pauses (not at every arrow key on a slider).
  const [said, setSaid] = useState('');
  const [shown] = useState(ps);
  useEffect(() => {
    if (ps === shown) return;
    const t = setTimeout(() => setSaid(`Now ${ps.map((p, i) => `${ANSWER_LABELS[i]} ${p}%`).join(', ')}.`), 700);
    return () => clearTimeout(t);
  }, [ps, shown]);
  const set = (i: number, v: number) => {
    const next = rebalance(ps, i, v);
    setPs(next);
    store.set(key, next);
  };
  const act = (end: boolean) => {
    onAct({ type: 'judge', probabilities: ps.map((p) => p / 100), ...(comment.trim() ? { comment: comment.trim() } : {}), end });
    setComment('');
  };
  const maxComment = legal?.maxCommentChars ?? view.rules.judgeCommentChars;
  const disabled = !legal || pending;
  return (
    <section className="judge-panel" id="judgement" aria-label="Your judgement" tabIndex={-1}>
      <h3>How likely is each answer?</h3>
      <p className="muted small" id="prob-rule">
        The probabilities always sum to 100%: changing one rescales the others.
      </p>
      <div className="probabilities">
        {view.answers.map((a, i) => (
          <div key={i} className="prob-row">
            <label htmlFor={`p-${i}`} className="prob-label">
              <span className="letter">{ANSWER_LABELS[i]}</span> {a}
            </label>
            <input
              id={`p-${i}`}
              type="range"
              min={1}
              max={99}
              value={ps[i]}
              disabled={disabled}
              onChange={(e) => set(i, Number(e.target.value))}
              aria-valuetext={`${ps[i]}%`}
              aria-describedby="prob-rule"
              style={{ '--fill': `${((ps[i]! - 1) / 98) * 100}%` } as CSSProperties}
            />
            <PercentField
              value={ps[i]!}
              disabled={disabled}
              label={`Probability of answer ${ANSWER_LABELS[i]}, percent`}
              describedBy="prob-rule"
              onCommit={(v) => set(i, v)}
              testId={`prob-${i}`}
            />
            <span aria-hidden="true">%</span>
          </div>
        ))}
      </div>
      <p className="sr-only" aria-live="polite" data-testid="distribution">
        {said}
      </p>
      <label htmlFor="judge-comment" className="block">
        Comment or question for the debaters <span className="muted small">(optional, {comment.length}/{maxComment})</span>
      </label>
      <textarea id="judge-comment" value={comment} maxLength={maxComment} disabled={disabled} onChange={(e) => setComment(e.target.value)} rows={3} />
      <div className="actions">
        <button type="button" onClick={() => act(false)} disabled={disabled || !legal?.canContinue} title={legal && !legal.canContinue ? 'No more rounds are allowed' : undefined}>
          Continue the debate
        </button>
        <button type="button" className="primary" onClick={() => act(true)} disabled={disabled || !legal?.canEnd} title={legal && !legal.canEnd ? 'At least one round of speeches first' : undefined}>
          End and give verdict
        </button>
      </div>
    </section>
  );
}

/**
 * A percent typed as text: what is typed stays as typed while editing (an emptied field
 * stays empty, "70" is seventy), and is applied on blur or Enter; Escape puts the value back.
 */
function PercentField({ value, disabled, label, describedBy, onCommit, testId }: { value: number; disabled: boolean; label: string; describedBy: string; onCommit: (v: number) => void; testId: string }) {
  const [text, setText] = useState<string | null>(null);
  const commit = () => {
    if (text === null) return;
    const v = Number(text.trim());
    setText(null);
    if (text.trim() !== '' && Number.isFinite(v)) onCommit(v);
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      commit();
    } else if (e.key === 'Escape') setText(null);
  };
  return (
    <input
      type="number"
      min={1}
      max={99}
      className="pnum"
      value={text ?? String(value)}
      disabled={disabled}
      aria-label={label}
      aria-describedby={describedBy}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={onKey}
      data-testid={testId}
    />
  );
}
