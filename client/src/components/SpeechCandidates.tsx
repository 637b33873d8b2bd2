import type { DebateEvent } from '@arena/shared';
import { fmt, seatName } from './common.tsx';

/** One speech an LLM debater wrote in a turn, as its event's meta keeps it (best-of-N drafts, critique-and-refine). */
interface Candidate {
  stage: 'draft' | 'refined';
  round: number;
  text: string;
  score: number | null;
  critique?: string;
}

/**
 * The candidates kept in an event's meta (an LLM agent's), or in the meta a remote agent
 * reported (kept under `remote`) in the same shape; read defensively (meta is free-form data).
 */
function candidatesOf(event: DebateEvent): { candidates: Candidate[]; chosen: number } | null {
  const remote = event.meta?.['remote'];
  const meta = Array.isArray(event.meta?.['candidates']) ? event.meta : remote && typeof remote === 'object' ? (remote as Record<string, unknown>) : undefined;
  const raw = meta?.['candidates'];
  if (!Array.isArray(raw)) return null;
  const candidates = raw.flatMap((c): Candidate[] => {
    if (!c || typeof c !== 'object') return [];
    const o = c as Record<string, unknown>;
    if ((o.stage !== 'draft' && o.stage !== 'refined') || typeof o.text !== 'string') return [];
    return [{ stage: o.stage, round: typeof o.round === 'number' ? o.round : 0, text: o.text, score: typeof o.score === 'number' ? o.score : null, ...(typeof o.critique === 'string' ? { critique: o.critique } : {}) }];
  });
  const chosen = meta?.['chosenCandidate'];
  return candidates.length ? { candidates, chosen: typeof chosen === 'number' ? chosen : -1 } : null;
}

/**
 * The researcher's replay ("Everything"): how each speech so far was written, for the
 * debaters that keep their drafts, critiques and candidates with scores in the event's
 * meta. The judge's replay never shows it (the judge's view holds no meta).
 */
export function SpeechCandidates({ events }: { events: readonly DebateEvent[] }) {
  const written = events.flatMap((e) => {
    const c = candidatesOf(e);
    return c ? [{ event: e, ...c }] : [];
  });
  if (written.length === 0) return null;
  return (
    <section className="speech-candidates" aria-label="How the speeches were written">
      <h3>How the speeches were written</h3>
      {written.map(({ event, candidates, chosen }) => (
        <details key={event.seq}>
          <summary>
            {seatName(event.seat)}, event #{event.seq}: {candidates.length} candidates (
            {candidates.map((c, i) => `${c.stage}${c.round ? ` ${c.round}` : ''} ${fmt(c.score)}${i === chosen ? ' given' : ''}`).join(', ')})
          </summary>
          <ol>
            {candidates.map((c, i) => (
              <li key={i} className={i === chosen ? 'given' : undefined}>
                {c.critique !== undefined && (
                  <p className="small">
                    <strong>Critique:</strong> {c.critique}
                  </p>
                )}
                <p className="small">
                  <strong>
                    {c.stage === 'draft' ? 'Draft' : `Refinement ${c.round}`}, score {fmt(c.score)}
                    {i === chosen ? ' (given)' : ''}:
                  </strong>{' '}
                  {c.text}
                </p>
              </li>
            ))}
          </ol>
        </details>
      ))}
    </section>
  );
}
