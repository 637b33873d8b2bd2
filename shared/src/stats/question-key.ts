/**
 * Question identity: two debates are about "the same question" when they share the story
 * and the question, after normalising case, punctuation and spacing. Pairing protocols
 * over common questions, exposure rules and the clustering of intervals all use this key.
 */

/** Lower case, letters and digits only, single spaces (accents folded). */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The key of a question about a story: `<story>::<question>`, both normalised. */
export function questionKey(story: string, question: string): string {
  return `${normaliseText(story)}::${normaliseText(question)}`;
}

/**
 * The question key of a debate: the one recorded in `header.meta.questionKey` when there
 * is one (imports record theirs), else computed from the scenario's title and question.
 */
export function questionKeyOf(header: { scenario: { title: string; question: string }; meta?: Record<string, unknown> | undefined }): string {
  const recorded = header.meta?.['questionKey'];
  return typeof recorded === 'string' && recorded ? recorded : questionKey(header.scenario.title, header.scenario.question);
}
