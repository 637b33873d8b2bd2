import {
  agentViewFor,
  apply,
  createHeader,
  replay,
  toMove,
  type ClientAction,
  type DebateEvent,
  type DebateHeader,
  type DebateState,
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
 * Plays one debate entirely through the shared engine, with a virtual clock (see
 * playHeader), and returns an ordinary transcript.
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
    provenance: 'selfplay',
    ...(d.meta ? { meta: d.meta } : {}),
  });
  header.source = { name: 'selfplay' };
  return playHeader(header, d.agents, { ...(d.turnTimeoutMs ? { turnTimeoutMs: d.turnTimeoutMs } : {}), ...(d.drive ? { drive: d.drive } : {}) });
}

/**
 * Plays a debate whose header is given (assignment and all) through the engine with a
 * virtual clock: start → each awaited seat's agent acts through the driver → apply.
 * Seats awaited together (simultaneous speeches) are asked concurrently. An agent that
 * fails (timeout, twice refused, permanent error) leaves its turn to the rules' expiry
 * path: the engine's system `forfeit` of that seat, with the reason in the event's meta.
 */
export async function playHeader(
  header: DebateHeader,
  agents: Partial<Record<Seat, Agent>>,
  options: { turnTimeoutMs?: number; drive?: Omit<DriveOptions, 'timeoutMs'>; prefix?: readonly DebateEvent[] } = {},
): Promise<TranscriptRecord> {
  // A fork starts with its first events (the parent's, and the room's resume): the play carries on from them.
  const events: DebateEvent[] = [...(options.prefix ?? [])];
  let state: DebateState = replay(header, events);
  let now = Math.max(header.createdAt, events.at(-1)?.at ?? header.createdAt);
  const record = (seat: DebateEvent['seat'], action: DebateEvent['action'], meta?: Record<string, unknown>) => {
    const result = apply(state, action, seat, now);
    if (result.ok) {
      state = result.state;
      events.push({ seq: state.lastSeq, at: now, seat, action, ...(meta && Object.keys(meta).length ? { meta } : {}) });
    }
    return result;
  };
  if (state.status === 'waiting') {
    const started = record('system', { type: 'start' });
    if (!started.ok) throw new Error(`${header.id}: start refused: ${started.refusal.message}`);
  }
  while (state.status === 'running') {
    if (events.length > MAX_EVENTS) throw new Error(`${header.id}: more than ${MAX_EVENTS} events; the rules never end`);
    const failures: { seat: Seat; reason: string; meta: Record<string, unknown> }[] = [];
    await Promise.all(
      toMove(state).map(async (seat) => {
        const agent = agents[seat];
        if (!agent) return void failures.push({ seat, reason: `no agent in seat ${seat}`, meta: {} });
        const result = await actWithRules(
          agent,
          () => agentViewFor(state, events, seat),
          seat,
          (action: ClientAction, meta) => {
            now += STEP_MS;
            const r = record(seat, action, meta);
            return r.ok ? null : r.refusal;
          },
          { ...options.drive, timeoutMs: options.turnTimeoutMs ?? 120_000 },
        );
        if (!result.ok) failures.push({ seat, reason: result.reason, meta: result.meta });
      }),
    );
    for (const f of failures) {
      if (!toMove(state).includes(f.seat)) continue;
      now += STEP_MS;
      const reason = f.reason.slice(0, 2000);
      const forfeited = record('system', { type: 'forfeit', seat: f.seat, reason }, { ...f.meta, seat: f.seat, failure: reason });
      if (!forfeited.ok) throw new Error(`${header.id}: forfeit refused: ${forfeited.refusal.message}`);
    }
  }
  return { header, events, status: state.status, verdict: state.verdict } as TranscriptRecord;
}
