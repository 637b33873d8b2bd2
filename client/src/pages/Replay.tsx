import { useEffect, useMemo, useState } from 'react';
import { fullSteps as engineFullSteps, type DebateEvent, type DebateView, type ForkTree, type TranscriptRecord } from '@arena/shared';
import { api } from '../api.ts';
import { Answers, ErrorBox, Loading, Rounds, seatName } from '../components/common.tsx';
import { VerdictBox } from '../components/VerdictBox.tsx';
import { JudgeView } from '../components/JudgeView.tsx';
import { ForkTreeView } from '../components/ForkTreeView.tsx';
import { SpeechCandidates } from '../components/SpeechCandidates.tsx';
import { evidenceUi } from '../evidence/index.ts';

type Mode = 'judge' | 'full';

/** The URL's names for the lenses: `?lens=judge` or `?lens=everything`. */
const LENS: Record<Mode, string> = { judge: 'judge', full: 'everything' };

/**
 * Where the URL says to start: `?lens=judge|everything&step=N` (N from 1). Anything else
 * falls back to the judge's lens and the first step; a step past the end is clamped once
 * the steps are known.
 */
function placeInUrl(): { mode: Mode; at: number } {
  const q = new URLSearchParams(location.search);
  const mode: Mode = q.get('lens') === LENS.full ? 'full' : 'judge';
  const step = q.get('step') ?? '';
  const at = /^\d{1,9}$/.test(step) ? Math.max(0, Number(step) - 1) : 0;
  return { mode, at };
}

/** What one step is in each lens, so the two counts make sense side by side. */
const STEP_MEANS: Record<Mode, string> = {
  judge: 'A step is each change the judge saw.',
  full: 'A step is each event, including what the judge never saw.',
};

interface Step {
  view: DebateView;
  label: string;
  /** Everything mode: the events up to this step (their meta included). */
  events?: DebateEvent[];
}

function describe(event: DebateEvent): string {
  const a = event.action;
  const who = event.seat === 'system' ? 'The room' : seatName(event.seat);
  switch (a.type) {
    case 'start':
      return 'The debate starts';
    case 'timeout':
      return 'Time runs out';
    case 'forfeit':
      return `${seatName(a.seat)} forfeits the turn`;
    case 'abandon':
      return `The debate ends without a verdict (${a.reason})`;
    case 'speech':
      return `${who} speaks`;
    case 'choose':
      return `${who} chooses answer ${a.answer + 1}`;
    case 'judge':
      return `${who} ${a.end ? 'ends the debate' : 'continues'} (${a.probabilities.map((p) => `${Math.round(p * 100)}%`).join(' / ')})`;
    case 'question':
      return `${who} asks a question`;
    case 'answer':
      return `${who} answers`;
    case 'vote':
      return `${who} ${a.end ? 'votes to end' : 'takes back a vote to end'}`;
    case 'resume':
      return 'The fork continues live from here';
  }
}

/** What changed for the judge at this step, in words. */
function judgeStepLabel(view: DebateView): string {
  if (view.status === 'waiting') return 'Before the start';
  if (view.status === 'finished') return 'The verdict';
  if (view.status === 'ended') return 'Ended without a verdict';
  const last = view.rounds[view.rounds.length - 1];
  if (!last) return 'The debate starts';
  const n = last.index + 1;
  if (last.kind === 'judge') return `Round ${n}: the judge's turn`;
  if (last.kind === 'choose') return last.complete ? `Round ${n}: debater A chose its answer` : `Round ${n}: debater A chooses its answer`;
  if (last.kind === 'cross') return last.complete ? `Round ${n}: questions and answers released` : `Round ${n}: the debaters cross-examine`;
  return last.complete ? `Round ${n}: speeches released` : `Round ${n}: the debaters write`;
}

/** Everything, step by step: the engine's full view (the one gate's "full" mode) before the start and after every event. */
function fullSteps(record: TranscriptRecord): Step[] {
  return engineFullSteps(record.header, record.events).map(({ view, event }) => ({
    view,
    label: event ? describe(event) : 'Before the start',
    events: event ? record.events.filter((e) => e.seq <= event.seq) : [],
  }));
}

export function Replay({ id }: { id: string }) {
  const [mode, setMode] = useState<Mode>(() => placeInUrl().mode);
  const [judge, setJudge] = useState<Step[] | null>(null);
  const [full, setFull] = useState<Step[] | null>(null);
  const [fullError, setFullError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [at, setAt] = useState(() => placeInUrl().at);
  const [tree, setTree] = useState<ForkTree | null>(null);
  const token = new URLSearchParams(location.search).get('token') ?? undefined;

  useEffect(() => {
    document.title = `Replay ${id} · Oversight Arena`;
    const place = placeInUrl();
    setMode(place.mode);
    setAt(place.at);
    setJudge(null);
    setFull(null);
    setFullError(null);
    setTree(null);
    // The branches are the researchers': with another token (a seat's) the request is refused and nothing shows.
    if (token) api.forks(id, token).then(setTree, () => setTree(null));
    // `/replay/<id>?token=…`: a seat's or the researcher's token opens a private debate's replay.
    api
      .judgeSteps(id, token)
      .then((t) => {
        setJudge(t.steps.map((v) => ({ view: v, label: judgeStepLabel(v) })));
        if (t.status === 'finished') {
          api
            .full(id, token)
            .then((r) => setFull(fullSteps(r)))
            .catch((e: Error) => setFullError(e.message));
        } else setFullError('“Everything” opens once the debate is finished.');
      })
      .catch((e: Error) => setError(e.message));
  }, [id, token]);

  // "Everything" asked for by the URL but not available (the debate is not finished): the judge's lens.
  useEffect(() => {
    if (mode === 'full' && fullError) setMode('judge');
  }, [mode, fullError]);

  const steps = mode === 'judge' ? judge : full;
  const n = steps?.length ?? 0;
  const cur = Math.max(0, Math.min(at, n - 1));
  const step = steps?.[cur];
  const go = (i: number) => setAt(Math.max(0, Math.min(n - 1, i)));

  // The place is kept in the URL as the reader steps, so a reload or a shared link opens the same step.
  useEffect(() => {
    if (!steps) return;
    const url = new URL(location.href);
    url.searchParams.set('lens', LENS[mode]);
    if (n) url.searchParams.set('step', String(cur + 1));
    else url.searchParams.delete('step');
    if (url.href !== location.href) history.replaceState(history.state, '', url);
  }, [steps, mode, cur, n]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)) return;
      if (e.key === 'ArrowRight') go(cur + 1);
      else if (e.key === 'ArrowLeft') go(cur - 1);
      else if (e.key === 'Home') go(0);
      else if (e.key === 'End') go(n - 1);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const switchMode = (m: Mode) => {
    // Keep roughly the same moment: the same number of rounds.
    const target = mode === m ? null : step?.view.rounds.length;
    setMode(m);
    const list = m === 'judge' ? judge : full;
    if (list && cur >= n - 1) setAt(list.length - 1);
    else if (list && target !== null && target !== undefined) {
      const i = list.findIndex((s) => s.view.rounds.length >= target);
      setAt(i < 0 ? list.length - 1 : i);
    } else setAt(0);
  };

  const rounds = useMemo(() => steps?.[n - 1]?.view.rounds ?? [], [steps, n]);
  const jumpToRound = (r: number) => {
    if (!steps) return;
    const done = steps.findIndex((s) => s.view.rounds[r]?.complete);
    const open = steps.findIndex((s) => s.view.rounds.length > r);
    go(done >= 0 ? done : open);
  };

  if (error) return <ErrorBox>{error}</ErrorBox>;
  if (!judge || (mode === 'full' && !full)) return <Loading what="the transcript" />;
  const view = step?.view;
  const evidence = view && evidenceUi(view.evidenceKind);

  return (
    <div className="replay">
      <header className="replay-head">
        <h1>Replay: {view?.title ?? id}</h1>
        <div className="mode" role="radiogroup" aria-label="What to show">
          <button type="button" role="radio" aria-checked={mode === 'judge'} className={mode === 'judge' ? 'on' : ''} onClick={() => switchMode('judge')}>
            As the judge saw it
          </button>
          <button
            type="button"
            role="radio"
            aria-checked={mode === 'full'}
            className={mode === 'full' ? 'on' : ''}
            onClick={() => switchMode('full')}
            disabled={!full}
            title={fullError ?? undefined}
          >
            Everything
          </button>
        </div>
        {fullError && !full && <p className="muted small">{fullError}</p>}
        <div className="stepper" aria-label="Step through the debate">
          <button type="button" onClick={() => go(0)} disabled={cur === 0} aria-label="First step">
            First
          </button>
          <button type="button" onClick={() => go(at - 1)} disabled={cur === 0} aria-label="Back: previous step">
            ← Back
          </button>
          <span className="step-label" aria-live="polite" data-testid="step-label">
            {n ? `Step ${cur + 1} of ${n} · ${step?.label}` : 'Nothing has happened yet'}
          </span>
          <button type="button" onClick={() => go(at + 1)} disabled={cur >= n - 1} aria-label="Forward: next step">
            Forward →
          </button>
          <button type="button" onClick={() => go(n - 1)} disabled={cur >= n - 1} aria-label="Last step">
            Last
          </button>
          <label className="sr-only" htmlFor="jump">
            Jump to a round
          </label>
          <select id="jump" value="" onChange={(e) => e.target.value && jumpToRound(Number(e.target.value))}>
            <option value="">Jump to round…</option>
            {rounds.map((r) => (
              <option key={r.index} value={r.index}>
                Round {r.index + 1}: {r.kind === 'judge' ? 'judge' : r.kind === 'cross' ? 'cross-examination' : r.kind === 'choose' ? 'choice' : 'speeches'}
              </option>
            ))}
          </select>
        </div>
        <p className="muted small">
          {STEP_MEANS[mode]} Keys: ← → step, Home/End first/last.
        </p>
      </header>
      {tree && token && <ForkTreeView tree={tree} current={id} token={token} />}
      {view && evidence && (
        <>
          <section className="question" aria-label="Question">
            <h2>{view.question}</h2>
          </section>
          {mode === 'judge' ? (
            <JudgeView view={view} />
          ) : (
            <div className="debater-layout">
              <evidence.FullEvidence view={view} />
              <div className="debate-side">
                <Answers view={view} />
                <VerdictBox view={view} />
                <h3>The debate</h3>
                <Rounds view={view} />
                <evidence.FullSide view={view} />
                <SpeechCandidates events={step?.events ?? []} />
              </div>
            </div>
          )}
        </>
      )}
    </div>
  );
}
