import { useDebateRoom } from '../room.ts';
import { PresenceBar } from './common.tsx';

/** Who has joined a new debate, watched through an observer connection. */
export default function LobbyPresence({ id }: { id: string }) {
  const room = useDebateRoom(id, 'observer', null);
  return (
    <div className="small">
      <strong>In the room:</strong> {room.presence ? <PresenceBar presence={room.presence} /> : <span className="muted">connecting…</span>}
      {room.view && <span className="muted">Status: {room.view.status}</span>}
    </div>
  );
}
