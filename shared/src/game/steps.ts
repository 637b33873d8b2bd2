import type { Seat } from '../protocol/actions.ts';
import { replay } from './replay.ts';
import { initialState } from './setup.ts';
import type { DebateEvent, DebateHeader } from './types.ts';
import { viewFor, type DebateView } from './view-for.ts';

/** One step of a replay: the view after an event (no event: before the start). */
export interface ReplayStep {
  view: DebateView;
  event: DebateEvent | null;
}

/**
 * A debate step by step as one seat saw it: the seat's view (replay mode: no deadlines,
 * no legal actions) after every event that changed it, starting with the view before
 * the start. An event a seat could not see leaves no step, so the steps of a judge tell
 * nothing of when a hidden speech arrived.
 */
export function seatSteps(header: DebateHeader, events: readonly DebateEvent[], seat: Seat): DebateView[] {
  const steps: DebateView[] = [];
  let last = '';
  replay(header, events, (state) => {
    const view = viewFor(state, seat, { mode: 'replay' });
    const key = JSON.stringify(view);
    if (key !== last) steps.push(view);
    last = key;
  });
  return steps;
}

/** The debate step by step with everything shown (the full view before the start and after every event). */
export function fullSteps(header: DebateHeader, events: readonly DebateEvent[]): ReplayStep[] {
  const steps: ReplayStep[] = [{ view: viewFor(initialState(header), 'observer', { mode: 'full' }), event: null }];
  replay(header, events, (state, event) => steps.push({ view: viewFor(state, 'observer', { mode: 'full' }), event }));
  return steps;
}
