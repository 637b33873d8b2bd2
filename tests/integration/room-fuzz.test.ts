/**
 * Fuzzing the room protocol with real SDK clients: every seat of several debates sends
 * random messages (random types, random payloads, well-formed and malformed actions,
 * strings with NUL and lone surrogates, deep and large objects). Every message must be
 * answered — a typed refusal, or the view (change) its effect produced — the server
 * must stay up, and a refused message must change nothing stored.
 * ROOM_FUZZ_MESSAGES sets the total (default 10,500).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFUSAL_CODES } from '@arena/shared';
import { startArena, type SeatClient, type TestArena } from '../helpers/arena.ts';

const TOTAL = Number(process.env.ROOM_FUZZ_MESSAGES ?? 10_500);
const SEATS_PER_DEBATE = ['A', 'B', 'judge', 'observer'] as const;
const DEBATES = 12;

let t: TestArena;
beforeAll(async () => {
  t = await startArena();
});
afterAll(() => t.close());

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const weird = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udfffy', '<quote>\u0000</quote>', '🙂'.repeat(20)),
);
const payload = fc.oneof(
  { weight: 3, arbitrary: fc.record({ type: fc.constant('speech'), text: weird }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('speech'), segments: fc.array(fc.oneof(fc.record({ text: weird }), fc.record({ quote: fc.tuple(fc.integer({ min: -5, max: 400 }), fc.integer({ min: -5, max: 400 })) }), fc.record({ reveal: fc.integer({ min: -5, max: 900 }) })), { maxLength: 4 }) }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('judge'), probabilities: fc.array(fc.oneof(fc.double({ noNaN: false }), fc.constant(0.5)), { maxLength: 5 }), end: fc.oneof(fc.boolean(), weird), comment: fc.option(weird, { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constantFrom('start', 'timeout', 'abandon', 'forfeit', 'teleport'), seat: fc.constantFrom('A', 'judge', 'x'), reason: weird }) },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 40 }).map((d) => JSON.parse('['.repeat(d) + ']'.repeat(d))) },
);
const message = fc.oneof(
  { weight: 8, arbitrary: fc.record({ type: fc.constant('action'), payload }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('sync'), payload: fc.anything({ maxDepth: 2 }) }) },
  // Message types stay well-formed Unicode: the SDK's own encoder corrupts a frame whose type has a
  // lone surrogate, and Colyseus drops frames it cannot decode before any room sees them.
  { weight: 1, arbitrary: fc.record({ type: fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('\u0000', 'a\u0000b', '🙂')).filter((s) => !LONE_SURROGATE.test(s)), payload: fc.anything({ maxDepth: 2 }) }) },
);

/** Sends one message and waits for its answer: a refusal, or a view or change. */
async function exchange(c: SeatClient, type: string, body: unknown): Promise<'refused' | 'answered'> {
  const [views, refusals] = [c.views.length, c.refusals.length];
  c.send(type, body);
  await c.until((x) => x.views.length > views || x.refusals.length > refusals, `an answer to ${type}`, 5000);
  return c.refusals.length > refusals ? 'refused' : 'answered';
}

describe('room messages, fuzzed', () => {
  it(`${TOTAL} random messages from every seat: each answered, the server up, refusals change nothing`, async () => {
    const seated: { id: string; clients: SeatClient[] }[] = [];
    for (let d = 0; d < DEBATES; d++) {
      const created = await t.createDebate({ scenarioId: 'the-lantern-room', preset: d % 2 ? 'debate' : 'consultancy' });
      const clients: SeatClient[] = [];
      for (const seat of SEATS_PER_DEBATE) {
        if (seat !== 'observer' && !created.seats[seat]) continue;
        clients.push(await t.join({ debateId: created.id, seat, ...(seat === 'observer' ? {} : { token: created.seats[seat]!.token! }) }));
      }
      seated.push({ id: created.id, clients });
    }
    const plan = fc.sample(message, { numRuns: TOTAL, seed: Number(process.env.FC_SEED ?? 11) });
    const codes = new Set<string>();
    let refused = 0;
    let next = 0;
    // One exchange at a time within a debate (so a refusal can be checked against the stored
    // events), taking the seats in turn; the debates run side by side.
    await Promise.all(
      seated.map(async ({ id, clients }) => {
        for (let turn = 0; ; turn++) {
          const k = next++;
          if (k >= plan.length) return;
          const m = plan[k]!;
          const c = clients[turn % clients.length]!;
          const before = (await t.store.getTranscript(id))!.events.length;
          // Each connection stays under the room's limit of 20 messages a second.
          await new Promise((r) => setTimeout(r, 15));
          const answer = await exchange(c, m.type, m.payload);
          if (answer === 'refused') {
            refused++;
            const r = c.refusals.at(-1)!;
            codes.add(r.code);
            expect(REFUSAL_CODES).toContain(r.code);
            expect(r.code, `${JSON.stringify(m).slice(0, 200)} → ${r.message}`).not.toBe('server-error');
            expect((await t.store.getTranscript(id))!.events.length, 'a refused message changed the transcript').toBe(before);
          }
        }
      }),
    );
    expect(refused).toBeGreaterThan(TOTAL / 2);
    expect([...codes]).toEqual(expect.arrayContaining(['malformed', 'not-your-role', 'not-your-turn']));
    expect((await t.api('/api/health')).status).toBe(200);
  }, 600_000);
});
