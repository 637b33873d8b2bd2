/**
 * Supervised fine-tuning rows: per seated turn (a debater's speech, choice, or
 * cross-examination question or answer, a judge's judgement), the chat messages the seat saw, as the LLM agents' prompt, and the reply
 * that gave its action, in the chat fine-tuning JSON Lines format that OpenAI-compatible
 * trainers read (`{"messages": [...]}`), with an optional `metadata` object naming where
 * each row comes from.
 */
import { answerLabel, judgedCorrect, type DebaterSeat, type TranscriptRecord } from '@arena/shared';
import { turnMessages, type ChatMessage } from './chat.ts';
import { debateTurns, hasChatPrompts, type SeatTurn, type SeatTurnAction } from './seat-turns.ts';

export interface SftOptions {
  /** Only this role's turns. */
  role?: 'debater' | 'judge';
  /** Only the turns of seats that won: a debater whose answer got strictly the most final probability, a judge whose verdict was correct. */
  winners?: boolean;
  /** Only debaters arguing the correct answer (judges have no side and are kept; `role` leaves them out). */
  honest?: boolean;
  /** Only the turns of seats played by this agent id ("human" for people). */
  seatAgent?: string;
  /** The agents' own copies of the prompt templates. */
  promptsDir?: string;
  /** Add a `metadata` object to each row. */
  metadata?: boolean;
}

/** Where an exported turn comes from. */
export interface TurnMetadata {
  debate_id: string;
  /** 0-based index of the event in the transcript. */
  event: number;
  seat: string;
  role: 'debater' | 'judge';
  /** The seat's agent id, or "human". */
  agent: string;
  action: SeatTurnAction;
  preset: string;
  scenario_id: string;
  /** The answer the seat argued (1-based, as shown); null for a judge or before an open protocol's choice. */
  answer: string | null;
  correct_answer: string;
  /** A debater argued the correct answer (null for a judge). */
  honest: boolean | null;
  /** As `winners` defines it; null when the debate has no verdict. */
  won: boolean | null;
}

export interface SftRow {
  messages: ChatMessage[];
  metadata?: TurnMetadata;
}

/** Who plays a seat, as reports name it. */
export function seatAgent(r: Pick<TranscriptRecord, 'header'>, seat: string): string {
  const cfg = r.header.seats[seat as DebaterSeat];
  return cfg?.kind === 'agent' ? (cfg.agent ?? 'agent') : 'human';
}

/** The metadata of a turn of a debate whose debaters argued `sides`. */
export function turnMetadata(r: TranscriptRecord, turn: SeatTurn, sides: Partial<Record<DebaterSeat, number>>): TurnMetadata {
  const correct = r.header.assignment.correctIndex;
  const judge = turn.seat === 'judge';
  const side = judge ? undefined : sides[turn.seat as DebaterSeat];
  const final = r.status === 'finished' && r.verdict ? r.verdict.probabilities : null;
  return {
    debate_id: r.header.id,
    event: turn.index,
    seat: turn.seat,
    role: judge ? 'judge' : 'debater',
    agent: seatAgent(r, turn.seat),
    action: turn.event.action.type as TurnMetadata['action'],
    preset: r.header.rules.preset,
    scenario_id: r.header.scenario.id,
    answer: side === undefined ? null : answerLabel(side),
    correct_answer: answerLabel(correct),
    honest: judge ? null : side === undefined ? null : side === correct,
    won: final === null ? null : judge ? judgedCorrect(final, correct) : side === undefined ? false : judgedCorrect(final, side),
  };
}

function kept(m: TurnMetadata, opts: SftOptions): boolean {
  if (opts.role && m.role !== opts.role) return false;
  if (opts.winners && m.won !== true) return false;
  if (opts.honest && m.role === 'debater' && m.honest !== true) return false;
  if (opts.seatAgent && m.agent !== opts.seatAgent) return false;
  return true;
}

/** The rows of one debate (none for image debates, which have no chat prompt). */
export function sftRows(r: TranscriptRecord, opts: SftOptions = {}): SftRow[] {
  if (!hasChatPrompts(r)) return [];
  const { turns, sides } = debateTurns(r);
  const rows: SftRow[] = [];
  for (const turn of turns) {
    const metadata = turnMetadata(r, turn, sides);
    if (!kept(metadata, opts)) continue;
    rows.push({ messages: turnMessages(turn, opts.promptsDir), ...(opts.metadata ? { metadata } : {}) });
  }
  return rows;
}
