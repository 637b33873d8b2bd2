/**
 * One naming of answers and seats everywhere (the page, the built-in and LLM agents, the
 * prompts, the transcript and the exports): answers by their position in the debate's shown
 * order, numbered from 1; seats lettered (debater A, B, …). So "debater C argues answer 1"
 * reads the same on every surface.
 */

/** The label of the answer at shown position `position` ("1" for 0). */
export function answerLabel(position: number): string {
  return String(position + 1);
}

/** The shown position an answer label names ("1" → 0), or -1 when it names none of `answers`. */
export function answerPosition(label: string, answers: number): number {
  const n = Number(label.trim());
  return Number.isInteger(n) && n >= 1 && n <= answers ? n - 1 : -1;
}
