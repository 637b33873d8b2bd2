import { lazy, Suspense, useEffect, useState, type FormEvent } from 'react';
import type { PresetEntry, PresetsResponse, ScenarioSummary } from '@arena/shared';
import { api, type CreatedDebate, type DebateSummary, type SeatRequest } from '../api.ts';
import { evidenceWords } from '../evidence/words.ts';
import { ErrorBox, Loading, seatName } from '../components/common.tsx';
import { Link } from '../router.tsx';

/** The protocols and agents the server offers: each preset describes itself (GET /api/presets). */
interface Presets {
  list: PresetEntry[];
  agents: string[];
  capabilities: PresetsResponse['agentCapabilities'];
}

// The room connection (and its SDK) loads only once a debate exists.
const LobbyPresence = lazy(() => import('../components/LobbyPresence.tsx'));

type SeatChoice = 'link' | 'open' | `agent:${string}`;

/** The seats a protocol has: one debater per answer, one consultant, or the judge alone. */
function seatsFor(debaters: string | undefined, answers: number): string[] {
  if (debaters === 'none') return ['judge'];
  if (debaters === 'one') return ['A', 'judge'];
  return [...['A', 'B', 'C', 'D'].slice(0, answers), 'judge'];
}

export function Lobby() {
  const [scenarios, setScenarios] = useState<ScenarioSummary[] | null>(null);
  const [presets, setPresets] = useState<Presets | null>(null);
  const [debates, setDebates] = useState<DebateSummary[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  /** False when this server's public lobby is off (a study deployment): no debates can be created here. */
  const [publicLobby, setPublicLobby] = useState(true);

  useEffect(() => {
    document.title = 'Lobby · Oversight Arena';
    Promise.all([api.scenarios(), api.presets()])
      .then(([s, p]) => {
        setScenarios(s.scenarios);
        setPublicLobby(s.publicLobby);
        setPresets({ list: p.presets, agents: p.agents, capabilities: p.agentCapabilities });
      })
      .catch((e: Error) => setLoadError(e.message));
    const load = () =>
      api
        .debates('?limit=30')
        .then((d) => setDebates(d.debates))
        .catch((e: Error) => setLoadError(e.message));
    void load();
    const t = setInterval(load, 10_000);
    return () => clearInterval(t);
  }, []);

  return (
    <div className="lobby">
      <section className="intro" aria-label="What this is">
        <h1>Oversight Arena</h1>
        <p className="lead">
          A debate game for studying scalable oversight: debaters who can read a passage argue for different answers (one debater per answer, so two to four), and a
          judge who cannot see the passage decides which answer is right from their arguments and verified quotes. Every action is logged, so each debate can be replayed and counted in the results.
        </p>
        <p>
          <strong>How to play:</strong> create a debate below, send each seat's link to a player (or open them in separate windows), and play: debaters select passage
          text (with the mouse, or Shift and the arrow keys) to quote it, the judge sets a probability for each answer and continues or ends the debate. In a handwritten-digit scenario the debaters
          reveal pixels of the image instead, and the judge sees only those.
        </p>
      </section>
      {loadError && <ErrorBox>Could not reach the server: {loadError}</ErrorBox>}
      <div className="lobby-grid">
        {publicLobby ? (
          <CreateForm scenarios={scenarios} presets={presets} />
        ) : (
          <section aria-labelledby="closed-h">
            <h2 id="closed-h">Creating debates</h2>
            <p role="status" data-testid="lobby-closed">
              The public lobby is off on this server: debates here are set up by researchers, who send each participant a link. If you were given a link, open
              it to take your seat.
            </p>
          </section>
        )}
        <section aria-labelledby="debates-h">
          <h2 id="debates-h">Open and recent debates</h2>
          {!debates && !loadError && <Loading what="debates" />}
          {debates && debates.length === 0 && <p className="muted">No debates yet: create the first one.</p>}
          {debates && debates.length > 0 && (
            <ul className="debate-list">
              {debates.map((d) => (
                <li key={d.id}>
                  <div>
                    <strong>{d.title}</strong> <span className="tag">{d.preset}</span> <span className={`tag status-${d.status}`}>{d.status}</span>
                    {d.source && <span className="tag">{d.source}</span>}
                    <div className="muted small">
                      {new Date(d.createdAt).toLocaleString()}
                      {d.outcome && <> · judge {d.outcome.correct ? 'right' : 'wrong'}, score {d.outcome.judgeScore.toFixed(2)}</>}
                    </div>
                  </div>
                  <div className="row-actions">
                    {d.status === 'waiting' && <OpenSeats id={d.id} />}
                    {d.status !== 'finished' && <Link href={`/debate/${d.id}/observer`}>Watch</Link>}
                    <Link href={`/replay/${d.id}`}>Replay</Link>
                  </div>
                </li>
              ))}
            </ul>
          )}
          <p>
            <Link href="/results">Results: judge accuracy by protocol →</Link>
          </p>
        </section>
      </div>
      <section aria-labelledby="scen-h">
        <h2 id="scen-h">Scenarios</h2>
        {!scenarios && !loadError && <Loading what="scenarios" />}
        {scenarios && scenarios.length === 0 && <p className="muted">No scenarios are loaded on this server.</p>}
        {scenarios && (
          <ul className="scenario-list">
            {groupByPack(scenarios).flatMap(([, list]) => list).map((s) => (
              <li key={s.id}>
                <strong>{s.title}</strong>{' '}
                <span className="muted small">
                  {s.pack} · {evidenceWords(s.evidenceKind).size(s)} · {s.answerCount} answers
                </span>
                <div className="small">{s.question}</div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function groupByPack(scenarios: ScenarioSummary[]): [string, ScenarioSummary[]][] {
  const groups = new Map<string, ScenarioSummary[]>();
  for (const s of scenarios) groups.set(s.pack ?? 'other', [...(groups.get(s.pack ?? 'other') ?? []), s]);
  const order = (list: ScenarioSummary[]) => (list[0] ? evidenceWords(list[0].evidenceKind).listOrder : Number.POSITIVE_INFINITY);
  return [...groups.entries()].sort((a, b) => order(a[1]) - order(b[1]));
}

function CreateForm({ scenarios, presets }: { scenarios: ScenarioSummary[] | null; presets: Presets | null }) {
  const [scenarioId, setScenarioId] = useState('');
  const [preset, setPreset] = useState<string | null>(null);
  const [choices, setChoices] = useState<Record<string, SeatChoice>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedDebate | null>(null);
  // Packs in the order passages first (the main game), each pack a group of the menu.
  const packs = groupByPack(scenarios ?? []);
  const scenario = scenarios?.find((s) => s.id === scenarioId) ?? packs[0]?.[1][0];
  // The protocols this scenario's kind of evidence can be played with, as each preset says.
  const kind = scenario?.evidenceKind;
  const offered = (presets?.list ?? []).filter((p) => kind === undefined || p.evidence.includes(kind));
  // Until one is picked: the first that has debaters (the game itself), else the first offered.
  const chosen = offered.find((p) => p.name === preset) ?? offered.find((p) => p.sides !== 'none') ?? offered[0];
  const seats = seatsFor(chosen?.rules.debaters, scenario?.answerCount ?? 2);
  const debaterSeats = seats.filter((s) => s !== 'judge');
  // Each seat's menu offers only the agents that can play it over this scenario's evidence (the server's catalog says which).
  const agentsFor = (seat: string) =>
    (presets?.agents ?? []).filter((a) => {
      const caps = presets?.capabilities[a];
      return !!caps && caps.roles.includes(seat === 'judge' ? 'judge' : 'debater') && (kind === undefined || caps.evidence.includes(kind));
    });
  const choiceOf = (seat: string): SeatChoice => {
    const c = choices[seat] ?? 'link';
    return c.startsWith('agent:') && !agentsFor(seat).includes(c.slice(6)) ? 'link' : c;
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!scenario || !chosen) return;
    setBusy(true);
    setError(null);
    const body: Record<string, SeatRequest> = {};
    for (const seat of seats) {
      const c = choiceOf(seat);
      body[seat] = c.startsWith('agent:') ? { kind: 'agent', agent: c.slice(6) } : { kind: 'human', ...(c === 'open' ? { open: true } : {}) };
    }
    try {
      setCreated(await api.create({ scenarioId: scenario.id, preset: chosen.name, seats: body }));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="create-h" className="card">
      <h2 id="create-h">Create a debate</h2>
      {!scenarios || !presets ? (
        <Loading what="scenarios and protocols" />
      ) : (
        <form onSubmit={submit} className="create-form">
          <label htmlFor="scenario">Scenario</label>
          <select id="scenario" value={scenario?.id ?? ''} onChange={(e) => setScenarioId(e.target.value)}>
            {packs.map(([pack, list]) => (
              <optgroup key={pack} label={pack}>
                {list.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.title}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
          {scenario && <p className="muted small">{scenario.question}</p>}
          <fieldset>
            <legend>Protocol</legend>
            {offered.map((p) => (
              <label key={p.name} className="inline" title={p.source}>
                <input type="radio" name="preset" value={p.name} checked={chosen?.name === p.name} onChange={() => setPreset(p.name)} /> {p.title}
              </label>
            ))}
            {chosen && (
              <p className="muted small" data-testid="preset-description">
                {chosen.description} <span className="nowrap">Seats: {chosen.seats}.</span>
              </p>
            )}
          </fieldset>
          <fieldset>
            <legend>Seats</legend>
            <p className="muted small" data-testid="seat-count">
              {debaterSeats.length === 0
                ? 'The judge alone: no debaters.'
                : `${debaterSeats.length === 1 ? 'One consultant' : `${debaterSeats.length} debaters (${debaterSeats.join(', ')}), one per answer,`} and a judge. The debate starts once every seat is taken.`}
            </p>
            {seats.map((seat) => (
              <div key={seat} className="seat-row">
                <label htmlFor={`seat-${seat}`}>{seatName(seat)}</label>
                <select id={`seat-${seat}`} value={choiceOf(seat)} onChange={(e) => setChoices({ ...choices, [seat]: e.target.value as SeatChoice })}>
                  <option value="link">Human (private link)</option>
                  <option value="open">Human (open seat: anyone may take it)</option>
                  {agentsFor(seat).map((a) => (
                    <option key={a} value={`agent:${a}`}>
                      AI: {a}
                    </option>
                  ))}
                </select>
              </div>
            ))}
          </fieldset>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create debate'}
          </button>
          {error && <ErrorBox>{error}</ErrorBox>}
        </form>
      )}
      {created && <CreatedLinks created={created} />}
    </section>
  );
}

function CreatedLinks({ created }: { created: CreatedDebate }) {
  const abs = (path: string) => new URL(path, location.origin).toString();
  const rows: { label: string; url: string }[] = [];
  for (const [seat, s] of Object.entries(created.seats)) {
    if (s.kind === 'agent') continue;
    const path = s.open ? `/debate/${created.id}/${seat}` : s.path;
    if (path) rows.push({ label: `${seatName(seat)}${s.open ? ' (open seat)' : ''}`, url: abs(path) });
  }
  rows.push({ label: 'Observers', url: abs(created.observerPath) });
  return (
    <div className="created" aria-live="polite" data-testid="created">
      <h3>Debate {created.id} is ready</h3>
      <p className="small">Send each link to one person. A private link is that seat's key: whoever opens it plays the seat.</p>
      <ul className="links">
        {rows.map((r) => (
          <li key={r.label}>
            <span className="link-label">{r.label}</span>
            <input readOnly value={r.url} aria-label={`${r.label} link`} onFocus={(e) => e.currentTarget.select()} />
            <CopyButton text={r.url} label={r.label} />
            <a href={r.url} target="_blank" rel="noreferrer">
              Open
            </a>
          </li>
        ))}
      </ul>
      <Suspense fallback={<span className="muted small">connecting…</span>}>
        <LobbyPresence id={created.id} />
      </Suspense>
    </div>
  );
}

/** Links to a waiting debate's open seats that nobody has taken yet. */
function OpenSeats({ id }: { id: string }) {
  const [seats, setSeats] = useState<string[]>([]);
  useEffect(() => {
    api
      .debate(id)
      .then((d) => setSeats(Object.entries(d.seats).filter(([, s]) => s.kind === 'human' && s.open && !s.claimed).map(([seat]) => seat)))
      .catch(() => setSeats([]));
  }, [id]);
  return (
    <>
      {seats.map((seat) => (
        <Link key={seat} href={`/debate/${id}/${seat}`} className="take-seat">
          Take seat {seat === 'judge' ? 'judge' : seat}
        </Link>
      ))}
    </>
  );
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      aria-label={`Copy the ${label} link`}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setDone(true);
          setTimeout(() => setDone(false), 1500);
        });
      }}
    >
      {done ? 'Copied' : 'Copy'}
    </button>
  );
}
