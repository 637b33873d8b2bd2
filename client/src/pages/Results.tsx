import { useEffect, useState } from 'react';
import { api, type CalibrationBinOut, type Results as ResultsData } from '../api.ts';
import { count, ErrorBox, fmt, Loading, pct } from '../components/common.tsx';
import { navigate } from '../router.tsx';
import { PERCENT_TICKS, PlotFrame, plotScale } from '../components/PlotFrame.tsx';
import { StrengthPlot } from '../components/StrengthPlot.tsx';

/** /results — judge accuracy by protocol, with filters kept in the URL. */
export function Results({ search }: { search: URLSearchParams }) {
  const [data, setData] = useState<ResultsData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [presets, setPresets] = useState<{ name: string; title: string }[]>([]);
  const pack = search.get('pack') ?? '';
  const source = search.get('source') ?? '';
  const since = search.get('since') ?? '';
  const until = search.get('until') ?? '';
  const judge = search.get('judge') ?? '';
  const agent = search.get('agent') ?? '';
  const preset = search.get('preset') ?? '';
  const tournament = search.get('tournament') ?? '';
  const query = search.toString();
  // Debates played in the lobby or over the API (source "arena") are in the selection.
  const playedHere = !!data && (source === '' || source === 'arena' || source === 'none') && data.sources.includes('arena');

  useEffect(() => {
    // The protocols as the server describes them (a preset names and titles itself).
    api
      .presets()
      .then((p) => setPresets(p.presets.map(({ name, title }) => ({ name, title }))))
      .catch(() => setPresets([]));
  }, []);

  useEffect(() => {
    document.title = 'Results · Oversight Arena';
    setError(null);
    api
      .results(query ? `?${query}` : '')
      .then(setData)
      .catch((e: Error) => setError(e.message));
  }, [query]);

  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(search);
    if (value) next.set(name, value);
    else next.delete(name);
    const qs = next.toString();
    navigate(`/results${qs ? `?${qs}` : ''}`, true);
  };

  return (
    <div className="results">
      <h1>Results</h1>
      <p className="lead">Does debate help a judge who cannot see the evidence? Accuracy of the judge's final verdict, by protocol, over finished debates.</p>
      {tournament && (
        <p className="small" data-testid="tournament-filter">
          Only the debates of tournament <strong>{tournament}</strong>.{' '}
          <button type="button" className="link" onClick={() => setFilter('tournament', '')}>
            Show all debates
          </button>
        </p>
      )}
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label>
          Scenario pack
          <select value={pack} onChange={(e) => setFilter('pack', e.target.value)}>
            <option value="">All packs</option>
            {data?.packs.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label>
          Source
          <select value={source} onChange={(e) => setFilter('source', e.target.value)}>
            <option value="">All sources</option>
            <option value="arena">Played here</option>
            {data?.sources
              .filter((s) => s !== 'arena')
              .map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
          </select>
        </label>
        <label>
          Protocol
          <select value={preset} onChange={(e) => setFilter('preset', e.target.value)}>
            <option value="">All protocols</option>
            {presets.map((p) => (
              <option key={p.name} value={p.name}>
                {p.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          Judge
          <select value={judge} onChange={(e) => setFilter('judge', e.target.value)}>
            <option value="">Human or AI</option>
            <option value="human">Human</option>
            <option value="ai">AI</option>
          </select>
        </label>
        <label>
          Agent
          <select value={agent} onChange={(e) => setFilter('agent', e.target.value)}>
            <option value="">Any agent</option>
            {data?.agents.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" value={since} onChange={(e) => setFilter('since', e.target.value)} />
        </label>
        <label>
          Until
          <input type="date" value={until} onChange={(e) => setFilter('until', e.target.value)} />
        </label>
      </form>
      {error && <ErrorBox>Could not load results: {error}</ErrorBox>}
      {!data && !error && <Loading what="results" />}
      {data && data.total === 0 && <p className="muted">No finished debates match these filters yet.</p>}
      {data && data.total > 0 && (
        <>
          <div className="table-scroll">
          <table className="results-table">
            <caption>Judge accuracy by protocol (95% Wilson and judge × question cluster-robust intervals)</caption>
            <thead>
              <tr>
                <th scope="col">Protocol</th>
                <th scope="col">Debates</th>
                <th scope="col">Correct</th>
                <th scope="col">Accuracy</th>
                <th scope="col">95% Wilson</th>
                <th scope="col">95% cluster</th>
                <th scope="col">Balanced (honest/dishonest)</th>
                <th scope="col">Mean judge score</th>
                <th scope="col">Brier</th>
                <th scope="col">ECE</th>
              </tr>
            </thead>
            <tbody>
              {data.report.byProtocol.map((r) => (
                <tr key={r.preset}>
                  <th scope="row">{r.preset}</th>
                  <td>{r.n}</td>
                  <td>{r.accuracy.successes}</td>
                  <td>
                    {r.accuracy.rate === null ? '—' : pct(r.accuracy.rate)}
                    <IntervalBar low={r.accuracy.low ?? 0} high={r.accuracy.high ?? 1} rate={r.accuracy.rate} />
                  </td>
                  <td>{range(r.accuracy)}</td>
                  <td>{range(r.accuracyCluster)}</td>
                  <td>{r.balanced ? `${r.balanced.rate === null ? '—' : pct(r.balanced.rate)} (${r.balanced.honest.n}/${r.balanced.dishonest.n})` : ''}</td>
                  <td>{fmt(r.meanJudgeScore)}</td>
                  <td>{fmt(r.brier)}</td>
                  <td>{fmt(r.ece)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          </div>
          {playedHere && (
            <p className="small caveat" data-testid="lobby-caveat">
              <strong>Debates played here are not blinded.</strong> Anyone may open a lobby debate on a public scenario, so a judge can see the same question argued in another debate first. Read these
              figures as a demonstration; for measurements, run a study (<code>arena study</code>) over a private scenario pack.
            </p>
          )}
          {data.report.comparisons.length > 0 && (
            <div className="table-scroll">
              <table className="results-table">
                <caption>Differences between protocols, paired over the questions judged under both</caption>
                <thead>
                  <tr>
                    <th scope="col">Difference</th>
                    <th scope="col">Scoring</th>
                    <th scope="col">Questions</th>
                    <th scope="col">Accuracy</th>
                    <th scope="col">95% paired t</th>
                    <th scope="col">95% cluster</th>
                  </tr>
                </thead>
                <tbody>
                  {data.report.comparisons.map((c) => (
                    <tr key={`${c.a}-${c.b}-${c.scoring}-${c.rooms.label}`}>
                      <th scope="row">
                        {c.a} − {c.b} ({c.rooms.label})
                      </th>
                      <td>{c.scoring}</td>
                      <td>{c.paired ? c.questions : 'unpaired'}</td>
                      <td>{fmt(c.difference)}</td>
                      <td>{range(c.normal)}</td>
                      <td>{range(c.cluster)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {data.report.ratings.map((r) => (
            <div className="table-scroll" key={`ratings-${r.preset}`}>
              <table className="results-table">
                <caption>
                  Debater ratings, {r.preset}: Bradley–Terry on the Elo scale, one rating as honest and one as dishonest, averaged over both assignments ({count(r.debates, 'debate')}, {r.crossPlay} between different
                  debaters; the honest debater won {r.honestWins.estimate === null ? '—' : pct(r.honestWins.estimate)})
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Debater</th>
                    <th scope="col">Debates</th>
                    <th scope="col">Elo</th>
                    <th scope="col">95% cluster</th>
                    <th scope="col">Elo honest</th>
                    <th scope="col">Elo dishonest</th>
                    <th scope="col">Win rate, both assignments</th>
                  </tr>
                </thead>
                <tbody>
                  {r.agents.map((a) => (
                    <tr key={a.agent}>
                      <th scope="row">{a.agent}</th>
                      <td>{a.debates}</td>
                      <td>{a.identified === false ? 'not identified' : elo(a.elo)}</td>
                      <td>{a.low === null || a.high === null ? '—' : `${elo(a.low)}–${elo(a.high)}`}</td>
                      <td>{elo(a.eloHonest)}</td>
                      <td>{elo(a.eloDishonest)}</td>
                      <td>{a.winRate === null ? '—' : pct(a.winRate)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
          {data.report.strength && (
            <section aria-label="Debater strength against judge accuracy">
              <h2>Debater strength against judge accuracy</h2>
              <p className="muted small">
                After Khan et al. (2024): each debater's rating in debate against the judge's accuracy when it debates a copy of itself and when it is the consultant ({data.report.strength.trends
                  .map((t) => `${t.protocol}: ${t.slopePer100 === null ? 'no slope' : `${t.slopePer100 >= 0 ? '+' : ''}${(t.slopePer100 * 100).toFixed(1)} points per 100 Elo`}`)
                  .join('; ')}). A tournament (<code>arena tournament</code>) plays both.
              </p>
              <StrengthPlot strength={data.report.strength} />
            </section>
          )}
          <p className="muted small">
            {data.report.tieRule} Judge score: log₂ p(correct) minus a penalty for each continue. The same numbers as <code>arena report</code> with the same filters.{' '}
            Download this selection: <a href={`/api/results?${withFormat(search, 'judgements')}`}>judgements.csv</a>, <a href={`/api/results?${withFormat(search, 'turns')}`}>turns.csv</a>.
          </p>
          <h2>Calibration</h2>
          <p className="muted small">Every final probability the judges stated (each answer), against how often that answer was correct; ECE by protocol is in the table.</p>
          <CalibrationPlot bins={mergeBins(data.report.byProtocol)} />
        </>
      )}
    </div>
  );
}

const elo = (x: number | null) => (x === null ? '—' : x.toFixed(0));

const range = (r: { low: number | null; high: number | null }) => (r.low === null || r.high === null ? '—' : `${pct(r.low)}–${pct(r.high)}`);

function withFormat(search: URLSearchParams, format: string): string {
  const next = new URLSearchParams(search);
  next.set('format', format);
  return next.toString();
}

/** The protocols' reliability bins pooled (n-weighted), for one plot of the whole selection. */
function mergeBins(rows: ResultsData['report']['byProtocol']): CalibrationBinOut[] {
  const first = rows[0]?.bins ?? [];
  return first.map((b, i) => {
    let n = 0, sp = 0, sf = 0;
    for (const r of rows) {
      const x = r.bins[i];
      if (!x || !x.n) continue;
      n += x.n;
      sp += x.n * (x.meanProbability ?? 0);
      sf += x.n * (x.frequency ?? 0);
    }
    return { low: b.low, high: b.high, n, meanProbability: n ? sp / n : null, frequency: n ? sf / n : null };
  });
}

function IntervalBar({ low, high, rate }: { low: number; high: number; rate: number | null }) {
  return (
    <svg className="interval" viewBox="0 0 100 10" width="100" height="10" aria-hidden="true">
      <rect x="0" y="4" width="100" height="2" className="track" />
      <rect x={low * 100} y="2" width={Math.max(1, (high - low) * 100)} height="6" className="ci" />
      {rate !== null && <rect x={rate * 100 - 1} y="0" width="2" height="10" className="point" />}
    </svg>
  );
}

/** A small reliability diagram drawn in SVG: bins' mean probability vs. frequency correct. */
function CalibrationPlot({ bins }: { bins: CalibrationBinOut[] }) {
  const scale = plotScale(320, 320, [0, 1], [0, 1]);
  const { x, y } = scale;
  const maxN = Math.max(1, ...bins.map((b) => b.n));
  const filled = bins.filter((b) => b.n > 0 && b.meanProbability !== null && b.frequency !== null);
  return (
    <PlotFrame
      scale={scale}
      xTicks={PERCENT_TICKS}
      yTicks={PERCENT_TICKS}
      xLabel="Stated probability"
      yLabel="Frequency correct"
      label="Calibration plot: stated probability against frequency correct"
      caption={<figcaption className="sr-only">{filled.map((b) => `${pct(b.low)} to ${pct(b.high)}: ${b.n} verdicts, ${pct(b.frequency!)} correct. `).join('')}</figcaption>}
    >
      <line x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} className="diag" />
      <polyline points={filled.map((b) => `${x(b.meanProbability!)},${y(b.frequency!)}`).join(' ')} className="curve" />
      {filled.map((b) => (
        <circle key={b.low} cx={x(b.meanProbability!)} cy={y(b.frequency!)} r={3 + 6 * Math.sqrt(b.n / maxN)} className="dot">
          <title>{`${pct(b.low)}–${pct(b.high)}: ${b.n} verdicts, mean ${pct(b.meanProbability!)}, correct ${pct(b.frequency!)}`}</title>
        </circle>
      ))}
    </PlotFrame>
  );
}
