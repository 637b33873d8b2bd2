/**
 * A seat's turn as chat messages: the prompt the LLM agents send for that view (the same
 * templates and rendering, agents/llm/prompts.ts) and the reply that yields the action
 * taken, in the format those templates ask for. The chat fine-tuning, preference and
 * evaluation exports all use it.
 */
import { answerLabel, segmentText, type Action, type LegalAction, type Segment } from '@arena/shared';
import { buildPrompt, crossInstruction } from '../agents/llm/prompts.ts';
import type { SeatTurn } from './seat-turns.ts';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A recorded speech as a model would have written it: its words, quotes in <quote> tags. */
export function speechText(segments: readonly Segment[]): string {
  return segments
    .map((g) => (g.kind === 'quote' ? `<quote>${g.text}</quote>` : segmentText(g)))
    .join('')
    .trim();
}

/** The reply that gives this action, as the prompt templates ask for it (a speech, or JSON). */
export function replyText(action: Action, segments?: readonly Segment[]): string {
  switch (action.type) {
    case 'speech':
      return action.text !== undefined ? action.text : speechText(segments ?? []);
    case 'judge': {
      const probabilities = Object.fromEntries(action.probabilities.map((p, i) => [answerLabel(i), p]));
      return JSON.stringify({ probabilities, end: action.end, ...(action.comment ? { comment: action.comment } : {}) });
    }
    case 'choose':
      return JSON.stringify({ answer: answerLabel(action.answer) });
    case 'question':
      return action.text;
    case 'answer':
      return action.text !== undefined ? action.text : speechText(segments ?? []);
    default:
      throw new Error(`no reply gives a ${action.type} action`);
  }
}

/**
 * The system and user messages of the turn's prompt (`promptsDir`: the agents' own copies
 * of the templates); a cross-examination turn's ends with what it asks in place of a
 * speech, the question to write or the one to answer, as the LLM debater sends it.
 */
export function promptMessages(turn: Pick<SeatTurn, 'view'>, promptsDir?: string): ChatMessage[] {
  const p = buildPrompt(turn.view, undefined, promptsDir);
  const cross = turn.view.role === 'judge' ? undefined : turn.view.legal.find((l): l is Extract<LegalAction, { type: 'question' | 'answer' }> => l.type === 'question' || l.type === 'answer');
  return [
    { role: 'system', content: p.system },
    { role: 'user', content: cross ? `${p.user}\n\n${crossInstruction(cross)}` : p.user },
  ];
}

/** The whole exchange of a turn: the prompt, then the reply that gave the action taken. */
export function turnMessages(turn: SeatTurn, promptsDir?: string): ChatMessage[] {
  return [...promptMessages(turn, promptsDir), { role: 'assistant', content: replyText(turn.event.action, turn.segments) }];
}
