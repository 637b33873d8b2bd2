import { memo, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { findQuote, passageIndex, spanText } from '@arena/shared';

type Span = [number, number];

/**
 * The passage rendered as one <span data-i> per token, so a DOM selection maps to a
 * token span [start, end): exactly the unit the server verifies. Quoting is by
 * mouse (select, then "Quote selection") or by keyboard (type a phrase to find).
 */
export function Passage({
  text,
  highlights,
  onQuote,
}: {
  text: string;
  /** Spans to mark (quotes already used in the debate or the draft). */
  highlights: Span[];
  /** When given, the passage is quotable. */
  onQuote?: ((span: Span) => void) | undefined;
}) {
  const index = useMemo(() => passageIndex(text), [text]);
  const rootRef = useRef<HTMLDivElement>(null);
  const [selected, setSelected] = useState<Span | null>(null);
  const [find, setFind] = useState('');
  const [findError, setFindError] = useState<string | null>(null);

  useEffect(() => {
    if (!onQuote) return;
    const update = () => {
      const root = rootRef.current;
      const sel = document.getSelection();
      if (!root || !sel || sel.rangeCount === 0 || sel.isCollapsed) return setSelected(null);
      const range = sel.getRangeAt(0);
      if (!root.contains(range.commonAncestorContainer)) return setSelected(null);
      setSelected(selectionToSpan(root, range));
    };
    document.addEventListener('selectionchange', update);
    return () => document.removeEventListener('selectionchange', update);
  }, [onQuote]);

  const marked = useMemo(() => {
    const set = new Set<number>();
    for (const [s, e] of highlights) for (let i = s; i < e; i++) set.add(i);
    return set;
  }, [highlights]);

  const quoteSelection = () => {
    if (!selected || !onQuote) return;
    onQuote(selected);
    document.getSelection()?.removeAllRanges();
    setSelected(null);
  };

  const quoteFound = (e: FormEvent) => {
    e.preventDefault();
    if (!onQuote) return;
    const span = findQuote(index, find);
    if (!span) {
      setFindError('Not found in the passage (whole words only).');
      return;
    }
    onQuote(span);
    setFind('');
    setFindError(null);
  };

  return (
    <section className="passage-wrap" aria-label="The passage (only debaters see it)">
      {onQuote && (
        <div className="quote-tools">
          <button type="button" className="primary" disabled={!selected} onClick={quoteSelection} data-testid="quote-selection">
            {selected ? `Quote selection (${spanText(index, selected[0], selected[1]).length} chars)` : 'Select passage text to quote'}
          </button>
          <form onSubmit={quoteFound} className="find">
            <label className="sr-only" htmlFor="find-quote">
              Find a phrase in the passage to quote
            </label>
            <input
              id="find-quote"
              value={find}
              onChange={(e) => {
                setFind(e.target.value);
                setFindError(null);
              }}
              placeholder="…or type a phrase and press Enter"
              aria-describedby={findError ? 'find-error' : undefined}
            />
          </form>
          {findError && (
            <span id="find-error" className="bad small" role="alert">
              {findError}
            </span>
          )}
        </div>
      )}
      <div className="passage" ref={rootRef} tabIndex={0} aria-label="Passage text" data-testid="passage">
        <Tokens text={text} tokens={index.tokens} marked={marked} />
      </div>
    </section>
  );
}

/** The token spans; memoised, since a long passage has thousands. */
const Tokens = memo(function Tokens({ text, tokens, marked }: { text: string; tokens: { start: number; end: number }[]; marked: Set<number> }) {
  const out: (string | React.JSX.Element)[] = [];
  let at = 0;
  tokens.forEach((t, i) => {
    // The gap inside a highlighted run is highlighted too, so a quote reads as one mark.
    if (t.start > at) out.push(marked.has(i - 1) && marked.has(i) ? <span key={`g${i}`} className="hl">{text.slice(at, t.start)}</span> : text.slice(at, t.start));
    out.push(
      <span key={i} data-i={i} className={marked.has(i) ? 'hl' : undefined}>
        {text.slice(t.start, t.end)}
      </span>,
    );
    at = t.end;
  });
  if (at < text.length) out.push(text.slice(at));
  return <>{out}</>;
});

/** The tokens a DOM range touches, as [first, last + 1); null when it touches none. */
export function selectionToSpan(root: HTMLElement, range: Range): Span | null {
  let first = -1;
  let last = -1;
  for (const el of root.querySelectorAll<HTMLElement>('span[data-i]')) {
    const node = el.firstChild ?? el;
    if (!range.intersectsNode(node)) continue;
    const len = node.textContent?.length ?? 0;
    // A range that starts at the very end of a token, or ends at its very start, does not take it.
    if (range.startContainer === node && range.startOffset >= len) continue;
    if (range.endContainer === node && range.endOffset === 0) continue;
    const i = Number(el.dataset.i);
    if (first < 0) first = i;
    last = i;
  }
  return first < 0 ? null : [first, last + 1];
}
