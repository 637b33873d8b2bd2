import { useCallback, useEffect, useRef, type ClipboardEvent } from 'react';

/** What the item's page reports since its last report: paste events, ms the page was hidden, ms it was out of focus. */
export interface Signals {
  pastes: number;
  hiddenMs: number;
  blurMs: number;
}

const REPORT_MS = 5000;

/**
 * Watches the item's page for what panels' authenticity checks look at: pastes (stopped when
 * `blockPaste`, counted either way), time hidden, time out of focus. Reports what changed
 * every few seconds and when the item's page closes. Returns the page's paste handler.
 */
export function useIntegritySignals(blockPaste: boolean, report: (s: Signals) => void): (e: ClipboardEvent) => void {
  const pending = useRef<Signals>({ pastes: 0, hiddenMs: 0, blurMs: 0 });
  const since = useRef<{ hidden: number | null; blurred: number | null }>({ hidden: null, blurred: null });
  const reportRef = useRef(report);
  reportRef.current = report;

  useEffect(() => {
    const now = () => Date.now();
    const onVisibility = () => {
      if (document.hidden) since.current.hidden = now();
      else if (since.current.hidden !== null) {
        pending.current.hiddenMs += now() - since.current.hidden;
        since.current.hidden = null;
      }
    };
    const onBlur = () => (since.current.blurred = now());
    const onFocus = () => {
      if (since.current.blurred === null) return;
      pending.current.blurMs += now() - since.current.blurred;
      since.current.blurred = null;
    };
    const flush = () => {
      // Time still running (hidden or out of focus right now) is counted up to this report.
      const t = now();
      if (since.current.hidden !== null) (pending.current.hiddenMs += t - since.current.hidden), (since.current.hidden = t);
      if (since.current.blurred !== null) (pending.current.blurMs += t - since.current.blurred), (since.current.blurred = t);
      const s = pending.current;
      if (s.pastes || s.hiddenMs || s.blurMs) reportRef.current({ pastes: s.pastes, hiddenMs: Math.round(s.hiddenMs), blurMs: Math.round(s.blurMs) });
      pending.current = { pastes: 0, hiddenMs: 0, blurMs: 0 };
    };
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('blur', onBlur);
    window.addEventListener('focus', onFocus);
    const timer = setInterval(flush, REPORT_MS);
    return () => {
      flush();
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('blur', onBlur);
      window.removeEventListener('focus', onFocus);
    };
  }, []);

  return useCallback(
    (e: ClipboardEvent) => {
      pending.current.pastes++;
      if (blockPaste) e.preventDefault();
    },
    [blockPaste],
  );
}
