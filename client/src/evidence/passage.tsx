import { useEffect, useMemo, useRef } from 'react';
import type { ClientAction, DebateView, LegalAction } from '@arena/shared';
import { ChoosePanel } from '../components/ChoosePanel.tsx';
import { CrossExamPanel } from '../components/CrossExamPanel.tsx';
import { Composer, useDraft } from '../components/Composer.tsx';
import { Answers, QuoteList, Rounds } from '../components/common.tsx';
import { VerdictBox } from '../components/VerdictBox.tsx';
import { Passage } from '../components/Passage.tsx';
import type { DebateRoomState } from '../room.ts';
import { draftKey } from '../storage.ts';
import type { EvidenceUi } from './ui.ts';
import { EVIDENCE_WORDS } from './words.ts';

/** A debater's seat: the passage, their answer, the rounds and the speech composer. */
function PassageDebaterView({ view, room }: { view: DebateView; room: DebateRoomState }) {
  const draft = useDraft(draftKey(view.debateId, view.seat));
  const insertRef = useRef<((span: [number, number]) => void) | null>(null);
  const submittedRound = useRef<number | null>(null);
  const own = view.debaters.find((d) => d.seat === view.seat)?.answerIndex;
  const speech = view.legal.find((l): l is Extract<LegalAction, { type: 'speech' }> => l.type === 'speech');
  // A cross-examination answer is written like a speech, under the answer's limits.
  const answer = view.legal.find((l): l is Extract<LegalAction, { type: 'answer' }> => l.type === 'answer');
  const legal = speech ?? answer;

  // Once our speech for the round we submitted is in the view, the draft is done.
  useEffect(() => {
    const r = submittedRound.current;
    if (r === null) return;
    if (view.rounds[r]?.speeches.some((s) => s.seat === view.seat)) {
      draft.clear();
      submittedRound.current = null;
    }
  });

  const highlights = useMemo(() => {
    const spans: [number, number][] = view.quotes.map((q) => q.span);
    for (const s of draft.segments) if (s.kind === 'quote') spans.push(s.span);
    return spans;
  }, [view.quotes, draft.segments]);

  const submit = (action: ClientAction) => {
    submittedRound.current = view.turn?.round ?? null;
    room.send(answer && action.type === 'speech' ? { ...action, type: 'answer' } : action);
  };

  return (
    <div className="debater-layout">
      <Passage text={view.passage?.text ?? ''} highlights={highlights} onQuote={view.status === 'finished' ? undefined : (span) => insertRef.current?.(span)} />
      <div className="debate-side">
        <ChoosePanel view={view} pending={room.pending} onChoose={room.send} />
        <Answers view={view} own={own} />
        <p className="muted small">
          {own !== undefined ? (
            <>
              You argue for <strong>{view.answers[own]?.replace(/\.$/, '')}</strong>.
            </>
          ) : (
            'Your answer is not settled yet.'
          )}{' '}
          The judge cannot see the passage: only what you quote.
        </p>
        <VerdictBox view={view} announce />
        <h3>The debate</h3>
        <Rounds view={view} ownSeat={view.seat} />
        <CrossExamPanel view={view} room={room} />
        {(view.status !== 'finished' && view.turn?.kind !== 'cross') || answer ? (
          <Composer
            passage={view.passage?.text ?? ''}
            segments={draft.segments}
            setSegments={draft.setSegments}
            maxChars={legal?.maxChars ?? view.rules.speechChars}
            maxQuoteChars={legal?.maxQuoteChars ?? view.rules.quoteChars}
            canSubmit={!!legal}
            pending={room.pending}
            onSubmit={submit}
            insertRef={insertRef}
            label={answer ? 'Submit answer' : 'Submit speech'}
          />
        ) : null}
      </div>
    </div>
  );
}

/** The judge sees only the quotes; the passage itself only under an expert-judge protocol. */
function PassageJudgeAside({ view }: { view: DebateView }) {
  if (view.passage) {
    return (
      <aside className="judge-aside" aria-label="The passage">
        <h3>The passage</h3>
        <p className="muted small">This protocol lets the judge read the passage itself.</p>
        <Passage text={view.passage.text} highlights={view.quotes.map((q) => q.span)} />
      </aside>
    );
  }
  return (
    <aside className="judge-aside" aria-label="Evidence quoted so far">
      <h3>Quoted evidence</h3>
      <p className="muted small">Verified quotes, in passage order. The rest of the passage is hidden from the judge.</p>
      <QuoteList view={view} />
    </aside>
  );
}

/** Text passages: debaters quote them, the judge reads the quotes. */
export const passageUi: EvidenceUi = {
  ...EVIDENCE_WORDS.passage,
  Debater: PassageDebaterView,
  JudgeAside: PassageJudgeAside,
  FullEvidence: ({ view }) => (view.passage ? <Passage text={view.passage.text} highlights={view.quotes.map((q) => q.span)} /> : null),
  FullSide: ({ view }) => (
    <>
      <h3>Quoted evidence</h3>
      <QuoteList view={view} />
    </>
  ),
};
