import { useEffect, useState } from 'react';
import { api, type Results as ResultsData } from '../api.ts';
import { ErrorBox, fmt, Loading, pct } from '../components/common.tsx';
import { navigate } from '../router.tsx';

/** /results — judge accuracy by protocol, with filters kept in the URL. */
export function Results({ search }: { search: URLSearchParams }) {
  const [data, setData] = useState<ResultsData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const pack = search.get('pack') ?? '';
  const source = search.get('source') ?? '';
  const since = search.get('since') ?? '';
  const until = search.get('until') ?? '';
  const query = search.toString();

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
            <caption>Judge accuracy by protocol (95% Wilson intervals)</caption>
            <thead>
              <tr>
                <th scope="col">Protocol</th>
                <th scope="col">Debates</th>
                <th scope="col">Correct</th>
                <th scope="col">Accuracy</th>
                <th scope="col">95% interval</th>
                <th scope="col">Mean judge score</th>
              </tr>
            </thead>
            <tbody>
              {data.byProtocol.map((r) => (
                <tr key={r.preset}>
                  <th scope="row">{r.preset}</th>
                  <td>{r.n}</td>
                  <td>{r.correct}</td>
                  <td>
                    {r.accuracy === null ? '—' : pct(r.accuracy)}
                    <IntervalBar low={r.low} high={r.high} rate={r.accuracy} />
                  </td>
                  <td>
                    {pct(r.low)}–{pct(r.high)}
                  </td>
                  <td>{fmt(r.meanJudgeScore)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          </div>
          <p className="muted small">
            The judge is correct when it puts strictly more probability on the correct answer than on any other. Judge score: log₂ p(correct) minus a penalty for each
            continue.
          </p>
          <h2>Calibration</h2>
          <p className="muted small">
            The judge's final probability on the answer it favoured, against how often that answer was correct ({data.calibration.points} {data.calibration.points === 1 ? 'verdict' : 'verdicts'}, expected calibration error{' '}
            {fmt(data.calibration.ece)}).
          </p>
          <CalibrationPlot bins={data.calibration.bins} />
        </>
      )}
    </div>
  );
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
function CalibrationPlot({ bins }: { bins: ResultsData['calibration']['bins'] }) {
  const W = 320;
  const H = 320;
  const m = { l: 44, r: 20, t: 12, b: 40 };
  const x = (p: number) => m.l + p * (W - m.l - m.r);
  const y = (p: number) => H - m.b - p * (H - m.t - m.b);
  const maxN = Math.max(1, ...bins.map((b) => b.n));
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const filled = bins.filter((b) => b.n > 0 && b.meanProbability !== null && b.frequency !== null);
  return (
    <figure className="calibration">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Calibration plot: stated probability against frequency correct">
        {ticks.map((t) => (
          <g key={t}>
            <line x1={x(0)} x2={x(1)} y1={y(t)} y2={y(t)} className="grid" />
            <line x1={x(t)} x2={x(t)} y1={y(0)} y2={y(1)} className="grid" />
            <text x={m.l - 6} y={y(t) + 4} textAnchor="end">
              {t * 100}%
            </text>
            <text x={x(t)} y={H - m.b + 16} textAnchor="middle">
              {t * 100}%
            </text>
          </g>
        ))}
        <line x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} className="diag" />
        <polyline points={filled.map((b) => `${x(b.meanProbability!)},${y(b.frequency!)}`).join(' ')} className="curve" />
        {filled.map((b) => (
          <circle key={b.low} cx={x(b.meanProbability!)} cy={y(b.frequency!)} r={3 + 6 * Math.sqrt(b.n / maxN)} className="dot">
            <title>{`${pct(b.low)}–${pct(b.high)}: ${b.n} verdicts, mean ${pct(b.meanProbability!)}, correct ${pct(b.frequency!)}`}</title>
          </circle>
        ))}
        <text x={(x(0) + x(1)) / 2} y={H - 6} textAnchor="middle" className="axis-label">
          Judge's probability on its favoured answer
        </text>
        <text transform={`translate(12 ${(y(0) + y(1)) / 2}) rotate(-90)`} textAnchor="middle" className="axis-label">
          Frequency correct
        </text>
      </svg>
      <figcaption className="sr-only">
        {filled.map((b) => `${pct(b.low)} to ${pct(b.high)}: ${b.n} verdicts, ${pct(b.frequency!)} correct. `).join('')}
      </figcaption>
    </figure>
  );
}
