/**
 * The turns of a stored debate as each seat took them: for every speech, choice,
 * judgement and cross-examination question or answer, the view an agent in that seat
 * acts from just before it (the engine's `agentViewFor`: the live view, with the legal
 * actions the seat had, except for an answer, which is given from the view as it was
 * when the cross-examination opened, with the question) and what it did. Pure: a
 * transcript in, turns out.
 */
import { agentViewFor, apply, initialState, sidesOf, type DebateEvent, type DebateHeader, type DebateState, type DebateView, type DebaterSeat, type Segment, type TranscriptRecord } from '@arena/shared';

export type SeatTurnAction = 'speech' | 'judge' | 'choose' | 'question' | 'answer';

export interface SeatTurn {
  /** 0-based index of the event in the transcript. */
  index: number;
  event: DebateEvent;
  seat: 'judge' | DebaterSeat;
  /** What the seat saw when it acted. */
  view: DebateView;
  /** A speech or an answer as recorded (quotes resolved against the evidence). */
  segments?: Segment[];
}

const ACTIONS = new Set<string>(['speech', 'judge', 'choose', 'question', 'answer'] satisfies SeatTurnAction[]);

/** The passage debates' turns; image debates (pixel reveals) have no chat prompt and give none. */
export function hasChatPrompts(r: Pick<TranscriptRecord, 'header'>): boolean {
  return r.header.scenario.evidence.kind === 'passage';
}

/** The segments of `seat`'s latest speech in a state (the one the event just made; a cross-examination's answers are its round's speeches). */
function latestSpeech(state: DebateState, seat: DebaterSeat): Segment[] | undefined {
  for (let i = state.rounds.length - 1; i >= 0; i--) {
    const s = state.rounds[i]?.speeches.find((x) => x.seat === seat);
    if (s) return s.segments;
  }
  return undefined;
}

/** A debate's seated turns and where they led. */
export interface DebateTurns {
  turns: SeatTurn[];
  /** The state after the last event the engine accepted. */
  state: DebateState;
  /** Which shown answer each debater argued (open protocols: as the protagonist chose). */
  sides: Partial<Record<DebaterSeat, number>>;
}

export interface DebateTurnsOptions {
  /**
   * A fork's first events are its parent's, copied (`header.parent.at` of them): they are
   * the parent's turns, taken by the parent's seats, and the parent's own export has them.
   * Left out unless this is set (the fork's state and views still replay them).
   */
  inherited?: boolean;
}

/**
 * Every seated turn of a transcript (speeches, choices, judgements, questions and
 * answers), in order, each with the seat's view before it; a fork's, from the first event
 * that is its own (see `inherited`). Stops quietly at an event the engine refuses (a
 * damaged transcript gives the turns before it).
 */
export function debateTurns(r: Pick<TranscriptRecord, 'header' | 'events'>, opts: DebateTurnsOptions = {}): DebateTurns {
  let state = initialState(r.header as DebateHeader);
  const turns: SeatTurn[] = [];
  const first = opts.inherited ? 0 : (r.header.parent?.at ?? 0);
  for (const [index, event] of r.events.entries()) {
    const acting = index >= first && ACTIONS.has(event.action.type) && event.seat !== 'system' && event.seat !== 'observer';
    // The events so far are the state's history: an answer's view replays the ones before its round opened.
    const view = acting ? agentViewFor(state, r.events, event.seat as 'judge' | DebaterSeat) : null;
    const result = apply(state, event.action, event.seat, event.at);
    if (!result.ok) break;
    state = result.state;
    if (!view) continue;
    const seat = event.seat as 'judge' | DebaterSeat;
    const spoken = (event.action.type === 'speech' || event.action.type === 'answer') && seat !== 'judge';
    turns.push({ index, event, seat, view, ...(spoken ? { segments: latestSpeech(state, seat) } : {}) });
  }
  return { turns, state, sides: sidesOf(state) ?? r.header.assignment.debaters };
}
