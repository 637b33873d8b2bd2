import type { DebateView, LegalAction } from '@arena/shared';
import type { DebateRoomState } from '../room.ts';
import { evidenceUi } from '../evidence/index.ts';
import { Answers, Rounds } from './common.tsx';
import { VerdictBox } from './VerdictBox.tsx';
import { JudgePanel } from './JudgePanel.tsx';

/** What the judge sees (and, read-only, an observer): the rounds, its judgement, and beside them what its evidence kind lets it see (client/src/evidence). */
export function JudgeView({ view, room }: { view: DebateView; room?: DebateRoomState }) {
  const legal = view.legal.find((l): l is Extract<LegalAction, { type: 'judge' }> => l.type === 'judge');
  const last = [...view.rounds].reverse().find((r) => r.judge)?.judge;
  const Aside = evidenceUi(view.evidenceKind).JudgeAside;
  return (
    <div className="judge-layout">
      <div className="judge-main">
        <Answers view={view} chosen={view.verdict?.probabilities ?? last?.probabilities} />
        <VerdictBox view={view} announce={!!room} />
        <h3>The debate</h3>
        <Rounds view={view} />
        {room && view.role === 'judge' && view.status === 'running' && legal && <JudgePanel view={view} legal={legal} pending={room.pending} onAct={room.send} />}
      </div>
      <Aside view={view} />
    </div>
  );
}
