// The first thing a seat link (/debate/<id>/<seat>) runs, inlined at the top of index.html's
// <head> by client/vite.config.ts (minified there, and called with the room's name, the
// protocol version and the debate page's chunks). On a slow connection each wave of requests
// costs a round trip, so everything the page will need starts here, in parallel:
//
// 1. The room's seat reservation: the server puts it in the page of a link that carries its
//    token (server/src/http/seat-page.ts, the JSON block #arena-reservation); otherwise the
//    matchmaking request the room SDK would send (`joinOrCreate` with the seat and the
//    link's token, or the one stored for that seat). Either answer is kept in
//    `window.__arenaEarlyJoin.reservation` for the room code (client/src/early-join.ts).
// 2. As soon as that answer is there, the room's WebSocket, opened at the address the SDK
//    builds from a reservation (`<ws|wss>://<host>/<processId>/<roomId>?sessionId=<id>`).
//    What it receives before the SDK has loaded is kept, and when the SDK opens a socket at
//    exactly that address it is handed this one, with what it missed replayed in order.
//    Any other socket (a reconnection, another room) is the browser's own.
// 3. The debate page's chunks, largest first (six requests at a time over HTTP/1.1).
//
// A refusal or a failure leaves nothing behind: the room code then joins as usual and says why.
function seatLinkStart(roomName, protocol, chunks) {
  const m = location.pathname.match(/^\/debate\/([^/]+)(?:\/([^/]+))?\/?$/);
  if (!m) return;
  const debateId = decodeURIComponent(m[1]);
  const seat = m[2] ? decodeURIComponent(m[2]) : 'observer';
  let token = new URLSearchParams(location.search).get('token');
  if (!token) {
    try {
      token = JSON.parse(localStorage.getItem('arena:token:' + debateId + ':' + seat));
    } catch (e) {
      token = null;
    }
  }
  const options = { debateId: debateId, seat: seat, protocol: protocol };
  if (token) options.token = token;

  const NativeWebSocket = window.WebSocket;
  let early = null; // { url, socket, missed: Event[] } until the SDK takes it
  const openSocket = (r) => {
    if (!r || typeof r.roomId !== 'string' || typeof r.sessionId !== 'string' || r.reconnectionToken) return;
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    const url = scheme + (r.publicAddress || location.host) + '/' + r.processId + '/' + r.roomId + '?sessionId=' + r.sessionId;
    const socket = new NativeWebSocket(url);
    socket.binaryType = 'arraybuffer';
    const missed = [];
    const keep = (e) => missed.push(e);
    for (const type of ['open', 'message', 'error', 'close']) socket.addEventListener(type, keep);
    early = { url: url, socket: socket, missed: missed, keep: keep };
  };
  function ArenaWebSocket(url, protocols) {
    if (early && String(url) === early.url) {
      const taken = early;
      early = null;
      // The SDK sets its on* handlers right after construction, in this same task; no socket
      // event can run before this microtask, so what was missed is replayed first and in order.
      queueMicrotask(() => {
        for (const type of ['open', 'message', 'error', 'close']) taken.socket.removeEventListener(type, taken.keep);
        for (const e of taken.missed) {
          const handler = taken.socket['on' + e.type];
          if (typeof handler === 'function') handler.call(taken.socket, e);
        }
      });
      return taken.socket;
    }
    return protocols === undefined ? new NativeWebSocket(url) : new NativeWebSocket(url, protocols);
  }
  ArenaWebSocket.prototype = NativeWebSocket.prototype;
  for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) ArenaWebSocket[k] = NativeWebSocket[k];
  window.WebSocket = ArenaWebSocket;

  let given = null;
  const block = document.getElementById('arena-reservation');
  if (block) {
    try {
      given = JSON.parse(block.textContent);
    } catch (e) {
      given = null;
    }
  }
  if (given) openSocket(given);
  window.__arenaEarlyJoin = {
    debateId: debateId,
    seat: seat,
    reservation: given ? Promise.resolve(given) : fetch('/matchmake/joinOrCreate/' + roomName, {
      method: 'POST',
      credentials: 'include',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify(options),
    })
      .then((res) => (res.ok ? res.json() : null))
      .then((r) => {
        openSocket(r);
        return r;
      })
      .catch(() => null),
  };

  for (const href of chunks) {
    const link = document.createElement('link');
    link.rel = 'modulepreload';
    link.href = href;
    document.head.appendChild(link);
  }
}
