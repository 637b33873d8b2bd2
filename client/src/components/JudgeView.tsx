import type { DebateView, LegalAction } from '@arena/shared';
import type { DebateRoomState } from '../room.ts';
import { Answers, QuoteList, Rounds, VerdictBox } from './common.tsx';
import { JudgePanel } from './JudgePanel.tsx';
import { Passage } from './Passage.tsx';
import { ImageEvidence } from './PixelGrid.tsx';

/** What the judge sees (and, read-only, an observer): no passage, only quotes; the passage itself only under an expert-judge protocol. */
export function JudgeView({ view, room }: { view: DebateView; room?: DebateRoomState }) {
  const legal = view.legal.find((l): l is Extract<LegalAction, { type: 'judge' }> => l.type === 'judge');
  const last = [...view.rounds].reverse().find((r) => r.judge)?.judge;
  return (
    <div className="judge-layout">
      <div className="judge-main">
        <Answers view={view} chosen={view.verdict?.probabilities ?? last?.probabilities} />
        <VerdictBox view={view} announce={!!room} />
        <h3>The debate</h3>
        <Rounds view={view} />
        {room && view.role === 'judge' && view.status === 'running' && legal && <JudgePanel view={view} legal={legal} pending={room.pending} onAct={room.send} />}
      </div>
      {view.evidenceKind === 'image' ? (
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
      ) : view.passage ? (
        <aside className="judge-aside" aria-label="The passage">
          <h3>The passage</h3>
          <p className="muted small">This protocol lets the judge read the passage itself.</p>
          <Passage text={view.passage.text} highlights={view.quotes.map((q) => q.span)} />
        </aside>
      ) : (
        <aside className="judge-aside" aria-label="Evidence quoted so far">
          <h3>Quoted evidence</h3>
          <p className="muted small">Verified quotes, in passage order. The rest of the passage is hidden from the judge.</p>
          <QuoteList view={view} />
        </aside>
      )}
    </div>
  );
}
