import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AGENT_MESSAGE,
  apply,
  CLIENT_MESSAGE,
  CLIENT_MESSAGE_SCHEMAS,
  diffView,
  followViews,
  PROTOCOL_VERSION,
  rulesFor,
  SERVER_MESSAGE,
  SERVER_MESSAGE_SCHEMAS,
  setup,
  viewFor,
  type DebateView,
  type RoomConnection,
} from '@arena/shared';
import { LIGHTHOUSE } from '../helpers/fixtures.ts';

const started = () => {
  const s = setup({ id: 'proto', scenario: LIGHTHOUSE, rules: rulesFor('debate'), seed: 'proto', createdAt: 0 });
  const r = apply(s, { type: 'start' }, 'system', 1);
  if (!r.ok) throw new Error(r.refusal.message);
  return { before: s, after: r.state };
};

describe('the room protocol map', () => {
  it('names every message once, each with its schema, in both directions', () => {
    expect(Object.keys(SERVER_MESSAGE).sort()).toEqual(Object.keys(SERVER_MESSAGE_SCHEMAS).sort());
    expect(Object.keys(CLIENT_MESSAGE).sort()).toEqual(Object.keys(CLIENT_MESSAGE_SCHEMAS).sort());
    for (const [key, name] of [...Object.entries(SERVER_MESSAGE), ...Object.entries(CLIENT_MESSAGE)]) expect(name).toBe(key);
    // A name means one thing: no message is both the server's and the client's.
    expect(Object.keys(SERVER_MESSAGE).filter((n) => n in CLIENT_MESSAGE)).toEqual([]);
  });

  it('the server messages built from the engine parse with their schemas', () => {
    const { before, after } = started();
    const view = viewFor(after, 'judge');
    const change = diffView(viewFor(before, 'judge'), view);
    expect(change).not.toBeNull();
    const messages = {
      welcome: { debateId: 'proto', seat: 'judge', token: null, protocol: PROTOCOL_VERSION, serverNow: 5 },
      view: { view, n: 1, serverNow: 5 },
      change: { change, n: 2, serverNow: 6 },
      refused: { code: 'not-your-turn', message: 'wait', about: 'judge' },
      presence: { seats: { A: { kind: 'human', connected: true, open: false } }, observers: 2 },
    };
    for (const [name, message] of Object.entries(messages)) {
      expect(SERVER_MESSAGE_SCHEMAS[name as keyof typeof SERVER_MESSAGE_SCHEMAS].safeParse(message).success, name).toBe(true);
    }
  });

  it('schemas refuse what the map does not allow', () => {
    expect(SERVER_MESSAGE_SCHEMAS.refused.safeParse({ code: 'no-such-code', message: 'x' }).success).toBe(false);
    expect(SERVER_MESSAGE_SCHEMAS.view.safeParse({ view: { protocol: PROTOCOL_VERSION - 1, debateId: 'x', seat: 'judge' }, n: 1, serverNow: 0 }).success).toBe(false);
    expect(SERVER_MESSAGE_SCHEMAS.welcome.safeParse({ debateId: 'x', seat: 'E', token: null, protocol: PROTOCOL_VERSION, serverNow: 0 }).success).toBe(false);
    expect(CLIENT_MESSAGE_SCHEMAS.action.safeParse({ type: 'judge', probabilities: [1], end: true }).success).toBe(false);
    expect(CLIENT_MESSAGE_SCHEMAS.action.safeParse({ type: 'teleport' }).success).toBe(false);
    // The payload of sync is ignored, whatever it is.
    expect(CLIENT_MESSAGE_SCHEMAS.sync.parse(undefined)).toEqual({});
  });

  it('a follower applies numbered changes and asks for the whole view again after a gap', () => {
    const { before, after } = started();
    const handlers = new Map<string, (m: unknown) => void>();
    const sent: [string, unknown][] = [];
    const room: RoomConnection = { onMessage: (type, h) => handlers.set(type, h), send: (type, payload) => void sent.push([type, payload]) };
    const seen: DebateView[] = [];
    followViews(room, (v) => seen.push(v));
    handlers.get(SERVER_MESSAGE.view)!({ view: viewFor(before, 'judge'), n: 1, serverNow: 0 });
    handlers.get(SERVER_MESSAGE.change)!({ change: diffView(viewFor(before, 'judge'), viewFor(after, 'judge')), n: 2, serverNow: 1 });
    expect(seen.at(-1)).toEqual(viewFor(after, 'judge'));
    handlers.get(SERVER_MESSAGE.change)!({ change: { set: { status: 'finished' } }, n: 4, serverNow: 2 });
    expect(seen).toHaveLength(2);
    expect(sent).toEqual([[CLIENT_MESSAGE.sync, {}]]);
  });

  it('the room, the web client, the SDK and the test client send and listen by the map, not by retyped names', () => {
    const names = [...Object.values(SERVER_MESSAGE), ...Object.values(CLIENT_MESSAGE), ...Object.values(AGENT_MESSAGE)].join('|');
    const retyped = new RegExp(`(\\.send|\\.onMessage|\\.emit|\\.on|\\.once)\\(\\s*['"\`](${names})['"\`]`);
    for (const file of ['server/src/rooms/debate-room.ts', 'client/src/room.ts', 'sdk/src/index.ts', 'tests/helpers/arena.ts', 'tests/helpers/remote-agent-main.ts']) {
      const lines = readFileSync(file, 'utf8').split('\n').filter((l) => retyped.test(l));
      expect(lines, file).toEqual([]);
    }
  });
});
