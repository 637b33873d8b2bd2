import { agentViewFor, answerPoint, toMove, viewFor, type Action, type Actor, type DebateEvent, type DebateHeader, type DebateState, type DebateView, type Refusal, type Seat } from '@arena/shared';
import type { Agent } from '../agents/agent.ts';
import { actWithRules } from '../agents/driver.ts';
import type { Clock } from './clock.ts';

type Submit = (actor: Actor, action: Action, meta?: Record<string, unknown>) => Promise<Refusal | null>;

/** Builds the agent of a seat from its configuration id and a seed. */
export type MakeAgent = (id: string, seed: string) => Agent;

interface AgentDeps {
  makeAgent: MakeAgent;
  /** Upper bound on an agent's turn, ms. */
  agentTurnMs: number;
  log: (line: string) => void;
  /** What the turn's remaining time is measured by (the session's). */
  clock: Clock;
  /** The debate's events so far (an agent answering a cross-examination question acts from its view at an earlier one). */
  events: () => Promise<readonly DebateEvent[]>;
}

/**
 * Plays the agent seats of a live debate through the agent driver (actWithRules): the
 * agent gets its seat's view; transient errors are retried; a refused action goes back
 * to it once with the reason; after that the seat forfeits the turn (the rules' expiry
 * path) with the reason in the event. A room never waits on an agent for longer than
 * the turn's deadline or ARENA_AGENT_SECONDS.
 */
export class AgentSeats {
  private readonly agents = new Map<Seat, Agent>();
  private readonly running = new Map<Seat, AbortController>();
  private stopped = false;

  private readonly deps: AgentDeps;
  private readonly header: DebateHeader;
  private readonly submit: Submit;
  private readonly current: () => DebateState;

  constructor(deps: AgentDeps, header: DebateHeader, submit: Submit, current: () => DebateState) {
    this.deps = deps;
    this.header = header;
    this.submit = submit;
    this.current = current;
  }

  private get state(): DebateState {
    return this.current();
  }

  /** Starts the agents whose seats the current state awaits; stops those no longer awaited. */
  update(): void {
    const state = this.state;
    if (this.stopped) return;
    // A seat no longer waited on (its turn timed out) stops thinking.
    for (const [seat, controller] of this.running) if (!toMove(state).includes(seat)) controller.abort(new Error('the turn is over'));
    for (const seat of toMove(state)) {
      if (this.header.seats[seat]?.kind !== 'agent' || this.running.has(seat)) continue;
      const controller = new AbortController();
      this.running.set(seat, controller);
      void this.play(seat, controller).finally(() => {
        this.running.delete(seat);
        if (this.state.lastSeq !== state.lastSeq) this.update();
      });
    }
  }

  stop(): void {
    this.stopped = true;
    for (const c of this.running.values()) c.abort();
  }

  private agentFor(seat: Seat): Agent {
    let agent = this.agents.get(seat);
    if (!agent) {
      agent = this.deps.makeAgent(this.header.seats[seat]?.agent ?? '', `${this.header.seed}/${seat}`);
      this.agents.set(seat, agent);
    }
    return agent;
  }

  private async play(seat: Seat, controller: AbortController): Promise<void> {
    const state = this.state;
    const budget = Math.min(
      this.deps.agentTurnMs,
      state.deadline === null ? Number.POSITIVE_INFINITY : Math.max(0, state.deadline - this.deps.clock.now()),
    );
    let agent: Agent;
    try {
      agent = this.agentFor(seat);
    } catch (err) {
      // An agent that can no longer be made (a remote agent whose key was revoked) forfeits its turns.
      if (this.stopped || !toMove(this.state).includes(seat)) return;
      await this.submit('system', { type: 'forfeit', seat, reason: (err as Error).message.slice(0, 2000) }, { agent: this.header.seats[seat]?.agent ?? '', seat });
      return;
    }
    // Answering a cross-examination question, the agent acts from its view as it was at the point the asker named.
    let forked: DebateView | null = null;
    if (answerPoint(state, seat) !== null) {
      const events = await this.deps.events();
      if (this.stopped || this.state.lastSeq !== state.lastSeq) return;
      if (events.length !== state.lastSeq + 1) {
        // Every event is stored before it is applied here, so this cannot happen but through a broken store: the seat gives up its turn rather than answer from the live view.
        await this.submit('system', { type: 'forfeit', seat, reason: `the events up to ${state.lastSeq} could not be read for the answer's view` }, { seat });
        return;
      }
      forked = agentViewFor(state, events, seat);
    }
    const result = await actWithRules(
      agent,
      () => forked ?? viewFor(this.state, seat),
      seat,
      (action, meta) => this.submit(seat, action, meta),
      { timeoutMs: budget, signal: controller.signal, log: (line) => this.deps.log(`debate ${this.header.id}: ${line}`) },
    );
    if (result.ok || this.stopped || !toMove(this.state).includes(seat)) return;
    await this.submit('system', { type: 'forfeit', seat, reason: result.reason.slice(0, 2000) }, result.meta);
  }
}
