import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { DebateView, LegalAction, SegmentInput } from '@arena/shared';
import type { DebateRoomState } from '../room.ts';
import { Answers, Rounds } from '../components/common.tsx';
import { VerdictBox } from '../components/VerdictBox.tsx';
import { ImageEvidence, imageValues, PixelGrid, pixelName, RevealLegend } from '../components/PixelGrid.tsx';
import type { EvidenceUi } from './ui.ts';
import { EVIDENCE_WORDS } from './words.ts';

/**
 * A debater's page for image evidence: the whole picture, the reveals so far marked by
 * colour, and on its turn a pixel to pick (click, or arrow keys and Enter) with an
 * optional short message, sent as {type: 'speech', segments: [{reveal}, {text}]}.
 */
function PixelDebaterView({ view, room }: { view: DebateView; room: DebateRoomState }) {
  const width = view.image?.width ?? 28;
  const height = view.image?.height ?? 28;
  const values = useMemo(() => (view.image ? imageValues(view.image) : []), [view.image]);
  const legal = view.legal.find((l): l is Extract<LegalAction, { type: 'speech' }> => l.type === 'speech');
  const own = view.debaters.find((d) => d.seat === view.seat)?.answerIndex;
  const [picked, setPicked] = useState<number | null>(null);
  const [text, setText] = useState('');
  const [hint, setHint] = useState<string | null>(null);
  const sentRound = useRef<number | null>(null);
  const maxChars = legal?.maxChars ?? view.rules.speechChars;

  // Once our speech is in the view, the draft is done.
  useEffect(() => {
    const r = sentRound.current;
    if (r !== null && view.rounds[r]?.speeches.some((s) => s.seat === view.seat)) {
      sentRound.current = null;
      setPicked(null);
      setText('');
    }
  });
  // A pixel the opponent has just revealed cannot be picked any more.
  useEffect(() => {
    if (picked !== null && view.reveals.some((r) => r.index === picked)) setPicked(null);
  }, [view.reveals, picked]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!legal) return;
    if (picked === null && !text.trim()) {
      setHint('Pick an inked pixel to reveal (or write a message).');
      return;
    }
    const segments: SegmentInput[] = [];
    if (picked !== null) segments.push({ reveal: picked });
    if (text.trim()) segments.push({ text: picked !== null ? ` ${text.trim()}` : text.trim() });
    sentRound.current = view.turn?.round ?? null;
    setHint(null);
    room.send({ type: 'speech', segments });
  };

  const revealsLeft = view.rules.revealsPerSpeech;
  return (
    <div className="debater-layout pixel-layout">
      <div className="pixel-main">
        <PixelGrid
          width={width}
          height={height}
          values={values}
          reveals={view.reveals}
          selected={picked}
          onSelect={(i) => {
            if (legal && view.status === 'running') {
              setPicked(i);
              setHint(null);
            } else setHint(view.status === 'running' ? 'Wait for your turn to pick a pixel.' : 'The debate is over.');
          }}
          label={`The digit, ${width} by ${height} pixels. Arrow keys move, Enter picks an inked pixel to reveal.`}
        />
        <RevealLegend view={view} />
      </div>
      <div className="debate-side">
        <Answers view={view} own={own} />
        <p className="muted small">
          You argue that it is a <strong>{own !== undefined ? view.answers[own] : '—'}</strong>. The judge cannot see the image: only the pixels revealed, {revealsLeft} a turn.
        </p>
        <VerdictBox view={view} announce />
        {view.status !== 'finished' && (
          <form className="composer pixel-composer" onSubmit={submit} aria-label="Your move">
            <p aria-live="polite" data-testid="picked">
              {picked === null ? (legal ? 'No pixel picked yet: click an inked pixel, or use the arrow keys and Enter.' : 'Waiting for the other side.') : <>Reveal pixel {pixelName(picked, width)} (ink {Math.round((values[picked] ?? 0) * 100)}%).</>}
            </p>
            <label htmlFor="pixel-message">Message (optional)</label>
            <input id="pixel-message" value={text} maxLength={maxChars} onChange={(e) => setText(e.target.value)} placeholder="e.g. this stroke closes the loop of an 8" />
            <p className="muted small">
              {text.length}/{maxChars} characters
            </p>
            {hint && <p className="error small">{hint}</p>}
            <button type="submit" className="primary" disabled={!legal || room.pending}>
              {room.pending ? 'Sending…' : picked !== null ? 'Reveal and send' : 'Send'}
            </button>
          </form>
        )}
        <h3>The debate</h3>
        <Rounds view={view} ownSeat={view.seat} />
      </div>
    </div>
  );
}

/** The judge sees only the revealed pixels; the whole image under an expert-judge protocol or once the debate is over. */
function ImageJudgeAside({ view }: { view: DebateView }) {
  return (
    <aside className="judge-aside" aria-label="Pixels revealed so far">
      <h3>{view.image ? 'The image' : 'Revealed pixels'}</h3>
      <p className="muted small">
        {view.image && view.rules.judgeSeesEvidence
          ? 'You see the whole image: this protocol lets the judge see the evidence.'
          : view.image
          ? 'The debate is over: the whole image, with the revealed pixels marked.'
          : 'Only the pixels the debaters revealed; the rest of the image is hidden from the judge.'}
      </p>
      <ImageEvidence view={view} />
    </aside>
  );
}

/** Images: debaters reveal pixels, the judge sees the revealed ones. */
export const imageUi: EvidenceUi = {
  ...EVIDENCE_WORDS.image,
  Debater: PixelDebaterView,
  JudgeAside: ImageJudgeAside,
  FullEvidence: ({ view }) =>
    view.image ? (
      <div className="pixel-main">
        <ImageEvidence view={view} />
      </div>
    ) : null,
  FullSide: () => null,
};
