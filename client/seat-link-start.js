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
//    exactly that address it is handed this one, with what it missed delivered in order.
//    Any other socket (a reconnection, another room) is the browser's own.
//    Colyseus's handshake is answered here too: the room's first frame (JOIN_ROOM) waits for
//    the client's one-byte acknowledgement before anything else is sent, so the room's first
//    messages (the welcome, the seat's view) come while the page's code still downloads. The
//    SDK acknowledges again when it is handed the socket; a joined client's second one is
//    ignored by the server.
// 3. The debate page's chunks, largest first (six requests at a time over HTTP/1.1).
//
// A refusal or a failure leaves nothing behind: the room code then joins as usual and says why.
function seatLinkStart(roomName, protocol, chunks, joinRoomCode) {
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
  const EVENTS = ['open', 'message', 'error', 'close'];
  let early = null; // { url, socket, queue: Event[], take(handlers) } until the SDK takes it

  const openSocket = (r) => {
    if (!r || typeof r.roomId !== 'string' || typeof r.sessionId !== 'string' || r.reconnectionToken) return;
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    const url = scheme + (r.publicAddress || location.host) + '/' + r.processId + '/' + r.roomId + '?sessionId=' + r.sessionId;
    const socket = new NativeWebSocket(url);
    socket.binaryType = 'arraybuffer';
    const acknowledge = (e) => {
      socket.removeEventListener('message', acknowledge);
      if (e.data instanceof ArrayBuffer && new Uint8Array(e.data)[0] === joinRoomCode) socket.send(new Uint8Array([joinRoomCode]));
    };
    socket.addEventListener('message', acknowledge);
    // Every event waits in `queue` until the SDK has the socket, then reaches its handler in
    // order: the first message (the join) in a task of its own, because the SDK resolves the
    // join on it and the page registers its message handlers in that promise's continuations,
    // which run before the next task; then the rest together, so the page renders them once.
    // Once the queue is empty, events go straight to the handlers.
    const queue = [];
    let handlers = null;
    let scheduled = false;
    let joined = false;
    const deliver = (e) => {
      if (e.type === 'message') joined = true;
      const handler = handlers['on' + e.type];
      if (typeof handler === 'function') handler.call(socket, e);
    };
    const drain = () => {
      scheduled = false;
      while (queue.length) {
        const first = !joined && queue[0].type === 'message';
        deliver(queue.shift());
        if (first) break;
      }
      if (queue.length) schedule();
    };
    const schedule = () => {
      if (!scheduled) {
        scheduled = true;
        setTimeout(drain, 0);
      }
    };
    for (const type of EVENTS) {
      socket.addEventListener(type, (e) => {
        if (handlers && !scheduled && queue.length === 0) return deliver(e);
        queue.push(e);
        if (handlers) schedule();
      });
    }
    early = {
      url: url,
      // What the SDK is handed: the socket's own methods and state, and on* handlers kept here.
      take() {
        handlers = { onopen: null, onmessage: null, onerror: null, onclose: null };
        const adopted = {
          send: (data) => socket.send(data),
          close: (code, reason) => socket.close(code, reason),
          get readyState() {
            return socket.readyState;
          },
          get url() {
            return socket.url;
          },
          get protocol() {
            return socket.protocol;
          },
          get bufferedAmount() {
            return socket.bufferedAmount;
          },
          get binaryType() {
            return socket.binaryType;
          },
          set binaryType(value) {
            socket.binaryType = value;
          },
        };
        for (const type of EVENTS) {
          Object.defineProperty(adopted, 'on' + type, {
            get: () => handlers['on' + type],
            set: (f) => (handlers['on' + type] = f),
          });
        }
        if (queue.length) schedule();
        return adopted;
      },
    };
  };
  function ArenaWebSocket(url, protocols) {
    if (early && String(url) === early.url) {
      const taken = early;
      early = null;
      return taken.take();
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
