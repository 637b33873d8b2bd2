import { apply } from './apply.ts';
import { initialState } from './setup.ts';
import type { DebateEvent, DebateHeader, DebateState } from './types.ts';

export class ReplayError extends Error {
  readonly seq: number;

  constructor(message: string, seq: number) {
    super(message);
    this.seq = seq;
    this.name = 'ReplayError';
  }
}

/** Folds the engine over a transcript's events; calls `each` with the state after every event. */
export function replay(
  header: DebateHeader,
  events: readonly DebateEvent[],
  each?: (state: DebateState, event: DebateEvent) => void,
): DebateState {
  let state = initialState(header);
  for (const event of events) {
    if (event.seq !== state.lastSeq + 1) {
      throw new ReplayError(`event ${event.seq} out of order (expected ${state.lastSeq + 1})`, event.seq);
    }
    const result = apply(state, event.action, event.seat, event.at);
    if (!result.ok) throw new ReplayError(`event ${event.seq} was refused: ${result.refusal.message}`, event.seq);
    state = result.state;
    each?.(state, event);
  }
  return state;
}
