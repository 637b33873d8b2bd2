import { useCallback, useEffect, useRef, useState } from 'react';
import type { Seat, StudyEntryRequest, StudyParticipantAction } from '@arena/shared';
import { api, ApiError, type StudyParticipantPage } from '../api.ts';
import { ErrorBox, Loading, Refusal, seatName } from '../components/common.tsx';
import { LiveRegion, StatusBar, useAnnouncer } from '../components/StatusBar.tsx';
import { evidenceUi } from '../evidence/index.ts';
import { AgreementPanel } from '../components/AgreementPanel.tsx';
import { JudgeView } from '../components/JudgeView.tsx';
import { useDebateRoom } from '../room.ts';
import { navigate } from '../router.tsx';
import { store } from '../storage.ts';
import { CheckItem } from '../study/CheckItem.tsx';
import { PostItemQuestions } from '../study/PostItemQuestions.tsx';
import { useIntegritySignals, type Signals } from '../study/signals.ts';


/** What GET /api/studies/:id/me answers: one stage of the participant's path. */
type StudyPageState = StudyParticipantPage;

const PANEL_PARAMS = ['PROLIFIC_PID', 'STUDY_ID', 'SESSION_ID', 'pid'];
/** A signed link's expiry and signature, passed on with the panel's ids (a study may require them). */
const SIGNED_PARAMS = ['exp', 'sig'];
const tokenKey = (studyId: string) => `arena:study:${studyId}`;
/** The page asks this often: it is also how the server knows the participant is still here. */
const HEARTBEAT_MS = 3000;

/**
 * /s/:studyId — the participant's whole study: consent, instructions, each item as the
 * judge of a live debate, and the end page with the completion code. Nothing else: no
 * navigation, no lobby, results or replays. A reload comes back to the same place.
 */
export function StudyPage({ studyId, search }: { studyId: string; search: URLSearchParams }) {
  const [token, setToken] = useState<string | null>(() => store.get<string>(tokenKey(studyId)));
  const [page, setPage] = useState<StudyParticipantPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** Whether the server has no study of this id (null: not known yet). */
  const [missing, setMissing] = useState<boolean | null>(null);
  const noSuchStudy = (err: Error): boolean => {
    if (!(err instanceof ApiError && err.status === 404)) return false;
    setMissing(true);
    return true;
  };

  // Opened without a panel link or a stored token: ask the server whether the study is there at all.
  useEffect(() => {
    if (token || PANEL_PARAMS.some((k) => search.get(k))) return;
    api
      .studyPage(studyId, '')
      .then(() => setMissing(false))
      .catch((err: Error) => setMissing(noSuchStudy(err)));
  }, [studyId, token, search]);

  // Arriving by the panel's link: enter with its ids (the same ids come back to the same place).
  useEffect(() => {
    const panel: StudyEntryRequest = Object.fromEntries([...PANEL_PARAMS, ...SIGNED_PARAMS].filter((k) => search.get(k)).map((k) => [k, search.get(k) as string]));
    if (Object.keys(panel).length === 0) return;
    // The debater link adds role=debater (recruited debaters); the server refuses it for a study that recruits none.
    if (search.get('role') === 'debater') panel.role = 'debater';
    api
      .enterStudy(studyId, panel)
      .then(({ token: entered }) => {
        store.set(tokenKey(studyId), entered);
        setToken(entered);
        navigate(`/s/${encodeURIComponent(studyId)}`, true);
      })
      .catch((err: Error) => noSuchStudy(err) || setError(err.message));
  }, [studyId, search]);

  // The heartbeat: POST …/me/seen says the page is open and answers with the page (GET …/me only reads).
  const refresh = useCallback(() => {
    if (!token) return;
    api
      .studyAct(studyId, token, 'seen')
      .then((p) => {
        setPage(p);
        setError(null);
      })
      .catch((err: Error) => noSuchStudy(err) || setError(err.message));
  }, [studyId, token]);

  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, HEARTBEAT_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  const stage = page ? stageName(page) : null;
  const { items: announced, announce } = useAnnouncer();
  const rootRef = useRef<HTMLDivElement>(null);
  const shownStage = useRef<string | null>(null);
  useEffect(() => {
    document.title = page && stage ? `${stage} · ${page.study.title}` : 'Study';
    if (!stage || stage === shownStage.current) return;
    const first = shownStage.current === null;
    shownStage.current = stage;
    if (first) return;
    // A new stage: say so, and put focus on its heading (not on <body>, where the pressed button was).
    announce([stage]);
    const heading = rootRef.current?.querySelector<HTMLElement>('.study-stage h1, .study-stage h2, .study-stage h3') ?? rootRef.current?.querySelector<HTMLElement>('h1');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus();
    }
  }, [page, stage, announce]);

  const act = (action: StudyParticipantAction, body: unknown = {}) => {
    if (!token) return;
    setBusy(true);
    api
      .studyAct(studyId, token, action, body)
      .then(setPage)
      .catch((err: Error) => setError(err.message))
      .finally(() => setBusy(false));
  };

  if (missing) {
    return (
      <ErrorBox>
        There is no study “{studyId}” on this server. Please check the link your panel gave you; if it is the one you were given, the study may have been removed, so contact the researchers.
      </ErrorBox>
    );
  }
  if (!token && !PANEL_PARAMS.some((k) => search.get(k))) return missing === null ? <Loading what="the study" /> : <ErrorBox>Please open this study from the link your panel gave you.</ErrorBox>;
  if (!page) return error ? <ErrorBox>{error}</ErrorBox> : <Loading what="the study" />;
  return (
    <div className="study-page" data-testid="study-page" data-stage={page.stage} ref={rootRef}>
      {/* The stages with a heading of their own (an item, waiting, the end) keep this line small; consent and instructions get the study's title as their page heading. */}
      {page.stage === 'consent' || page.stage === 'instructions' ? (
        <h1 className="study-heading">{page.study.title}</h1>
      ) : (
        <p className="muted small">
          {page.study.title} · {stage}
        </p>
      )}
      <LiveRegion items={announced} testId="study-announcements" />
      {error && <ErrorBox>{error}</ErrorBox>}
      {page.stage === 'consent' && (
        <section className="card study-text study-stage">
          <div dangerouslySetInnerHTML={{ __html: page.consentHtml ?? '' }} />
          <div className="study-actions">
            <button className="primary" disabled={busy} onClick={() => act('consent', { agree: true })}>
              I agree to take part
            </button>
            <button disabled={busy} onClick={() => act('consent', { agree: false })}>
              I do not agree
            </button>
          </div>
        </section>
      )}
      {page.stage === 'instructions' && (
        <section className="card study-text study-stage">
          <div dangerouslySetInnerHTML={{ __html: page.instructionsHtml ?? '' }} />
          {page.lobby ? (
            <div data-testid="study-waitlist">
              <h2>Waiting for a place…</h2>
              <p>
                {`Every place is taken by participants still at work. Please keep this page open: if one of them leaves within ${page.lobby.waitSeconds ?? 120} seconds, you take their place and your items start here. Otherwise you will be given a code to return the study.`}
              </p>
            </div>
          ) : page.quiz ? (
            <Quiz quiz={page.quiz} busy={busy} onStart={(answers) => act('start', { answers })} />
          ) : (
            <div className="study-actions">
              <button className="primary" disabled={busy} onClick={() => act('start')}>
                Start
              </button>
            </div>
          )}
        </section>
      )}
      {(page.stage === 'lobby' || (page.stage === 'items' && page.item && !page.item.debateId)) && <Waiting page={page} busy={busy} onLeave={() => act('leave')} />}
      {page.stage === 'items' && page.item?.debateId && (
        <StudyItem key={page.item.debateId} item={{ ...page.item, debateId: page.item.debateId }} feedback={page.feedback ?? 'afterEach'} blockPaste={!!page.blockPaste} report={(s) => token && void api.studyAct(studyId, token, 'signals', { position: page.item!.position, ...s }).catch(() => {})}
          questions={page.questions}
          onAnswer={(answers) => act('answers', { position: page.item!.position, answers })} busy={busy} onNext={() => act('next')} onChange={refresh} />
      )}
      {page.stage === 'done' && page.end && <EndPage end={page.end} />}
    </div>
  );
}

/** The stage's name, for the title, the announcement and the line above it. */
function stageName(page: StudyParticipantPage): string {
  if (page.stage === 'consent') return 'Consent';
  if (page.stage === 'instructions') return page.quiz?.missed ? 'Instructions (read again)' : 'Instructions';
  if (page.stage === 'done') return 'Finished';
  if (page.stage === 'lobby' || !page.item?.debateId) return 'Waiting';
  const { item } = page;
  if (item.kind === 'debate') return `Debate ${item.position}`;
  // The check is one of the participant's steps: its place among them is the same count the items use.
  if (item.kind === 'check') return `Attention check (${item.position} of ${item.total})`;
  return `${item.kind === 'practice' ? 'Practice item' : 'Item'} ${item.position} of ${item.total}`;
}

const KIND_LABEL = { practice: 'Practice (not counted)', item: 'Item', check: 'Attention check', debate: 'Debate' } as const;

/** The lobby: a recruited debater waiting for a judge, a judge waiting for debaters to join, or an item waiting for the study's cap on paid agents. */
function Waiting({ page, busy, onLeave }: { page: StudyParticipantPage; busy: boolean; onLeave: () => void }) {
  const debater = page.stage === 'lobby';
  if (page.busy && !debater) {
    return (
      <section className="card study-text" data-testid="study-busy" data-code={page.busy.code}>
        <h1>Your next item starts shortly…</h1>
        <p>{page.busy.reason}</p>
      </section>
    );
  }
  return (
    <section className="card study-text study-stage" data-testid="study-lobby">
      <h1>{debater ? 'Waiting for a judge…' : 'Waiting for the debaters to join…'}</h1>
      <p>
        {debater
          ? 'Please keep this page open: your debate starts here as soon as a judge is ready.'
          : `Your next item needs other participants. If they have not joined within ${page.lobby?.waitSeconds ?? 60} seconds, you will be given another item.`}
      </p>
      {page.lobby?.canLeave && (
        <div className="study-actions">
          <button disabled={busy} onClick={onLeave}>
            Stop waiting and leave
          </button>
        </div>
      )}
    </section>
  );
}

/** One item: the judge's seat of a live debate (then a button to go on once the verdict is in), or a recruited debater's seat. */
function StudyItem({
  item,
  feedback,
  blockPaste,
  report,
  questions,
  onAnswer,
  busy,
  onNext,
  onChange,
}: {
  item: NonNullable<StudyPageState['item']> & { debateId: string };
  feedback: NonNullable<StudyPageState['feedback']>;
  blockPaste: boolean;
  report: (s: Signals) => void;
  questions: StudyPageState['questions'];
  onAnswer: (answers: Record<string, string | number>) => void;
  busy: boolean;
  onNext: () => void;
  onChange: () => void;
}) {
  const room = useDebateRoom(item.debateId, item.seat as Seat, item.token);
  const onPaste = useIntegritySignals(blockPaste, report);
  const debating = item.kind === 'debate';
  const { view } = room;
  const over = view?.status === 'finished';
  const Debater = view ? evidenceUi(view.evidenceKind).Debater : null;
  useEffect(() => {
    if (!over) return;
    // The study records the verdict a moment after the debate announces it.
    onChange();
    const again = setTimeout(onChange, 400);
    return () => clearTimeout(again);
  }, [over, onChange]);
  return (
    <div className="study-item study-stage" data-testid="study-item" data-kind={item.kind} onPaste={onPaste}>
      <header className="debate-head">
        <div>
          <p className="role-line">
            <span className={`role role-${debating ? 'debater' : 'judge'}`}>{debating ? `You are ${seatName(item.seat)}` : 'You are the judge'}</span> <span className="tag">{KIND_LABEL[item.kind]}</span>
          </p>
          <h1>{debating ? `Debate ${item.position}` : `${item.position} of ${item.total}`}</h1>
        </div>
      </header>
      {view && <StatusBar view={view} room={room} showTurn={item.kind !== 'check'} showOutcome={feedback === 'afterEach'} />}
      {room.error && <ErrorBox>{room.error}</ErrorBox>}
      <Refusal refusal={room.refusal} onDismiss={room.dismissRefusal} />
      {!view && !room.error && <Loading what="the debate" />}
      {view && item.kind === 'check' && <CheckItem view={view} room={room} />}
      {/* Feedback kept for the end, or never: once the verdict is in, the page says only that it is recorded. */}
      {view && over && !debating && item.kind !== 'check' && feedback !== 'afterEach' && (
        <section className="card" data-testid="verdict-recorded">
          <p>Your verdict is recorded.{feedback === 'atEnd' ? ' You will see how you did at the end of the study.' : ''}</p>
        </section>
      )}
      {view && item.kind !== 'check' && !(over && !debating && feedback !== 'afterEach') && (
        <>
          <section className="question" aria-label="Question">
            <h2>{view.question}</h2>
          </section>
          {view.status === 'running' && <AgreementPanel view={view} room={room} />}
          {debating && Debater ? <Debater view={view} room={room} /> : <JudgeView view={view} room={room} />}
        </>
      )}
      {over && !debating && questions && !questions.answered && item.status === 'done' && <PostItemQuestions questions={questions.set} busy={busy} onAnswer={onAnswer} />}
      {over && !debating && (
        <div className="study-actions">
          <button className="primary" data-testid="study-next" disabled={busy || item.status !== 'done' || (questions !== undefined && !questions.answered)} onClick={onNext}>
            {item.position === item.total ? 'Finish' : 'Next'}
          </button>
        </div>
      )}
    </div>
  );
}

const OUTCOME_TEXT: Record<string, string> = {
  completed: 'You have completed the study. Thank you!',
  declined: 'You chose not to take part. Thank you for your time.',
  failed: 'The study has ended: an attention check was not passed.',
  timedOut: 'The study has ended: the time allowed ran out.',
  noCapacity: 'Sorry: the study has no more places.',
};

function EndPage({ end }: { end: NonNullable<StudyParticipantPage['end']> }) {
  return (
    <section className="card study-end study-stage" data-testid="study-end" data-outcome={end.outcome}>
      <h1>{OUTCOME_TEXT[end.outcome] ?? 'The study has ended.'}</h1>
      {end.feedback && end.feedback.length > 0 && (
        <p data-testid="study-feedback">
          You were right on {end.feedback.filter((f) => f.correct).length} of {end.feedback.length} items ({end.feedback.map((f) => `${f.item}: ${f.correct ? 'right' : 'wrong'}`).join(', ')}).
        </p>
      )}
      <p>
        Your completion code: <strong data-testid="completion-code">{end.code}</strong>
      </p>
      <p>
        <a className="button primary" data-testid="completion-link" href={end.redirect} rel="noreferrer">
          Return to your panel
        </a>
      </p>
    </section>
  );
}

/** The comprehension quiz on the instructions: one choice per question, then Start. */
function Quiz({ quiz, busy, onStart }: { quiz: NonNullable<StudyPageState['quiz']>; busy: boolean; onStart: (answers: number[]) => void }) {
  const [answers, setAnswers] = useState<(number | null)[]>(() => quiz.questions.map(() => null));
  return (
    <div className="study-quiz" data-testid="study-quiz">
      <h3>Before you start: a few questions on the instructions</h3>
      {quiz.missed && <p className="warn">Some answers were not right. Please read the instructions again ({quiz.triesLeft} {quiz.triesLeft === 1 ? 'try' : 'tries'} left).</p>}
      {quiz.questions.map((q, i) => (
        <fieldset key={i}>
          <legend>{q.question}</legend>
          {q.answers.map((a, j) => (
            <label key={j}>
              <input type="radio" name={`quiz-${i}`} checked={answers[i] === j} onChange={() => setAnswers(answers.map((x, k) => (k === i ? j : x)))} /> {a}
            </label>
          ))}
        </fieldset>
      ))}
      <div className="study-actions">
        <button className="primary" disabled={busy || answers.some((a) => a === null)} onClick={() => onStart(answers as number[])}>
          Start
        </button>
      </div>
    </div>
  );
}
