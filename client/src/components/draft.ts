/** A speech draft's blocks: typed text and verified quote chips (token spans of the passage). */
export type DraftSegment = { kind: 'text'; text: string } | { kind: 'quote'; span: [number, number] };

/**
 * Puts a quote where the caret is (or, with no caret, after the last text), with a space
 * on either side where the text has none, so the speech never runs into the quote. The
 * caret moves past the quote, so quotes taken one after another stay in order.
 */
export function insertQuote(segments: DraftSegment[], caret: { block: number; at: number } | null, span: [number, number]): { segments: DraftSegment[]; caret: { block: number; at: number } } {
  const lastText = segments.map((s, i) => (s.kind === 'text' ? i : -1)).filter((i) => i >= 0).pop();
  const block = caret && segments[caret.block]?.kind === 'text' ? caret.block : lastText;
  if (block === undefined) return { segments: [...segments, { kind: 'quote', span }, { kind: 'text', text: ' ' }], caret: { block: segments.length + 1, at: 1 } };
  const text = (segments[block] as { kind: 'text'; text: string }).text;
  const at = caret && caret.block === block ? Math.min(caret.at, text.length) : text.length;
  const before = text.slice(0, at);
  const after = text.slice(at);
  const spacedAfter = /^\s/.test(after) ? after : ` ${after}`;
  return {
    segments: [
      ...segments.slice(0, block),
      { kind: 'text', text: before && !/\s$/.test(before) ? `${before} ` : before },
      { kind: 'quote', span },
      { kind: 'text', text: spacedAfter },
      ...segments.slice(block + 1),
    ],
    caret: { block: block + 2, at: 1 },
  };
}
