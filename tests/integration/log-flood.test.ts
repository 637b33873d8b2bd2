/**
 * A client that sends frames the server cannot decode is dropped each time; the log gets
 * one line for the kind of failure, not a stack trace per frame.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startArena, type TestArena } from '../helpers/arena.ts';

const ROOM_DATA = 13;
/** A room-data frame of type "action" whose payload is a byte MessagePack never uses (0xc1). */
const MALFORMED = new Uint8Array([ROOM_DATA, 0xa0 | 6, ...new TextEncoder().encode('action'), 0xc1, 0xc1]);

let t: TestArena;
beforeAll(async () => {
  t = await startArena();
});
afterAll(() => t.close());

describe('malformed frames and the log', () => {
  it('logs the first undecodable frame and counts the rest', async () => {
    const created = await t.createDebate({ scenarioId: 'the-lantern-room' });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const FRAMES = 60;
      for (let i = 0; i < FRAMES; i++) {
        const c = await t.join({ debateId: created.id, seat: 'observer' });
        const closed = new Promise<void>((resolve) => c.room.onLeave(() => resolve()));
        (c.room.connection as unknown as { send(bytes: Uint8Array): void }).send(MALFORMED);
        // The server drops a connection whose frame it cannot decode.
        await closed;
      }
      const decodeLines = errors.mock.calls.map((args) => args.join(' ')).filter((line) => /MessagePack|decode|unpack/i.test(line));
      expect(decodeLines.length).toBe(1);
      expect((await t.api('/api/health')).status).toBe(200);
    } finally {
      errors.mockRestore();
    }
  }, 60_000);
});
