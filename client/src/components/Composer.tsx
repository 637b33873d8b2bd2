import { useEffect, useMemo, useRef, useState } from 'react';
import { passageIndex, spanText, type ClientAction, type SegmentInput } from '@arena/shared';
import { store } from '../storage.ts';
import { insertQuote, type DraftSegment } from './draft.ts';

export type { DraftSegment };

interface Draft {
  segments: DraftSegment[];
}

const EMPTY: DraftSegment[] = [{ kind: 'text', text: '' }];

/** Merges neighbouring text blocks and keeps a text block at the end to type into. */
function normalize(segments: DraftSegment[]): DraftSegment[] {
  const out: DraftSegment[] = [];
  for (const s of segments) {
    const last = out[out.length - 1];
    if (s.kind === 'text' && last?.kind === 'text') out[out.length - 1] = { kind: 'text', text: last.text + s.text };
    else out.push(s);
  }
  if (out[out.length - 1]?.kind !== 'text') out.push({ kind: 'text', text: '' });
  return out;
}

/**
 * The debater's speech draft: text blocks and verified quote chips, with live
 * counters against the limits. It lives in localStorage, so a reload keeps it.
 */
export function useDraft(key: string) {
  const [segments, setSegmentsState] = useState<DraftSegment[]>(() => normalize(store.get<Draft>(key)?.segments ?? EMPTY));
  const setSegments = (next: DraftSegment[]) => {
    const n = normalize(next);
    setSegmentsState(n);
    store.set(key, { segments: n });
  };
  return { segments, setSegments, clear: () => setSegments(EMPTY) };
}

export function Composer({
  passage,
  segments,
  setSegments,
  maxChars,
  maxQuoteChars,
  canSubmit,
  pending,
  onSubmit,
  insertRef,
  label = 'Submit speech',
}: {
  passage: string;
  segments: DraftSegment[];
  setSegments: (s: DraftSegment[]) => void;
  maxChars: number;
  maxQuoteChars: number;
  canSubmit: boolean;
  pending: boolean;
  onSubmit: (action: ClientAction) => void;
  /** Filled with the function that inserts a quote at the last caret position. */
  insertRef: { current: ((span: [number, number]) => void) | null };
  /** The submit button's words (a cross-examination answer is written here too). */
  label?: string;
}) {
  const index = useMemo(() => passageIndex(passage), [passage]);
  const caret = useRef<{ block: number; at: number } | null>(null);
  const textOf = (s: DraftSegment) => (s.kind === 'text' ? s.text : spanText(index, s.span[0], s.span[1]));
  const chars = segments.reduce((n, s) => n + textOf(s).length, 0);
  const quoteChars = segments.reduce((n, s) => n + (s.kind === 'quote' ? textOf(s).length : 0), 0);
  const empty = segments.every((s) => s.kind === 'text' && !s.text.trim());
  const over = chars > maxChars || quoteChars > maxQuoteChars;

  useEffect(() => {
    insertRef.current = (span) => {
      const { segments: next, caret: after } = insertQuote(segments, caret.current, span);
      caret.current = after;
      setSegments(next);
    };
    return () => {
      insertRef.current = null;
    };
  });

  const submit = () => {
    const out: SegmentInput[] = [];
    for (const s of normalize(segments)) {
      if (s.kind === 'quote') out.push({ quote: s.span });
      else if (s.text) out.push({ text: s.text });
    }
    onSubmit({ type: 'speech', segments: out });
  };

  return (
    <section className="composer" aria-label="Your speech">
      <div className="draft" data-testid="draft">
        {segments.map((s, i) =>
          s.kind === 'text' ? (
            <textarea
              key={i}
              aria-label={i === 0 ? 'Your speech' : 'Your speech, continued'}
              className="draft-text"
              value={s.text}
              rows={Math.max(2, Math.ceil(s.text.length / 60) + (s.text.match(/\n/g)?.length ?? 0))}
              placeholder={i === 0 ? 'Argue for your answer. Select passage text to quote it as verified evidence.' : ''}
              onChange={(e) => {
                const next = [...segments];
                next[i] = { kind: 'text', text: e.target.value };
                caret.current = { block: i, at: e.target.selectionStart };
                setSegments(next);
              }}
              onSelect={(e) => {
                caret.current = { block: i, at: e.currentTarget.selectionStart };
              }}
            />
          ) : (
            <div key={i} className="chip" data-testid="quote-chip">
              <mark className="quote">“{textOf(s)}”</mark>
              <button
                type="button"
                className="icon"
                aria-label={`Remove quote: ${textOf(s).slice(0, 40)}`}
                onClick={() => setSegments(segments.filter((_, j) => j !== i))}
              >
                ×
              </button>
            </div>
          ),
        )}
      </div>
      <div className="composer-foot">
        <span className={`counter${chars > maxChars ? ' bad' : ''}`} data-testid="char-count">
          {chars}/{maxChars} characters
        </span>
        <span className={`counter${quoteChars > maxQuoteChars ? ' bad' : ''}`} data-testid="quote-count">
          {quoteChars}/{maxQuoteChars} quoted
        </span>
        <button type="button" className="primary" onClick={submit} disabled={!canSubmit || empty || over || pending}>
          {pending ? 'Sending…' : label}
        </button>
      </div>
      {over && (
        <p className="bad small" role="alert">
          Over the limit: shorten the speech or remove a quote.
        </p>
      )}
    </section>
  );
}
