import { useEffect, useMemo, useState } from 'react';
import { evidenceKindOf, initialState, replay, viewFor, type DebateEvent, type DebateState, type DebateView, type RoundView, type QuoteView, type TranscriptRecord } from '@arena/shared';
import { api } from '../api.ts';
import { Answers, ErrorBox, Loading, QuoteList, Rounds, seatName, VerdictBox } from '../components/common.tsx';
import { Passage } from '../components/Passage.tsx';
import { JudgeView } from '../components/JudgeView.tsx';
import { ImageEvidence } from '../components/PixelGrid.tsx';

type Mode = 'judge' | 'full';

interface Step {
  view: DebateView;
  label: string;
}

/** Everything at one moment: all speeches (even unreleased ones), the passage and the answer. */
function fullView(state: DebateState): DebateView {
  const base = viewFor(state, 'observer');
  const rounds: RoundView[] = state.rounds.map((r) => ({
    index: r.index,
    kind: r.kind,
    complete: r.complete,
    speeches: r.speeches.map((s) => ({ seat: s.seat, segments: s.segments, chars: s.chars, quoteChars: s.quoteChars, timedOut: s.timedOut })),
    judge: r.judge && { probabilities: r.judge.probabilities, comment: r.judge.comment, end: r.judge.end, timedOut: r.judge.timedOut },
    ...(r.kind === 'choose' ? { choice: r.choice ? { seat: r.choice.seat, answerIndex: r.choice.answer, timedOut: r.choice.timedOut } : null } : {}),
  }));
  const bySpan = new Map<string, QuoteView>();
  for (const r of rounds)
    for (const s of r.speeches)
      for (const seg of s.segments) {
        if (seg.kind !== 'quote' || !seg.verified) continue;
        const q = bySpan.get(seg.span.join(':')) ?? { span: seg.span, text: seg.text, seats: [] };
        if (!q.seats.includes(s.seat)) q.seats.push(s.seat);
        bySpan.set(seg.span.join(':'), q);
      }
  const quotes = [...bySpan.values()].sort((a, b) => a.span[0] - b.span[0] || a.span[1] - b.span[1]);
  return {
    ...base,
    rounds,
    quotes,
    // Everything the evidence holds, as a debater sees it.
    ...evidenceKindOf(state.header.scenario.evidence).shown(state.header.scenario.evidence, { debater: true, judgeSeesEvidence: true, finished: true }),
    reveals: rounds.flatMap((r) => r.speeches.flatMap((s) => s.segments.flatMap((seg) => (seg.kind === 'reveal' ? [{ index: seg.index, value: seg.value, seat: s.seat }] : [])))),
    correctIndex: state.header.assignment.correctIndex,
    ...(state.verdict ? { verdict: state.verdict } : {}),
  };
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
  return last.complete ? `Round ${n}: speeches released` : `Round ${n}: the debaters write`;
}

function fullSteps(record: TranscriptRecord): Step[] {
  const steps: Step[] = [{ view: fullView(initialState(record.header)), label: 'Before the start' }];
  replay(record.header, record.events, (state, event) => steps.push({ view: fullView(state), label: `#${event.seq} · ${describe(event)}` }));
  return steps;
}

export function Replay({ id }: { id: string }) {
  const [mode, setMode] = useState<Mode>('judge');
  const [judge, setJudge] = useState<Step[] | null>(null);
  const [full, setFull] = useState<Step[] | null>(null);
  const [fullError, setFullError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [at, setAt] = useState(0);

  useEffect(() => {
    document.title = `Replay ${id} · Oversight Arena`;
    api
      .judgeSteps(id)
      .then((t) => {
        setJudge(t.steps.map((v) => ({ view: v, label: judgeStepLabel(v) })));
        if (t.status === 'finished') {
          api
            .full(id)
            .then((r) => setFull(fullSteps(r)))
            .catch((e: Error) => setFullError(e.message));
        } else setFullError('“Everything” opens once the debate is finished.');
      })
      .catch((e: Error) => setError(e.message));
  }, [id]);

  const steps = mode === 'judge' ? judge : full;
  const n = steps?.length ?? 0;
  const step = steps?.[Math.min(at, n - 1)];
  const go = (i: number) => setAt(Math.max(0, Math.min(n - 1, i)));

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)) return;
      if (e.key === 'ArrowRight') go(at + 1);
      else if (e.key === 'ArrowLeft') go(at - 1);
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
    if (list && at >= n - 1) setAt(list.length - 1);
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
  if (!judge) return <Loading what="the transcript" />;
  const view = step?.view;

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
          <button type="button" onClick={() => go(0)} disabled={at === 0} aria-label="First step">
            First
          </button>
          <button type="button" onClick={() => go(at - 1)} disabled={at === 0} aria-label="Previous step">
            ← Back
          </button>
          <span className="step-label" aria-live="polite" data-testid="step-label">
            {Math.min(at, n - 1) + 1} / {n} · {step?.label}
          </span>
          <button type="button" onClick={() => go(at + 1)} disabled={at >= n - 1} aria-label="Next step">
            Forward →
          </button>
          <button type="button" onClick={() => go(n - 1)} disabled={at >= n - 1} aria-label="Last step">
            Last
          </button>
          <label className="sr-only" htmlFor="jump">
            Jump to a round
          </label>
          <select id="jump" value="" onChange={(e) => e.target.value && jumpToRound(Number(e.target.value))}>
            <option value="">Jump to round…</option>
            {rounds.map((r) => (
              <option key={r.index} value={r.index}>
                Round {r.index + 1}: {r.kind === 'judge' ? 'judge' : 'speeches'}
              </option>
            ))}
          </select>
        </div>
        <p className="muted small">Keys: ← → step, Home/End first/last.</p>
      </header>
      {view && (
        <>
          <section className="question" aria-label="Question">
            <h2>{view.question}</h2>
          </section>
          {mode === 'judge' ? (
            <JudgeView view={view} />
          ) : (
            <div className="debater-layout">
              {view.passage ? (
                <Passage text={view.passage.text} highlights={view.quotes.map((q) => q.span)} />
              ) : view.image ? (
                <div className="pixel-main">
                  <ImageEvidence view={view} />
                </div>
              ) : null}
              <div className="debate-side">
                <Answers view={view} />
                <VerdictBox view={view} />
                <h3>The debate</h3>
                <Rounds view={view} />
                {view.evidenceKind === 'passage' && (
                  <>
                    <h3>Quoted evidence</h3>
                    <QuoteList view={view} />
                  </>
                )}
              </div>
            </div>
          )}
        </>
      )}
    </div>
  );
}
