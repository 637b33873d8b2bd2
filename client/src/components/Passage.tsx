import { memo, useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
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

  // What the keyboard did, for the polite status under the tools (debounced: said once the keys pause).
  const [status, setStatus] = useState('');
  const [said, setSaid] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setSaid(status), 350);
    return () => clearTimeout(t);
  }, [status]);
  const keys = useRef<{ anchor: number; cursor: number } | null>(null);

  const quote = (span: Span) => {
    if (!onQuote) return;
    onQuote(span);
    setStatus(`Quoted: “${spanText(index, span[0], span[1])}”.`);
  };

  const quoteSelection = () => {
    if (!selected || !onQuote) return;
    quote(selected);
    document.getSelection()?.removeAllRanges();
    setSelected(null);
  };

  /** Keyboard selection: arrows move word by word (up and down by line), Shift extends, Enter quotes. The DOM selection is set, so it quotes exactly as the mouse would. */
  const onPassageKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const root = rootRef.current;
    if (!onQuote || !root || index.tokens.length === 0) return;
    if (e.key === 'Enter' && selected) {
      e.preventDefault();
      quoteSelection();
      return;
    }
    if (e.key === 'Escape') {
      keys.current = null;
      document.getSelection()?.removeAllRanges();
      markCaret(root, null);
      return;
    }
    const last = index.tokens.length - 1;
    const k = keys.current ?? (selected ? { anchor: selected[0], cursor: selected[1] - 1 } : { anchor: 0, cursor: -1 });
    let cursor = k.cursor;
    if (e.key === 'ArrowRight') cursor = Math.min(last, cursor + 1);
    else if (e.key === 'ArrowLeft') cursor = Math.max(0, cursor - 1);
    else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') cursor = tokenOnNextLine(root, Math.max(0, cursor), e.key === 'ArrowDown' ? 1 : -1, last);
    else if (e.key === 'Home') cursor = 0;
    else if (e.key === 'End') cursor = last;
    else return;
    e.preventDefault();
    cursor = Math.max(0, cursor);
    const anchor = e.shiftKey && k.cursor >= 0 ? k.anchor : cursor;
    keys.current = { anchor, cursor };
    const caretEl = root.querySelector<HTMLElement>(`span[data-i="${cursor}"]`);
    caretEl?.scrollIntoView({ block: 'nearest' });
    markCaret(root, caretEl);
    const sel = document.getSelection();
    if (e.shiftKey) {
      const a = root.querySelector<HTMLElement>(`span[data-i="${Math.min(anchor, cursor)}"]`);
      const b = root.querySelector<HTMLElement>(`span[data-i="${Math.max(anchor, cursor)}"]`);
      if (sel && a?.firstChild && b?.firstChild) sel.setBaseAndExtent(a.firstChild, 0, b.firstChild, b.firstChild.textContent?.length ?? 0);
      const [from, to] = [Math.min(anchor, cursor), Math.max(anchor, cursor) + 1];
      setStatus(`Selected ${to - from} ${to - from === 1 ? 'word' : 'words'}: “${spanText(index, from, to)}”. Press Enter to quote.`);
    } else {
      sel?.removeAllRanges();
      setStatus(spanText(index, cursor, cursor + 1));
    }
  };

  const quoteFound = (e: FormEvent) => {
    e.preventDefault();
    if (!onQuote) return;
    const span = findQuote(index, find);
    if (!span) {
      setFindError('Not found in the passage (whole words only).');
      return;
    }
    quote(span);
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
            <label className="find-label small" htmlFor="find-quote">
              Find a phrase in the passage to quote
            </label>
            <input
              id="find-quote"
              value={find}
              onChange={(e) => {
                setFind(e.target.value);
                setFindError(null);
              }}
              placeholder="type words from the passage, then Enter"
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
      {onQuote && (
        <>
          <p className="muted small" id="passage-keys">
            Keyboard: in the passage, arrows move word by word, Shift+arrows select, Enter quotes the selection.
          </p>
          <p className="sr-only" aria-live="polite" data-testid="passage-status">
            {said}
          </p>
        </>
      )}
      <div
        className="passage"
        ref={rootRef}
        tabIndex={0}
        role="region"
        aria-label="Passage text"
        aria-describedby={onQuote ? 'passage-keys' : undefined}
        onKeyDown={onQuote ? onPassageKey : undefined}
        data-testid="passage"
      >
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

/** Marks the keyboard's caret token (a class on the element: the thousands of token spans are not re-rendered). */
function markCaret(root: HTMLElement, el: HTMLElement | null | undefined): void {
  root.querySelector('.kbd-caret')?.classList.remove('kbd-caret');
  el?.classList.add('kbd-caret');
}

/** The token on the next (dir 1) or previous (dir −1) line nearest the caret's horizontal position. */
function tokenOnNextLine(root: HTMLElement, from: number, dir: 1 | -1, last: number): number {
  const at = (i: number) => root.querySelector<HTMLElement>(`span[data-i="${i}"]`)?.getBoundingClientRect();
  const here = at(from);
  if (!here) return from;
  const x = here.left + here.width / 2;
  let best = from;
  let lineTop: number | null = null;
  for (let i = from + dir; i >= 0 && i <= last; i += dir) {
    const r = at(i);
    if (!r) break;
    const otherLine = dir === 1 ? r.top >= here.bottom - 2 : r.bottom <= here.top + 2;
    if (!otherLine) continue;
    if (lineTop === null) lineTop = r.top;
    else if (Math.abs(r.top - lineTop) > 2) break;
    const bestRect = best === from ? null : at(best);
    if (!bestRect || Math.abs(r.left + r.width / 2 - x) < Math.abs(bestRect.left + bestRect.width / 2 - x)) best = i;
  }
  return best === from ? (dir === 1 ? last : 0) : best;
}

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
