/**
 * Connections are bounded: per client address (all debates of a process), and observers
 * per debate, each refused with a typed code; a crowd of observers does not make every
 * connection hear of every join.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientAddressOf } from '../../server/src/rooms/connection-limits.ts';
import { eventually } from '../helpers/services.ts';
import { startArena, type SeatClient, type TestArena } from '../helpers/arena.ts';

// Each test has a server of its own: connections a test closes are counted until the server hears of it.
let t: TestArena;
beforeEach(async () => {
  t = await startArena({ env: { ARENA_CONNECTIONS_PER_ADDRESS: '8', ARENA_OBSERVERS_PER_DEBATE: '5' } });
});
afterEach(() => t.close());

const SCENARIO = 'the-lantern-room';

describe('connection limits', () => {
  it('caps observers per debate, and seats still join', async () => {
    const created = await t.createDebate({ scenarioId: SCENARIO });
    const watching: SeatClient[] = [];
    for (let i = 0; i < 5; i++) watching.push(await t.join({ debateId: created.id, seat: 'observer' }));
    const refused = await t.joinRefusal({ debateId: created.id, seat: 'observer' });
    expect(refused?.code).toBe('too-many-connections');
    expect(refused?.message).toMatch(/5 observers/);
    const judge = await t.join({ debateId: created.id, seat: 'judge', token: created.seats.judge!.token! });
    await judge.until((c) => c.welcome?.seat === 'judge', 'the judge seated');
    await Promise.all([...watching, judge].map((c) => c.leave()));
  });

  it('caps the connections of one address over all debates, and frees a slot when one closes', async () => {
    const debates = await Promise.all([0, 1, 2].map(() => t.createDebate({ scenarioId: SCENARIO })));
    const held: SeatClient[] = [];
    for (let i = 0; i < 8; i++) held.push(await t.join({ debateId: debates[i % 3]!.id, seat: 'observer' }));
    const refused = await t.joinRefusal({ debateId: debates[0]!.id, seat: 'observer' });
    expect(refused?.code).toBe('too-many-connections');
    expect(refused?.message).toMatch(/8 connections/);
    // A seat's link does not get round the limit either.
    expect((await t.joinRefusal({ debateId: debates[1]!.id, seat: 'A', token: debates[1]!.seats.A!.token! }))?.code).toBe('too-many-connections');
    await held.pop()!.leave();
    const again = await eventually('a freed slot', async () => {
      try {
        return await t.join({ debateId: debates[1]!.id, seat: 'A', token: debates[1]!.seats.A!.token! });
      } catch {
        return null;
      }
    }, 5000);
    await again.until((c) => c.welcome?.seat === 'A', 'seat A taken');
    await Promise.all([...held, again].map((c) => c.leave()));
  });
});

describe('presence with a crowd of observers', () => {
  it('sends a seat at most one presence per batch while observers come and go, and the count is right in the end', async () => {
    const crowd = await startArena({ env: { ARENA_CONNECTIONS_PER_ADDRESS: '100', ARENA_OBSERVERS_PER_DEBATE: '100' } });
    try {
      const created = await crowd.createDebate({ scenarioId: SCENARIO });
      const judge = await crowd.join({ debateId: created.id, seat: 'judge', token: created.seats.judge!.token! });
      await judge.until((c) => c.presence.length > 0, 'the first presence');
      const heardBefore = judge.presence.length;
      const started = Date.now();
      const observers: SeatClient[] = [];
      for (let i = 0; i < 40; i++) observers.push(await crowd.join({ debateId: created.id, seat: 'observer' }));
      const joinSeconds = (Date.now() - started) / 1000;
      await judge.until((c) => c.presence.at(-1)?.observers === 40, 'the count of 40 observers', 5000);
      // One message a second at most (plus the one in flight), not one per join.
      expect(judge.presence.length - heardBefore).toBeLessThanOrEqual(Math.ceil(joinSeconds) + 2);
      expect(judge.presence.length - heardBefore).toBeLessThan(40);
      // A newcomer hears the presence at once, itself counted.
      const last = observers.at(-1)!;
      expect(last.presence[0]?.observers).toBe(40);
      // A seat's arrival is told at once.
      const a = await crowd.join({ debateId: created.id, seat: 'A', token: created.seats.A!.token! });
      await judge.until((c) => c.presence.at(-1)?.seats.A?.connected === true, 'debater A connected', 500);
      await Promise.all([...observers, a, judge].map((c) => c.leave()));
    } finally {
      await crowd.close();
    }
  });
});

describe('the client address of a connection', () => {
  it('believes X-Forwarded-For only from a named proxy', () => {
    expect(clientAddressOf([])('127.0.0.1', '203.0.113.9')).toBe('127.0.0.1');
    expect(clientAddressOf(['10.0.0.0/8'])('127.0.0.1', '203.0.113.9')).toBe('127.0.0.1');
    expect(clientAddressOf(['loopback'])('127.0.0.1', '203.0.113.9')).toBe('203.0.113.9');
    // Only as far back as the chain of trusted proxies goes: a client cannot prepend its own.
    expect(clientAddressOf(['loopback'])('127.0.0.1', '198.51.100.1, 203.0.113.9')).toBe('203.0.113.9');
    expect(clientAddressOf(['loopback', '203.0.113.9'])('127.0.0.1', '198.51.100.1, 203.0.113.9')).toBe('198.51.100.1');
    expect(clientAddressOf(['loopback'])('127.0.0.1', null)).toBe('127.0.0.1');
  });
});
