import {
  apply,
  createHeader,
  initialState,
  toMove,
  viewFor,
  type ClientAction,
  type DebateEvent,
  type DebateState,
  type DebaterSeat,
  type Rules,
  type Scenario,
  type Seat,
  type SeatConfig,
  type TranscriptRecord,
} from '@arena/shared';
import type { Agent } from '../agents/agent.ts';
import { actWithRules, type DriveOptions } from '../agents/driver.ts';

export interface SelfplayDebate {
  id: string;
  scenario: Scenario;
  rules: Rules;
  seed: string;
  /** The agent of each seat the rules have (debaters A, B… and the judge). */
  agents: Partial<Record<Seat, Agent>>;
  /** Virtual clock origin (ms); also the header's createdAt. */
  startAt: number;
  meta?: Record<string, unknown>;
  /** Per-turn budget of real time for an agent, ms. Default 120 s. */
  turnTimeoutMs?: number;
  drive?: Omit<DriveOptions, 'timeoutMs'>;
}

/** Virtual seconds an agent's action takes on the debate's clock. */
const STEP_MS = 1000;
/** Enough for any preset; a guard against a rule set that never ends. */
const MAX_EVENTS = 500;

/**
 * Plays one debate entirely through the shared engine, with a virtual clock: setup →
 * start → each awaited seat's agent acts through the driver → apply. An agent that fails
 * (timeout, twice refused, permanent error) leaves its turn to the rules' expiry path:
 * the engine's system `forfeit` of that seat (the same expiry as a timeout, for that seat
 * alone, and usable when the rules have no clock), with the reason in the event's meta. Seats awaited together (simultaneous speeches) are asked concurrently. Returns
 * an ordinary transcript.
 */
export async function playDebate(d: SelfplayDebate): Promise<TranscriptRecord> {
  const seats: Partial<Record<Seat, SeatConfig>> = {};
  for (const [seat, agent] of Object.entries(d.agents)) seats[seat as Seat] = { kind: 'agent', agent: agent.id };
  const header = createHeader({
    id: d.id,
    scenario: d.scenario,
    rules: d.rules,
    seed: d.seed,
    createdAt: d.startAt,
    seats,
    ...(d.meta ? { meta: d.meta } : {}),
  });
  header.source = { name: 'selfplay' };
  let state: DebateState = initialState(header);
  let now = d.startAt;
  const events: DebateEvent[] = [];

  const record = (seat: DebateEvent['seat'], action: DebateEvent['action'], meta?: Record<string, unknown>): ReturnType<typeof apply> => {
    const result = apply(state, action, seat, now);
    if (result.ok) {
      state = result.state;
      events.push({ seq: state.lastSeq, at: now, seat, action, ...(meta && Object.keys(meta).length ? { meta } : {}) });
    }
    return result;
  };

  const started = record('system', { type: 'start' });
  if (!started.ok) throw new Error(`${d.id}: start refused: ${started.refusal.message}`);

  while (state.status === 'running') {
    if (events.length > MAX_EVENTS) throw new Error(`${d.id}: more than ${MAX_EVENTS} events; the rules never end`);
    const awaited = toMove(state);
    const failures: { seat: Seat; reason: string; meta: Record<string, unknown> }[] = [];
    await Promise.all(
      awaited.map(async (seat) => {
        const agent = d.agents[seat];
        if (!agent) {
          failures.push({ seat, reason: `no agent in seat ${seat}`, meta: {} });
          return;
        }
        const result = await actWithRules(
          agent,
          () => viewFor(state, seat),
          seat,
          (action: ClientAction, meta) => {
            now += STEP_MS;
            const r = record(seat as DebaterSeat, action, meta);
            return r.ok ? null : r.refusal;
          },
          { ...d.drive, timeoutMs: d.turnTimeoutMs ?? 120_000 },
        );
        if (!result.ok) failures.push({ seat, reason: result.reason, meta: result.meta });
      }),
    );
    // A failed seat forfeits its turn: the rules' expiry path for that seat alone (its
    // speech is recorded empty, a judge's last probabilities stand), reason in the meta.
    for (const f of failures) {
      if (!toMove(state).includes(f.seat)) continue;
      now += STEP_MS;
      const reason = f.reason.slice(0, 2000);
      const forfeited = record('system', { type: 'forfeit', seat: f.seat, reason }, { ...f.meta, seat: f.seat, failure: reason });
      if (!forfeited.ok) throw new Error(`${d.id}: forfeit refused: ${forfeited.refusal.message}`);
    }
  }
  return { header, events, status: state.status, verdict: state.verdict } as TranscriptRecord;
}
