import { useEffect, useState, type ReactNode } from 'react';
import type { DebateView, Presence, RefusalMessage, RoundView, SpeechView } from '@arena/shared';
// The naming alone, not the engine: the lobby loads this module without the engine's chunk (see vite.config.ts).
import { answerLabel } from '@arena/shared/naming';
import { evidenceWords } from '../evidence/words.ts';
import { seatName } from '../turn-words.ts';

export { seatName, turnText } from '../turn-words.ts';

/** Answers are numbered, so they are never mistaken for the lettered debater seats. */
/** The answers' labels (shared/src/game/naming.ts: the same on every surface). */
export const ANSWER_LABELS = [0, 1, 2, 3].map(answerLabel);
export const pct = (p: number) => `${Math.round(p * 100)}%`;
/** A count with its noun: "1 debate", "2 debates" (`plural` when adding an s is wrong). */
export const count = (n: number, one: string, plural = `${one}s`) => `${n} ${n === 1 ? one : plural}`;
export const fmt = (x: number | null | undefined, digits = 2) => (x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(digits));

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </p>
  );
}

export function ErrorBox({ children }: { children: ReactNode }) {
  return (
    <div className="error" role="alert">
      {children}
    </div>
  );
}

export function Refusal({ refusal, onDismiss }: { refusal: RefusalMessage | null; onDismiss: () => void }) {
  if (!refusal) return null;
  return (
    <div className="error" role="alert">
      <strong>Not accepted:</strong> {refusal.message} <span className="muted">({refusal.code})</span>{' '}
      <button type="button" className="link" onClick={onDismiss} aria-label="Dismiss this message">
        Dismiss
      </button>
    </div>
  );
}

/** Time left until a server-clock deadline, ticking once a second. */
export function Countdown({ deadline, clockOffset }: { deadline: number | null; clockOffset: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (deadline === null) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [deadline]);
  if (deadline === null) return null;
  const left = Math.max(0, Math.round((deadline - (now + clockOffset)) / 1000));
  const m = Math.floor(left / 60);
  const s = String(left % 60).padStart(2, '0');
  return (
    <span className={`countdown${left <= 30 ? ' urgent' : ''}`} aria-label={`${m} minutes ${s} seconds left`} role="timer">
      {m}:{s} left
    </span>
  );
}

export function PresenceBar({ presence }: { presence: Presence | null }) {
  if (!presence) return null;
  return (
    <ul className="presence" aria-label="Who is in the room">
      {Object.entries(presence.seats).map(([seat, p]) => (
        <li key={seat} className={p.connected ? 'on' : 'off'}>
          <span className="dot" aria-hidden="true" />
          {seatName(seat)} {p.kind === 'agent' ? '(AI)' : ''}
          <span className="sr-only">{p.connected ? 'connected' : 'not connected'}</span>
        </li>
      ))}
      <li className="muted">
        {presence.observers} watching
      </li>
    </ul>
  );
}

/** The answers, with who argues each and, once known, which is correct. */
export function Answers({ view, own, chosen }: { view: DebateView; own?: number | undefined; chosen?: number[] | undefined }) {
  return (
    <ol className="answers" aria-label="Answers">
      {view.answers.map((a, i) => {
        const by = view.debaters.filter((d) => d.answerIndex === i).map((d) => seatName(d.seat));
        const correct = view.correctIndex === i;
        return (
          <li key={i} className={`${own === i ? 'own' : ''} ${correct ? 'correct' : ''}`}>
            <span className="letter" aria-hidden="true">
              {ANSWER_LABELS[i]}
            </span>
            <span className="answer-text">{a}</span>
            <span className="tags">
              {by.length > 0 && <span className="tag">{by.join(', ')}</span>}
              {own === i && <span className="tag own-tag">your answer</span>}
              {correct && <span className="tag correct-tag">correct</span>}
              {chosen && <span className="tag">{pct(chosen[i] ?? 0)}</span>}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

export function SpeechText({ speech }: { speech: SpeechView }) {
  if (speech.timedOut && speech.segments.length === 0) return <p className="muted">(ran out of time: no speech)</p>;
  return (
    <p className="speech-text">
      {speech.segments.map((seg, i) => {
        if (seg.kind === 'text') return <span key={i}>{seg.text}</span>;
        if (seg.kind === 'reveal')
          return (
            <span key={i} className={`tag reveal-tag seat-${speech.seat.toLowerCase()}`} title={`a revealed pixel of the image (index ${seg.index})`}>
              revealed pixel row {Math.floor(seg.index / 28) + 1} column {(seg.index % 28) + 1}, ink {Math.round(seg.value * 100)}%
            </span>
          );
        if (seg.verified)
          return (
            <mark key={i} className="quote" title={`verified quote, tokens ${seg.span[0]}–${seg.span[1]}`}>
              <span className="sr-only">verified quote: </span>“{seg.text}”
            </mark>
          );
        return (
          <span key={i} className="unverified" title="This text is not in the passage">
            <del>“{seg.text}”</del> <span className="badge-bad">unverified</span>
          </span>
        );
      })}
    </p>
  );
}

function answerOf(view: DebateView, seat: string): number | undefined {
  return view.debaters.find((d) => d.seat === seat)?.answerIndex;
}

/** The debate so far: speech rounds and judge turns, oldest first. */
export function Rounds({ view, ownSeat }: { view: DebateView; ownSeat?: string | undefined }) {
  const shown = view.rounds.filter((r) => (r.kind !== 'judge' || r.judge) && (r.kind !== 'choose' || r.choice));
  if (shown.length === 0) return <p className="muted">Nothing has been said yet.</p>;
  return (
    <ol className="rounds" aria-label="Rounds">
      {shown.map((r) => (
        <RoundItem key={r.index} round={r} view={view} ownSeat={ownSeat} />
      ))}
    </ol>
  );
}

function RoundItem({ round, view, ownSeat }: { round: RoundView; view: DebateView; ownSeat?: string | undefined }) {
  if (round.kind === 'judge') {
    if (!round.judge) return null;
    return (
      <li className="round judge-round">
        <h4>Judge · round {round.index + 1}</h4>
        <p className="probs">
          {round.judge.probabilities.map((p, i) => (
            <span key={i} className="prob-chip">
              {ANSWER_LABELS[i]}: {pct(p)}
            </span>
          ))}
          {round.judge.timedOut && <span className="muted"> (timed out)</span>}
          {round.judge.end && <span className="tag">ended the debate</span>}
        </p>
        {round.judge.comment && <blockquote className="comment">{round.judge.comment}</blockquote>}
      </li>
    );
  }
  if (round.kind === 'choose') {
    if (!round.choice) return null;
    const { seat, answerIndex, timedOut } = round.choice;
    return (
      <li className="round choose-round">
        <h4>Choice · round {round.index + 1}</h4>
        <p>
          {seat === ownSeat ? 'You' : seatName(seat)} {timedOut ? 'ran out of time and keeps the drawn answer' : 'chose to argue'} {ANSWER_LABELS[answerIndex]}.
        </p>
      </li>
    );
  }
  const cross = round.kind === 'cross';
  const pendingNote =
    !round.complete && round.speeches.length === 0 && (!cross || (round.questions ?? []).length === 0)
      ? view.passage
        ? cross
          ? 'No questions yet in this round.'
          : 'No speeches yet in this round.'
        : `${cross ? 'Questions and answers are' : 'Speeches are'} shown once the round is complete.`
      : null;
  return (
    <li className={`round speech-round${cross ? ' cross-round' : ''}`}>
      <h4>
        {cross ? 'Cross-examination' : round.kind === 'simultaneous' ? 'Opening statements' : 'Speeches'} · round {round.index + 1}
        {!round.complete && <span className="tag">in progress</span>}
      </h4>
      {pendingNote && <p className="muted">{pendingNote}</p>}
      {cross &&
        (round.questions ?? []).map((q) => (
          <p key={q.seat} className="question-asked" data-testid="cross-question">
            <strong>{q.seat === ownSeat ? 'You' : seatName(q.seat)}</strong> asked {q.to === ownSeat ? 'you' : seatName(q.to)}
            <span className="muted small"> (answered as of round {q.round + 1})</span>:{' '}
            {q.timedOut ? <span className="muted">(ran out of time: no question)</span> : <q>{q.text}</q>}
          </p>
        ))}
      {(round.votes ?? []).length > 0 && (
        <p className="small votes">
          {(round.votes ?? []).map((v, i) => (
            <span key={i} className="tag">
              {v.seat === ownSeat ? 'You' : seatName(v.seat)} {v.end ? 'voted to end' : 'took back a vote to end'}
            </span>
          ))}
        </p>
      )}
      {round.speeches.map((s) => {
        const a = answerOf(view, s.seat);
        return (
          <article key={s.seat} className={`speech${s.seat === ownSeat ? ' mine' : ''}`} aria-label={`${seatName(s.seat)}'s ${cross ? 'answer' : 'speech'}`}>
            <header>
              <strong>{s.seat === ownSeat ? 'You' : seatName(s.seat)}</strong>
              {cross && <span className="muted"> answered</span>}
              {a !== undefined && <span className="muted"> for answer {ANSWER_LABELS[a]}</span>}
              <span className="muted small">
                {evidenceWords(view.evidenceKind).speechNote(s)}
              </span>
            </header>
            <SpeechText speech={s} />
          </article>
        );
      })}
    </li>
  );
}

/** Every verified quote in passage order; gaps between non-adjacent spans shown as "…". */
export function QuoteList({ view }: { view: DebateView }) {
  if (view.quotes.length === 0) return <p className="muted">No verified quotes yet.</p>;
  return (
    <ol className="quote-list" aria-label="Quoted evidence in passage order">
      {view.quotes.map((q, i) => {
        const prev = view.quotes[i - 1];
        const gap = prev ? q.span[0] > prev.span[1] : q.span[0] > 0;
        return (
          <li key={q.span.join(':')}>
            {gap && (
              <span className="gap" aria-label="unquoted text omitted">
                …
              </span>
            )}
            <mark className="quote">{q.text}</mark> <span className="muted small">({q.seats.map((s) => seatName(s)).join(', ')})</span>
          </li>
        );
      })}
    </ol>
  );
}
