import { useEffect, useState } from 'react';
import { useDebateRoom } from '../room.ts';
import { tokenKey } from '../storage.ts';
import { PresenceBar } from './common.tsx';

/** A seat of this debate opened in this browser: a seat's page keeps its token under tokenKey(id, seat). */
function seatOpenedHere(id: string): boolean {
  const prefix = tokenKey(id, '');
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key?.startsWith(prefix) && key !== `${prefix}observer`) return true;
    }
  } catch {
    // storage unavailable: keep watching
  }
  return false;
}

/**
 * Who has joined a new debate, watched through an observer connection, until this browser
 * opens one of its seats (in another tab): from then the seat's page shows who is in the room,
 * and the lobby leaves, so the debate does not count its creator as someone watching.
 */
export default function LobbyPresence({ id }: { id: string }) {
  const [seated, setSeated] = useState(() => seatOpenedHere(id));
  useEffect(() => {
    if (seated) return;
    const check = () => seatOpenedHere(id) && setSeated(true);
    // Another tab's storage change arrives as an event; a return to this tab checks too.
    window.addEventListener('storage', check);
    window.addEventListener('focus', check);
    return () => {
      window.removeEventListener('storage', check);
      window.removeEventListener('focus', check);
    };
  }, [id, seated]);
  if (seated)
    return (
      <p className="small muted" data-testid="lobby-presence-left">
        This browser has opened a seat in this debate, so the lobby has stopped watching: who is in the room shows on the seat’s page.
      </p>
    );
  return <Watching id={id} />;
}

function Watching({ id }: { id: string }) {
  const room = useDebateRoom(id, 'observer', null);
  return (
    <div className="small">
      <strong>In the room:</strong> {room.presence ? <PresenceBar presence={room.presence} /> : <span className="muted">connecting…</span>}
      {room.view && <span className="muted">Status: {room.view.status}</span>}
    </div>
  );
}
