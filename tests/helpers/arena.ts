import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  applyViewChange,
  CLIENT_MESSAGE,
  joinRefusalOf,
  onServerMessage,
  ROOM_NAME,
  SERVER_MESSAGE,
  SERVER_MESSAGE_SCHEMAS,
  type DebateView,
  type JoinOptions,
  type JoinRefusal,
  type Presence,
  type RefusalMessage,
  type ServerMessageName,
  type ServerMessages,
  type Welcome,
} from '@arena/shared';
import { createArena, type Arena } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import type { StoreOptions } from '../../server/src/store/open.ts';
import type { Store } from '../../server/src/store/store.ts';
import { openStores, type Stores } from '../../server/src/stores.ts';

/**
 * Every WebSocket this test process opens records every frame it receives, from the
 * first byte on: the leak tests search these bytes. Installed before the SDK loads,
 * since the SDK picks its WebSocket class when its module is evaluated.
 */
const NativeWebSocket = globalThis.WebSocket;
const frames = new WeakMap<object, Uint8Array[]>();
class RecordingWebSocket extends NativeWebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    const received: Uint8Array[] = [];
    frames.set(this, received);
    this.addEventListener('message', (e: MessageEvent) => {
      const d = e.data;
      if (d instanceof ArrayBuffer) received.push(new Uint8Array(d.slice(0)));
      else if (ArrayBuffer.isView(d)) received.push(new Uint8Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength)));
      else if (typeof d === 'string') received.push(new TextEncoder().encode(d));
    });
  }
}
globalThis.WebSocket = RecordingWebSocket as typeof WebSocket;
const { Client } = await import('@colyseus/sdk');

export const RESEARCHER_TOKEN = 'test-researcher-token-0123456789';

export interface TestArena {
  arena: Arena;
  /** The debate store (of `stores`). */
  store: Store;
  stores: Stores;
  port: number;
  http: string;
  api<T = any>(path: string, init?: RequestInit & { json?: unknown; token?: string }): Promise<{ status: number; body: T }>;
  /** Creates a debate as a researcher (the default) or, with token null, anonymously. */
  createDebate(body: Record<string, unknown>, token?: string | null): Promise<CreatedDebate>;
  join(options: JoinOptions): Promise<SeatClient>;
  /** Tries a join that must fail; resolves with the typed refusal the client decodes (null: not a typed refusal). Throws if the join succeeds. */
  joinRefusal(options: JoinOptions): Promise<JoinRefusal | null>;
  close(): Promise<void>;
}

export interface CreatedDebate {
  id: string;
  seats: Record<string, { kind: string; open: boolean; token?: string; path?: string }>;
}

/** Starts the real server on a free port with its own store (embedded in memory unless given). */
export async function startArena(options: { store?: StoreOptions; env?: Record<string, string> } = {}): Promise<TestArena> {
  const dataDir = mkdtempSync(join(tmpdir(), 'arena-test-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    ARENA_DATA_DIR: dataDir,
    ARENA_RESEARCHER_TOKEN: RESEARCHER_TOKEN,
    ARENA_RECONNECT_SECONDS: '10',
    ...options.env,
  });
  const stores = await openStores(options.store ?? {});
  const store = stores.debates;
  const arena = await createArena(config, { stores });
  const port = await arena.listen();
  const http = `http://127.0.0.1:${port}`;
  const clients: SeatClient[] = [];
  const t: TestArena = {
    arena,
    store,
    stores,
    port,
    http,
    async api(path, init = {}) {
      const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
      if (init.json !== undefined) headers['content-type'] = 'application/json';
      if (init.token) headers.authorization = `Bearer ${init.token}`;
      const res = await fetch(`${http}${path}`, { ...init, headers, body: init.json === undefined ? init.body : JSON.stringify(init.json) });
      const text = await res.text();
      let body: any = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON (JSON Lines, plain text)
      }
      return { status: res.status, body };
    },
    async createDebate(body, token = RESEARCHER_TOKEN) {
      // A researcher's debate is private unless asked otherwise; the tests' debates are public like lobby games unless they say so.
      const json = token ? { visibility: 'public', ...body } : body;
      const res = await t.api<CreatedDebate>('/api/debates', { method: 'POST', json, ...(token ? { token } : {}) });
      if (res.status !== 201) throw new Error(`create debate failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async join(options) {
      const c = await SeatClient.join(`ws://127.0.0.1:${port}`, options);
      clients.push(c);
      return c;
    },
    async joinRefusal(options) {
      let seated: SeatClient;
      try {
        seated = await SeatClient.join(`ws://127.0.0.1:${port}`, options);
      } catch (err) {
        return joinRefusalOf(err);
      }
      await seated.leave();
      throw new Error(`the join of seat ${options.seat} in ${options.debateId} was accepted`);
    },
    async close() {
      await Promise.all(clients.map((c) => c.leave().catch(() => {})));
      await arena.close();
      await stores.close();
    },
  };
  return t;
}

type SdkRoom = Awaited<ReturnType<InstanceType<typeof Client>['joinOrCreate']>>;

/** A participant connected with the real Colyseus SDK, keeping what it received. */
export class SeatClient {
  /** Every view this seat went through: whole views as sent, and views rebuilt from each change. */
  views: DebateView[] = [];
  /** How many of `views` came whole, and how many as changes. */
  wholeViews = 0;
  changes = 0;
  private n = 0;
  refusals: RefusalMessage[] = [];
  presence: Presence[] = [];
  welcome: Welcome | null = null;
  private waiters: (() => void)[] = [];

  readonly room: SdkRoom;
  readonly options: JoinOptions;

  private constructor(room: SdkRoom, options: JoinOptions) {
    this.room = room;
    this.options = options;
    // Reconnect at once after a drop, however young the connection.
    room.reconnection.minUptime = 0;
    // Every message must match its schema in the protocol map: the server and its clients agree.
    const on = <K extends ServerMessageName>(type: K, handler: (message: ServerMessages[K]) => void) =>
      onServerMessage(room, type, (message) => handler(SERVER_MESSAGE_SCHEMAS[type].parse(message) as ServerMessages[K]));
    on(SERVER_MESSAGE.welcome, (w) => {
      this.welcome = w;
      this.wake();
    });
    on(SERVER_MESSAGE.view, (m) => {
      this.n = m.n;
      this.wholeViews++;
      this.views.push(m.view);
      this.wake();
    });
    on(SERVER_MESSAGE.change, (m) => {
      const last = this.views.at(-1);
      if (!last || m.n !== this.n + 1) throw new Error(`seat ${options.seat}: change ${m.n} does not follow view ${this.n}`);
      this.n = m.n;
      this.changes++;
      this.views.push(applyViewChange(last, m.change));
      this.wake();
    });
    on(SERVER_MESSAGE.refused, (r) => {
      this.refusals.push(r);
      this.wake();
    });
    on(SERVER_MESSAGE.presence, (p) => {
      this.presence.push(p);
      this.wake();
    });
  }

  static async join(url: string, options: JoinOptions): Promise<SeatClient> {
    const client = new Client(url);
    const room = await client.joinOrCreate(ROOM_NAME, options);
    return new SeatClient(room, options);
  }

  /** Every frame this connection has received, raw. */
  frames(): Uint8Array[] {
    const ws = (this.room.connection as unknown as { transport: { ws: object } }).transport.ws;
    return frames.get(ws) ?? [];
  }

  get view(): DebateView {
    const v = this.views.at(-1);
    if (!v) throw new Error(`seat ${this.options.seat} has no view yet`);
    return v;
  }

  private wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Waits until `test` holds for this client's received data. */
  async until(test: (c: SeatClient) => boolean, what = 'condition', ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!test(this)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`seat ${this.options.seat}: timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for a view in which it is this seat's turn. */
  myTurn(): Promise<void> {
    return this.until((c) => c.views.length > 0 && c.view.legal.length > 0, 'its turn');
  }

  /** Sends any message, named in the protocol or not (adversarial tests send what no client should). */
  send(type: string, payload: unknown): void {
    this.room.send(type as never, payload as never);
  }

  /** Sends an action and waits for the next view or refusal. */
  async act(action: unknown): Promise<void> {
    const views = this.views.length;
    const refusals = this.refusals.length;
    this.send(CLIENT_MESSAGE.action, action);
    await this.until((c) => c.views.length > views || c.refusals.length > refusals, 'an answer to its action');
  }

  async leave(): Promise<void> {
    await Promise.race([this.room.leave(true), new Promise((resolve) => setTimeout(resolve, 1000))]);
  }
}

/** Concatenated bytes of frames, searchable as text (msgpack keeps strings as UTF-8). */
export function framesText(list: Uint8Array[]): string {
  return list.map((f) => Buffer.from(f).toString('utf8')).join('\n');
}

/** A judge turn leaning 70% on answer `favour` (the rest shared), continuing or ending. */
export const judgeFavouring = (v: DebateView, favour: number, end = false) => ({
  type: 'judge',
  probabilities: v.answers.map((_, i) => (i === favour ? 0.7 : 0.3 / (v.answers.length - 1))),
  end,
});
