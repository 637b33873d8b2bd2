import type { DebateView } from '@arena/shared';
import type { DebateRoomState } from '../room.ts';
import { seatName } from './common.tsx';

/**
 * Ending by agreement: the votes this seat may see and, for a voter while the debate runs,
 * a vote to end (or to take it back). Once every voter's latest vote is to end, no more
 * speech rounds open and the judge's next turn is the last.
 */
export function AgreementPanel({ view, room }: { view: DebateView; room?: DebateRoomState | undefined }) {
  const a = view.agreement;
  if (!a) return null;
  const mine = a.votes.find((v) => v.seat === view.seat)?.end ?? false;
  return (
    <section className="card agreement-panel" aria-labelledby="agree-h">
      <h3 id="agree-h">Ending by agreement</h3>
      <p className="small" data-testid="agreement-status">
        {a.reached
          ? 'Everyone who votes agreed to end: the judge’s next turn is the last.'
          : `${a.voters.map(seatName).join(', ')} may vote to end the debate early. Votes to end so far: ${a.votes.filter((v) => v.end).map((v) => seatName(v.seat)).join(', ') || 'none'}.`}
      </p>
      {room && a.mayVote && (
        <button type="button" disabled={room.pending} onClick={() => room.send({ type: 'vote', end: !mine })}>
          {mine ? 'Take back my vote to end' : 'Vote to end the debate'}
        </button>
      )}
    </section>
  );
}
