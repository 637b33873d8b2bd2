import type { ClientAction, DebateView, LegalAction, Refusal } from '@arena/shared';

/** What an agent is told when it is its turn: its seat's view and nothing more. */
export interface AgentTurn {
  /** Exactly what viewFor(state, seat) gives this seat. */
  view: DebateView;
  /** The actions open to the seat now (same as view.legal). */
  legal: LegalAction[];
  /** Set on the second attempt, when the engine refused the first answer. */
  refusal?: Refusal;
  /** Aborted when the turn's time for the agent is up. */
  signal: AbortSignal;
  /** When the agent's budget for this turn ends (ms since the epoch), if it has one. */
  deadline?: number;
}

/** An agent's answer, with measurements to keep in the transcript (tokens, latency…). */
export interface AgentReply {
  action: ClientAction;
  meta?: Record<string, unknown>;
}

/**
 * Anything that can fill a seat: built-in, LLM, later remote. Agents never see the
 * full state; they receive their seat's view and return an action for the engine.
 */
export interface Agent {
  /** Configuration id, recorded in the debate header's seats. */
  readonly id: string;
  act(turn: AgentTurn): Promise<AgentReply>;
}

/**
 * Thrown by an agent whose answer could not even be read (a remote agent's malformed
 * acknowledgement): the driver treats it like an action the engine refused, so the
 * agent is asked once more with `refusal` set, then the seat forfeits.
 */
export class InvalidReply extends Error {
  override name = 'InvalidReply';
  readonly refusal: Refusal;

  constructor(refusal: Refusal) {
    super(refusal.message);
    this.refusal = refusal;
  }
}
