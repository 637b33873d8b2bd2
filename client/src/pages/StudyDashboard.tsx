import { useEffect, useState } from 'react';
import { STUDY_EXPORTS, type StudiesResponse, type StudyItemRow, type StudySteer } from '@arena/shared';
import { api, type StudyProgress } from '../api.ts';
import { ErrorBox, Loading } from '../components/common.tsx';
import { Link, navigate } from '../router.tsx';
import { store } from '../storage.ts';

const TOKEN_KEY = 'arena:researcher-token';

/**
 * The researcher token: from the link's fragment (`#token=…`, which browsers never send to
 * the server) once, then kept in this browser; else asked for.
 */
function useResearcherToken(): [string | null, (t: string) => void] {
  const fromLink = () => new URLSearchParams(location.hash.slice(1)).get('token');
  const [token, setToken] = useState<string | null>(() => fromLink() ?? store.get<string>(TOKEN_KEY));
  useEffect(() => {
    const t = fromLink();
    if (t) {
      store.set(TOKEN_KEY, t);
      navigate(location.pathname, true);
    }
  }, []);
  return [
    token,
    (t) => {
      store.set(TOKEN_KEY, t);
      setToken(t);
    },
  ];
}

function TokenForm({ onToken }: { onToken: (t: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <form
      className="card"
      onSubmit={(e) => {
        e.preventDefault();
        onToken(value.trim());
      }}
    >
      <label className="block">
        Researcher token <input type="password" value={value} onChange={(e) => setValue(e.target.value)} />
      </label>
      <p className="small muted" data-testid="token-hint">
        The researcher token is in the server&apos;s data folder, <code>data/researcher-token</code> (or <code>$ARENA_RESEARCHER_TOKEN</code> if the server was started with it).
        <code>arena study launch</code> prints a dashboard link that opens signed in.
      </p>
      <button className="primary">Open</button>
    </form>
  );
}

/** /studies — the studies on this server and their state. */
export function StudyList() {
  useEffect(() => {
    document.title = 'Studies · Oversight Arena';
  }, []);
  const [token, setToken] = useResearcherToken();
  const [studies, setStudies] = useState<StudiesResponse['studies'] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!token) return;
    api
      .studies(token)
      .then((r) => setStudies(r.studies))
      .catch((e: Error) => setError(e.message));
  }, [token]);
  if (!token) return <TokenForm onToken={setToken} />;
  return (
    <div>
      <h1>Studies</h1>
      {error && <ErrorBox>{error}</ErrorBox>}
      {!studies && !error && <Loading what="the studies" />}
      {studies?.length === 0 && <p>No study yet: write one with <code>arena study init</code> and launch it with <code>arena study launch</code>.</p>}
      <ul className="debate-list">
        {studies?.map((s) => (
          <li key={s.id}>
            <Link href={`/studies/${encodeURIComponent(s.id)}`}>{s.title}</Link>
            <span className={`tag status-${s.status}`}>{s.status}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** /studies/:id — live progress (server-sent events), balance, flags, participants and exports. */
export function StudyDashboard({ id }: { id: string }) {
  useEffect(() => {
    document.title = `Study ${id} · Dashboard · Oversight Arena`;
  }, [id]);
  const [token, setToken] = useResearcherToken();
  // The event stream and the download links cannot carry a header: they carry a short-lived
  // ticket for this study instead, renewed well before it expires. The token stays in headers.
  const [ticket, setTicket] = useState<string | null>(null);

  const [progress, setProgress] = useState<StudyProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [items, setItems] = useState<StudyItemRow[] | null>(null);

  useEffect(() => {
    if (!token) return;
    let stopped = false;
    const renew = () =>
      api
        .studyTicket(id, token)
        .then((body) => {
          if (!stopped) setTicket(body.ticket);
        })
        .catch((e: Error) => setError(e.message));
    void renew();
    const every = setInterval(renew, 5 * 60_000);
    return () => {
      stopped = true;
      clearInterval(every);
    };
  }, [id, token]);

  useEffect(() => {
    if (!ticket) return;
    const source = new EventSource(api.studyEventsUrl(id, ticket));
    source.addEventListener('progress', (e) => {
      setProgress(JSON.parse((e as MessageEvent<string>).data) as StudyProgress);
      setError(null);
    });
    source.onerror = () => setError('Live updates interrupted; reconnecting…');
    // The stream lasts as long as its ticket; the ticket is renewed before then (a new stream), so this is a renewal that failed.
    source.addEventListener('expired', () => {
      source.close();
      setError('Live updates stopped: the ticket expired. Reload the page to sign in again.');
    });
    return () => source.close();
  }, [id, ticket]);

  useEffect(() => {
    if (!token || !selected) return;
    api
      .studyParticipant(id, selected, token)
      .then((r) => setItems(r.items))
      .catch((e: Error) => setError(e.message));
  }, [id, token, selected, progress]);

  const [paidNote, setPaidNote] = useState<string | null>(null);
  const steer = (action: StudySteer) =>
    token &&
    api.steerStudy(id, action, token).catch((e: Error) => setError(e.message));

  // Records every bonus now due as paid, in one named batch.
  const markPaid = () => {
    const batch = token && window.prompt('Name of this payment batch (e.g. the date you paid it on the panel):', `paid ${new Date().toISOString().slice(0, 10)}`);
    if (!batch) return;
    fetch(`/api/studies/${encodeURIComponent(id)}/bonuses/paid`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ batch }) })
      .then(async (r) => {
        const json = await r.json();
        if (!r.ok) return setError(json.error);
        setPaidNote(`batch "${json.batch}": ${json.recorded} bonuses recorded as paid (${Number(json.amount).toFixed(2)}).`);
      })
      .catch((err: Error) => setError(err.message));
  };

  if (!token) return <TokenForm onToken={setToken} />;
  if (!progress) return error ? <ErrorBox>{error}</ErrorBox> : <Loading what="the study" />;
  const p = progress;
  const stage = (s: string) => p.stages[s] ?? 0;
  return (
    <div className="dashboard" data-testid="dashboard">
      <p className="small">
        <Link href="/studies">← Studies</Link>
      </p>
      <h1>
        {p.study.title} <span className={`tag status-${p.study.status}`} data-testid="study-status">{p.study.status}</span>
      </h1>
      <p className="muted small">
        {p.study.id} · seed {p.study.seed} · spec hash <code>{p.study.specHash.slice(0, 16)}</code> · {p.study.itemsPerParticipant} items per participant, {p.study.judgementsPerCell} judgements per cell
      </p>
      <div className="study-actions">
        {p.study.status === 'running' && <button onClick={() => steer('pause')}>Pause</button>}
        {p.study.status === 'paused' && <button onClick={() => steer('resume')}>Resume</button>}
        {p.study.status !== 'closed' && <button onClick={() => steer('close')}>Close</button>}
      </div>
      {error && <ErrorBox>{error}</ErrorBox>}
      <div className="dash-grid">
        {(['consent', 'instructions', 'items', 'done'] as const).map((s) => (
          <div className="card" key={s} data-testid={`stage-${s}`}>
            <span className="big">{stage(s)}</span> {stageWords(s, p.study.status)}
          </div>
        ))}
        <div className="card" data-testid="plan-done">
          <span className="big">
            {p.plan.done}/{p.plan.planned}
          </span>{' '}
          usable judgements done
        </div>
        <div className="card" data-testid="dropouts">
          <span className="big">{p.dropouts}</span> dropouts, {p.refills} refilled
        </div>
      </div>
      <p className="small" data-testid="outcomes">
        Outcomes: {Object.entries(p.outcomes).map(([k, v]) => `${k} ${v}`).join(' · ') || 'none yet'}
      </p>
      <p className="small" data-testid="judgement-counts">
        Counted judgements: {p.judgements.counted} · not counted: {p.judgements.practice} practice, {p.judgements.checks} attention checks, {p.judgements.excluded} of excluded participants (their items were given to others)
        {p.plan.slots > p.plan.planned ? ` · ${p.plan.slots - p.plan.planned} top-up items beyond the plan, so that late arrivals get a full queue` : ''}
      </p>
      <h2>Balance achieved</h2>
      <table className="dash">
        <thead>
          <tr>
            <th>condition</th>
            <th>judgements</th>
            <th>correct at position 1/2/…</th>
            <th>honest / dishonest</th>
            <th>correct first / later</th>
            <th>accuracy</th>
          </tr>
        </thead>
        <tbody>
          {p.balance.map((b) => (
            <tr key={b.condition}>
              <td>{b.condition}</td>
              <td className="num">{b.judgements}</td>
              <td className="num">{b.correctAt.join('/')}</td>
              <td className="num">{b.honest + b.dishonest ? `${b.honest} / ${b.dishonest}` : ''}</td>
              <td className="num">{b.correctFirst + b.correctLater ? `${b.correctFirst} / ${b.correctLater}` : ''}</td>
              <td className="num">{b.accuracy === null ? '' : `${Math.round(b.accuracy * 100)}%`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Judgements per cell against the plan</h2>
      <table className="dash">
        <thead>
          <tr>
            <th>scenario</th>
            <th>condition</th>
            <th>done / planned</th>
            <th>in progress</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {p.cells.map((c) => (
            <tr key={c.cell}>
              <td>{c.scenario}</td>
              <td>{c.condition}</td>
              <td className="num">
                {c.done} / {c.planned}
              </td>
              <td className="num">{c.assigned}</td>
              <td>
                <span className="bar" style={{ width: `${(4 * c.done) / Math.max(1, c.planned)}rem` }} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Participants</h2>
      <table className="dash" data-testid="participants">
        <thead>
          <tr>
            <th>pseudonym</th>
            <th>stage</th>
            <th>outcome</th>
            <th>items done</th>
            <th>condition order</th>
            <th>failed checks</th>
            <th>flags</th>
          </tr>
        </thead>
        <tbody>
          {p.participants.map((x) => (
            <tr key={x.participant} data-testid="participant-row">
              <td>
                <button className="link" onClick={() => setSelected(x.participant)}>
                  {x.participant}
                </button>
              </td>
              <td>{x.stage}</td>
              <td>{x.outcome ?? ''}</td>
              <td className="num">
                {x.done}/{x.items}
              </td>
              <td>{x.conditions.join(' → ')}</td>
              <td className="num">{x.failedChecks}</td>
              <td>{x.flags.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {selected && items && (
        <section className="card">
          <h3>{selected}</h3>
          <table className="dash">
            <tbody>
              {items.map((i) => (
                <tr key={i.position}>
                  <td className="num">{i.position + 1}</td>
                  <td>{i.kind}</td>
                  <td>{i.condition}</td>
                  <td>{i.scenarioId}</td>
                  <td>{i.status}</td>
                  <td>{i.debateId && <Link href={`/replay/${encodeURIComponent(i.debateId)}`}>replay</Link>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <h2>Bonuses</h2>
      <p className="small">
        Download bonuses.csv, pay it on your panel, then record it as paid: those participants leave bonuses.csv and are never paid twice (or run <code>arena study bonuses mark-paid bonuses.csv --study {id}</code>).
      </p>
      <p>
        <button data-testid="mark-paid" onClick={markPaid}>
          Record the bonuses due as paid…
        </button>
        {paidNote && <span className="small"> {paidNote}</span>}
      </p>
      <h2>Exports</h2>
      <p>
        {STUDY_EXPORTS.map((f) => (
          <a key={f} className="tag" href={api.studyExportUrl(id, f, ticket ?? '')}>
            {f}
          </a>
        ))}
      </p>
    </div>
  );
}

/**
 * What the participants at a stage are doing. Closing a study turns new arrivals away but
 * lets those already at their items finish them (or time out): after close they are not
 * "judging" in a running study, and the card says what they are.
 */
function stageWords(stage: 'consent' | 'instructions' | 'items' | 'done', status: string): string {
  if (stage === 'done') return 'finished';
  if (stage !== 'items') return `at ${stage}`;
  return status === 'closed' ? 'not finished: the study is closed; they may still finish the items they have, or time out' : 'judging';
}
