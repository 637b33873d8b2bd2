import { useEffect } from 'react';
import { seatRole, type DebateView, type Seat } from '@arena/shared';
import { ErrorBox, Loading, PresenceBar, Refusal, seatName } from '../components/common.tsx';
import { StatusBar } from '../components/StatusBar.tsx';
import { AgreementPanel } from '../components/AgreementPanel.tsx';
import { JudgeView } from '../components/JudgeView.tsx';
import { evidenceUi } from '../evidence/index.ts';
import { useDebateRoom, type DebateRoomState } from '../room.ts';
import { Link } from '../router.tsx';

const SEATS = new Set(['A', 'B', 'C', 'D', 'judge', 'observer']);

/** /debate/:id/:seat — one page for debaters, the judge and observers. */
export function DebatePage({ id, seat, token }: { id: string; seat: string; token: string | null }) {
  if (!SEATS.has(seat)) return <ErrorBox>There is no seat “{seat}”. Seats are A, B, judge and observer.</ErrorBox>;
  return <Debate id={id} seat={seat as Seat} token={token} />;
}

function Debate({ id, seat, token }: { id: string; seat: Seat; token: string | null }) {
  const room = useDebateRoom(id, seat, token);
  const { view } = room;
  const Debater = view ? evidenceUi(view.evidenceKind).Debater : null;
  useEffect(() => {
    document.title = debateTitle(view, seat);
  }, [view, seat]);

  return (
    <div className="debate-page">
      <header className="debate-head">
        <div>
          <p className="role-line">
            {/* A refused join holds no seat: no "You are …" above the refusal. */}
            {room.connection !== 'failed' && <span className={`role role-${view?.role ?? 'unknown'}`}>{youAre(seat)}</span>}
            <ConnectionBadge connection={room.connection} />
          </p>
          <h1>{view?.title ?? 'Debate'}</h1>
        </div>
        <PresenceBar presence={room.presence} />
      </header>
      {view && <StatusBar view={view} room={room} />}
      {room.error && <ErrorBox>{room.error}</ErrorBox>}
      <Refusal refusal={room.refusal} onDismiss={room.dismissRefusal} />
      {!view && !room.error && <Loading what="the debate" />}
      {view && (
        <>
          <section className="question" aria-label="Question">
            <h2>{view.question}</h2>
          </section>
          {view.status === 'running' && <AgreementPanel view={view} room={room} />}
          {view.role === 'debater' && Debater ? <Debater view={view} room={room} /> : <JudgeView view={view} room={room} />}
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

/** The tab's title: the seat's state first (so a background tab says when it is this seat's turn), then the debate and the seat. */
export function debateTitle(view: DebateView | null, seat: Seat): string {
  if (!view) return `Joining · ${seatName(seat)} · Oversight Arena`;
  const state = view.status === 'running' ? (view.legal.length > 0 ? 'Your turn' : 'Waiting') : view.status === 'waiting' ? 'Waiting for players' : 'Debate over';
  return `${state} · ${view.title} · ${seatName(seat)} · Oversight Arena`;
}

/** The role line: what this page's seat is for. */
function youAre(seat: Seat): string {
  const role = seatRole(seat);
  if (role === 'observer') return 'Watching';
  return role === 'judge' ? 'You are the judge' : `You are ${seatName(seat)}`;
}

function ConnectionBadge({ connection }: { connection: DebateRoomState['connection'] }) {
  const text = { connecting: 'connecting…', connected: 'connected', reconnecting: 'reconnecting…', closed: 'disconnected', failed: 'not connected' }[connection];
  return <span className={`conn conn-${connection}`}>{text}</span>;
}
