/** A piece of a recorded speech: the debater's own words, a quote of the passage, or a revealed pixel. */
export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'quote'; text: string; verified: true; span: [number, number] }
  | { kind: 'quote'; text: string; verified: false }
  | { kind: 'reveal'; index: number; value: number };

/** A segment as plain text: quotes in double quotes, reveals as [pixel i]. */
export function segmentText(seg: Segment): string {
  if (seg.kind === 'text') return seg.text;
  if (seg.kind === 'quote') return `"${seg.text}"`;
  return `[pixel ${seg.index}]`;
}
