import type { Clock } from '../../server/src/sessions/clock.ts';

/** Lets every piece of work already started run to where it waits on time (promises, the in-memory stores). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

interface Timer {
  at: number;
  order: number;
  fn: () => void;
}

/**
 * A clock that moves only when told: timers fire in time order as `advance` passes
 * them, each after the work the previous one started has settled. No real time passes.
 */
export class FakeClock implements Clock {
  private t: number;
  private timers: Timer[] = [];
  private made = 0;

  constructor(start = 1_700_000_000_000) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  after(ms: number, fn: () => void): () => void {
    const timer: Timer = { at: this.t + Math.max(0, ms), order: this.made++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Timers armed and not yet fired or cancelled. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time `ms` forward, firing each timer due on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.t = due.at;
      due.fn();
    }
    this.t = end;
    await settle();
  }
}
