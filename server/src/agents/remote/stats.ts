/** What researchers see of one remote agent name. */
export interface RemoteAgentStats {
  name: string;
  /** The name holds a key that is not revoked. */
  keyed: boolean;
  connections: { id: string; client: string | null; connectedAt: number; inFlight: number }[];
  /** Turns sent (a second attempt after a refusal counts again). */
  turns: number;
  /** Turns acknowledged, well-formed or not. */
  answered: number;
  /** Answers refused: by the engine, or acknowledgements that did not parse (also counted in `malformed`). */
  refusals: number;
  malformed: number;
  /** Turns not answered within the agent's budget. */
  timeouts: number;
  /** Turns the seat forfeited (twice refused, timed out, no agent connected). */
  forfeits: number;
  /** Turn sent → acknowledgement received, over the last 1,000 answers, ms. */
  latencyMs: { n: number; p50: number | null; p90: number | null; max: number | null };
}

const WINDOW = 1000;

/** The nearest-rank quantile of sorted numbers. */
export function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

/** Counters of one name since the server started. */
export class NameStats {
  turns = 0;
  answered = 0;
  refusals = 0;
  malformed = 0;
  timeouts = 0;
  forfeits = 0;
  private readonly recent: number[] = [];

  latency(ms: number): void {
    this.recent.push(ms);
    if (this.recent.length > WINDOW) this.recent.shift();
  }

  samples(): number[] {
    return [...this.recent];
  }

  report(name: string, keyed: boolean, connections: RemoteAgentStats['connections']): RemoteAgentStats {
    const sorted = [...this.recent].sort((a, b) => a - b);
    return {
      name,
      keyed,
      connections,
      turns: this.turns,
      answered: this.answered,
      refusals: this.refusals,
      malformed: this.malformed,
      timeouts: this.timeouts,
      forfeits: this.forfeits,
      latencyMs: { n: sorted.length, p50: quantile(sorted, 0.5), p90: quantile(sorted, 0.9), max: sorted.at(-1) ?? null },
    };
  }
}
