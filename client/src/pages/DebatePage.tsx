import { useEffect, useMemo, useRef } from 'react';
import type { ClientAction, DebateView, LegalAction, Seat } from '@arena/shared';
import { ChoosePanel } from '../components/ChoosePanel.tsx';
import { Composer, useDraft } from '../components/Composer.tsx';
import { Answers, Countdown, ErrorBox, Loading, PresenceBar, Refusal, Rounds, seatName, turnText, VerdictBox } from '../components/common.tsx';
import { JudgeView } from '../components/JudgeView.tsx';
import { Passage } from '../components/Passage.tsx';
import { PixelDebaterView } from '../components/PixelDebater.tsx';
import { useDebateRoom, type DebateRoomState } from '../room.ts';
import { Link } from '../router.tsx';
import { draftKey } from '../storage.ts';

const SEATS = new Set(['A', 'B', 'C', 'D', 'judge', 'observer']);

/** /debate/:id/:seat — one page for debaters, the judge and observers. */
export function DebatePage({ id, seat, token }: { id: string; seat: string; token: string | null }) {
  if (!SEATS.has(seat)) return <ErrorBox>There is no seat “{seat}”. Seats are A, B, judge and observer.</ErrorBox>;
  return <Debate id={id} seat={seat as Seat} token={token} />;
}

function Debate({ id, seat, token }: { id: string; seat: Seat; token: string | null }) {
  const room = useDebateRoom(id, seat, token);
  const { view } = room;
  useEffect(() => {
    document.title = view ? `${view.title} · ${seatName(seat)} · Oversight Arena` : 'Oversight Arena';
  }, [view, seat]);

  return (
    <div className="debate-page">
      <header className="debate-head">
        <div>
          <p className="role-line">
            <span className={`role role-${view?.role ?? 'unknown'}`}>{seat === 'observer' ? 'Watching' : `You are ${seat === 'judge' ? 'the judge' : seatName(seat)}`}</span>
            <ConnectionBadge connection={room.connection} />
          </p>
          <h1>{view?.title ?? 'Debate'}</h1>
        </div>
        {view && (
          <div className="turn" aria-live="polite">
            <span data-testid="turn-text">{turnText(view)}</span> <Countdown deadline={view.turn?.deadline ?? null} clockOffset={room.clockOffset} />
            {view.role === 'judge' && view.legal.length > 0 && (
              <a className="small jump" href="#judgement">
                Go to your judgement ↓
              </a>
            )}
          </div>
        )}
        <PresenceBar presence={room.presence} />
      </header>
      {room.error && <ErrorBox>{room.error}</ErrorBox>}
      <Refusal refusal={room.refusal} onDismiss={room.dismissRefusal} />
      {!view && !room.error && <Loading what="the debate" />}
      {view && (
        <>
          <section className="question" aria-label="Question">
            <h2>{view.question}</h2>
          </section>
          {view.role === 'debater' ? view.evidenceKind === 'image' ? <PixelDebaterView view={view} room={room} /> : <DebaterView view={view} room={room} /> : <JudgeView view={view} room={room} />}
          {view.status === 'finished' && (
            <p>
              <Link href={`/replay/${encodeURIComponent(view.debateId)}`}>Replay this debate step by step →</Link>
            </p>
          )}
        </>
      )}
    </div>
  );
}

function ConnectionBadge({ connection }: { connection: DebateRoomState['connection'] }) {
  const text = { connecting: 'connecting…', connected: 'connected', reconnecting: 'reconnecting…', closed: 'disconnected', failed: 'not connected' }[connection];
  return <span className={`conn conn-${connection}`}>{text}</span>;
}

export function legalOf<T extends LegalAction['type']>(view: DebateView, type: T): Extract<LegalAction, { type: T }> | undefined {
  return view.legal.find((l): l is Extract<LegalAction, { type: T }> => l.type === type);
}

/** A debater's seat: the passage, their answer, the rounds and the speech composer. */
export function DebaterView({ view, room }: { view: DebateView; room: DebateRoomState }) {
  const draft = useDraft(draftKey(view.debateId, view.seat));
  const insertRef = useRef<((span: [number, number]) => void) | null>(null);
  const submittedRound = useRef<number | null>(null);
  const own = view.debaters.find((d) => d.seat === view.seat)?.answerIndex;
  const legal = legalOf(view, 'speech');

  // Once our speech for the round we submitted is in the view, the draft is done.
  useEffect(() => {
    const r = submittedRound.current;
    if (r === null) return;
    if (view.rounds[r]?.speeches.some((s) => s.seat === view.seat)) {
      draft.clear();
      submittedRound.current = null;
    }
  });

  const highlights = useMemo(() => {
    const spans: [number, number][] = view.quotes.map((q) => q.span);
    for (const s of draft.segments) if (s.kind === 'quote') spans.push(s.span);
    return spans;
  }, [view.quotes, draft.segments]);

  const submit = (action: ClientAction) => {
    submittedRound.current = view.turn?.round ?? null;
    room.send(action);
  };

  return (
    <div className="debater-layout">
      <Passage text={view.passage?.text ?? ''} highlights={highlights} onQuote={view.status === 'finished' ? undefined : (span) => insertRef.current?.(span)} />
      <div className="debate-side">
        <ChoosePanel view={view} pending={room.pending} onChoose={room.send} />
        <Answers view={view} own={own} />
        <p className="muted small">
          {own !== undefined ? (
            <>
              You argue for <strong>{view.answers[own]?.replace(/\.$/, '')}</strong>.
            </>
          ) : (
            'Your answer is not settled yet.'
          )}{' '}
          The judge cannot see the passage: only what you quote.
        </p>
        <VerdictBox view={view} announce />
        <h3>The debate</h3>
        <Rounds view={view} ownSeat={view.seat} />
        {view.status !== 'finished' && (
          <Composer
            passage={view.passage?.text ?? ''}
            segments={draft.segments}
            setSegments={draft.setSegments}
            maxChars={legal?.maxChars ?? view.rules.speechChars}
            maxQuoteChars={legal?.maxQuoteChars ?? view.rules.quoteChars}
            canSubmit={!!legal}
            pending={room.pending}
            onSubmit={submit}
            insertRef={insertRef}
          />
        )}
      </div>
    </div>
  );
}
