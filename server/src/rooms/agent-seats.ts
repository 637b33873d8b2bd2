import { toMove, viewFor, type Action, type Actor, type DebateHeader, type DebateState, type Refusal, type Seat } from '@arena/shared';
import type { Agent } from '../agents/agent.ts';
import type { ArenaContext } from '../context.ts';

type Submit = (actor: Actor, action: Action, meta?: Record<string, unknown>) => Promise<Refusal | null>;

/**
 * Plays the agent seats of a live room. Whenever the engine waits on an agent seat,
 * the agent gets that seat's view; an action the engine refuses goes back to it once
 * with the reason; after a second failure the seat forfeits the turn (the rules'
 * expiry path) with the reason in the event. A room never waits on an agent for
 * longer than the turn's deadline or ARENA_AGENT_SECONDS.
 */
export class AgentSeats {
  private readonly agents = new Map<Seat, Agent>();
  private readonly running = new Map<Seat, AbortController>();
  private state: DebateState | null = null;
  private stopped = false;

  constructor(
    private readonly ctx: ArenaContext,
    private readonly header: DebateHeader,
    private readonly submit: Submit,
  ) {}

  update(state: DebateState): void {
    this.state = state;
    if (this.stopped) return;
    for (const seat of toMove(state)) {
      if (this.header.seats[seat]?.kind !== 'agent' || this.running.has(seat)) continue;
      const controller = new AbortController();
      this.running.set(seat, controller);
      void this.play(seat, state.lastSeq, controller).finally(() => {
        this.running.delete(seat);
        if (this.state && this.state.lastSeq !== state.lastSeq) this.update(this.state);
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
      agent = this.ctx.makeAgent(this.header.seats[seat]?.agent ?? '', `${this.header.seed}/${seat}`);
      this.agents.set(seat, agent);
    }
    return agent;
  }

  private async play(seat: Seat, seq: number, controller: AbortController): Promise<void> {
    const state = this.state as DebateState;
    const budget = Math.min(
      this.ctx.config.agentSeconds * 1000,
      state.deadline === null ? Number.POSITIVE_INFINITY : Math.max(0, state.deadline - Date.now()),
    );
    const timer = setTimeout(() => controller.abort(new Error('the agent ran out of time')), budget);
    let refusal: Refusal | undefined;
    let reason = '';
    try {
      for (let attempt = 0; attempt < 2 && !this.stopped; attempt++) {
        if (this.state?.lastSeq !== seq && !toMove(this.state as DebateState).includes(seat)) return;
        const view = viewFor(this.state as DebateState, seat);
        const started = Date.now();
        try {
          const reply = await this.agentFor(seat).act({ view, legal: view.legal, signal: controller.signal, ...(refusal ? { refusal } : {}) });
          if (controller.signal.aborted) throw controller.signal.reason;
          const meta = { ...reply.meta, agent: this.agentFor(seat).id, latencyMs: Date.now() - started, attempt: attempt + 1 };
          const refused = await this.submit(seat, reply.action, meta);
          if (!refused) return;
          refusal = refused;
          reason = `refused: ${refused.message}`;
        } catch (err) {
          reason = `agent error: ${err instanceof Error ? err.message : String(err)}`;
          if (controller.signal.aborted) break;
        }
      }
    } finally {
      clearTimeout(timer);
    }
    if (this.stopped) return;
    console.warn(`debate ${this.header.id}: agent seat ${seat} forfeits its turn (${reason})`);
    await this.submit('system', { type: 'forfeit', seat, reason: reason.slice(0, 2000) });
  }
}
