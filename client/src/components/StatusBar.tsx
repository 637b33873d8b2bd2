import { useCallback, useEffect, useRef, useState } from 'react';
import type { DebateView } from '@arena/shared';
import { connectionAnnouncement, timeWarning, viewAnnouncements } from '../announcements.ts';
import type { DebateRoomState } from '../room.ts';
import { ANSWER_LABELS, Countdown, turnText } from './common.tsx';

/** The last few announcements, kept in a polite live region (new lines are read, old ones stay quiet). */
export function useAnnouncer() {
  const [items, setItems] = useState<{ id: number; text: string }[]>([]);
  const next = useRef(0);
  const announce = useCallback((texts: string[]) => {
    if (texts.length === 0) return;
    setItems((old) => [...old, ...texts.map((text) => ({ id: next.current++, text }))].slice(-6));
  }, []);
  return { items, announce };
}

/** A polite live region: present from the start (so additions are read), visually hidden. */
export function LiveRegion({ items, testId = 'announcements' }: { items: { id: number; text: string }[]; testId?: string }) {
  return (
    <div className="sr-only" aria-live="polite" aria-relevant="additions text" data-testid={testId}>
      {items.map((i) => (
        <p key={i.id}>{i.text}</p>
      ))}
    </div>
  );
}

/** Announces what each new view brings, connection losses, and the time left to the seat that must act. */
function useDebateAnnouncements(view: DebateView, room: DebateRoomState, announce: (texts: string[]) => void) {
  const prevView = useRef<DebateView | null>(null);
  useEffect(() => {
    announce(viewAnnouncements(prevView.current, view));
    prevView.current = view;
  }, [view, announce]);

  const prevConnection = useRef(room.connection);
  useEffect(() => {
    const text = connectionAnnouncement(prevConnection.current, room.connection);
    prevConnection.current = room.connection;
    if (text) announce([text]);
  }, [room.connection, announce]);

  const deadline = view.turn?.deadline ?? null;
  const mine = view.legal.length > 0;
  const { clockOffset } = room;
  useEffect(() => {
    if (deadline === null || !mine) return;
    const left = () => (deadline - (Date.now() + clockOffset)) / 1000;
    let before = left();
    const timer = setInterval(() => {
      const now = left();
      const text = timeWarning(before, now);
      before = now;
      if (text) announce([text]);
    }, 500);
    return () => clearInterval(timer);
  }, [deadline, mine, clockOffset, announce]);
}

/**
 * Whose turn it is and the time left, kept in view (sticky at the top, so a phone's
 * judge has it beside the panel), with the page's polite live region. After an action
 * of this page is answered, focus lands here, not on <body>. Once the debate is finished it
 * shows the outcome the view holds, unless `showOutcome` is false (a study page whose
 * feedback is not after each item says only that the verdict is recorded).
 */
export function StatusBar({ view, room, showTurn = true, showOutcome = true }: { view: DebateView; room: DebateRoomState; showTurn?: boolean; showOutcome?: boolean }) {
  const { items, announce } = useAnnouncer();
  useDebateAnnouncements(view, room, announce);
  const ref = useRef<HTMLDivElement>(null);
  const wasPending = useRef(false);
  useEffect(() => {
    // An answered action (a view, not a refusal) leaves focus on the new status instead of a vanished or disabled control.
    if (wasPending.current && !room.pending && !room.refusal) {
      const active = document.activeElement;
      if (!active || active === document.body || (active as HTMLButtonElement).disabled || !active.isConnected) ref.current?.focus();
      else if (active.closest('.judge-panel, .composer, .choose-panel, .pixel-composer')) ref.current?.focus();
    }
    wasPending.current = room.pending;
  }, [room.pending, room.refusal, view]);
  // A button, not a link: study pages have no links at all (nothing leads away from the study).
  const toPanel = () => {
    const panel = document.getElementById('judgement');
    if (!panel) return;
    panel.scrollIntoView({ block: 'start' });
    panel.focus({ preventScroll: true });
  };
  return (
    <>
      {showTurn && (
        <div className={`status-bar${view.status === 'finished' ? ' over' : ''}`} ref={ref} tabIndex={-1} data-testid="status-bar">
          <span className="turn" data-testid="turn-text">
            {turnText(view)}
          </span>{' '}
          <Countdown deadline={view.turn?.deadline ?? null} clockOffset={room.clockOffset} />
          {view.role === 'judge' && view.legal.length > 0 && (
            <button type="button" className="link small jump" onClick={toPanel}>
              Go to your judgement ↓
            </button>
          )}
          {view.status === 'finished' && showOutcome && <Outcome view={view} />}
        </div>
      )}
      <LiveRegion items={items} />
    </>
  );
}

/**
 * Once the debate is finished, whether the judge was right and the correct answer, at the top
 * (on a phone the verdict itself sits below the answers): only what this seat's view holds, so
 * nothing shows where the rules withhold the outcome.
 */
function Outcome({ view }: { view: DebateView }) {
  const v = view.verdict;
  if (!v) return null;
  const who = view.role === 'judge' ? 'You were' : 'The judge was';
  const correct = view.correctIndex;
  const toVerdict = () => {
    const box = document.querySelector<HTMLElement>('section.verdict');
    if (!box) return;
    box.scrollIntoView({ block: 'start' });
    box.focus({ preventScroll: true });
  };
  return (
    <span className={`status-outcome ${v.correct ? 'right' : 'wrong'}`} data-testid="status-outcome">
      <strong>
        {who} {v.correct ? 'right' : 'wrong'}.
      </strong>
      {correct !== undefined && (
        <>
          {' '}
          Correct answer: {ANSWER_LABELS[correct]}. <span className="status-answer">{view.answers[correct]}</span>
        </>
      )}{' '}
      <button type="button" className="link small jump" onClick={toVerdict}>
        The verdict ↓
      </button>
    </span>
  );
}
