import type { StrengthOut } from '@arena/shared';
import { pct } from './common.tsx';

const PROTOCOLS = ['debate', 'consultancy'] as const;

/**
 * Khan et al.'s headline plot in SVG, drawn like the page's reliability diagram: each
 * debater's rating in debate (x, Elo) against the judge's accuracy with it debating a copy
 * of itself and with it as consultant (y, with the 95% Wilson interval), and each
 * protocol's least-squares line.
 */
export function StrengthPlot({ strength }: { strength: StrengthOut }) {
  const points = strength.points.filter((p): p is typeof p & { elo: number } => p.elo !== null);
  if (points.length === 0) return null;
  const W = 420;
  const H = 320;
  const m = { l: 44, r: 20, t: 12, b: 40 };
  const elos = points.map((p) => p.elo);
  const pad = Math.max(50, (Math.max(...elos) - Math.min(...elos)) * 0.1);
  const lo = Math.floor((Math.min(...elos) - pad) / 50) * 50;
  const hi = Math.ceil((Math.max(...elos) + pad) / 50) * 50;
  const x = (e: number) => m.l + ((e - lo) / (hi - lo)) * (W - m.l - m.r);
  const y = (p: number) => H - m.b - p * (H - m.t - m.b);
  const yTicks = [0, 0.25, 0.5, 0.75, 1];
  const step = (hi - lo) / 4;
  const xTicks = [0, 1, 2, 3, 4].map((i) => Math.round(lo + i * step));
  const lines = PROTOCOLS.flatMap((protocol) =>
    [...new Set(points.map((p) => p.judge))].flatMap((judge) => {
      const trend = strength.trends.find((t) => t.judge === judge && t.protocol === protocol);
      const own = points.filter((p) => p.judge === judge && p[protocol].n > 0 && p[protocol].rate !== null);
      if (!trend || trend.slopePer100 === null || own.length < 2) return [];
      const mx = own.reduce((s, p) => s + p.elo, 0) / own.length;
      const my = own.reduce((s, p) => s + (p[protocol].rate as number), 0) / own.length;
      const at = (e: number) => Math.min(1, Math.max(0, my + ((trend.slopePer100 as number) * (e - mx)) / 100));
      const [a, b] = [Math.min(...own.map((p) => p.elo)), Math.max(...own.map((p) => p.elo))];
      return [{ key: `${judge}-${protocol}`, protocol, x1: x(a), y1: y(at(a)), x2: x(b), y2: y(at(b)) }];
    }),
  );
  return (
    <figure className="calibration strength-plot">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Debater rating against judge accuracy, in debate and in consultancy">
        {yTicks.map((t) => (
          <g key={`y${t}`}>
            <line x1={x(lo)} x2={x(hi)} y1={y(t)} y2={y(t)} className="grid" />
            <text x={m.l - 6} y={y(t) + 4} textAnchor="end">
              {t * 100}%
            </text>
          </g>
        ))}
        {xTicks.map((t) => (
          <g key={`x${t}`}>
            <line x1={x(t)} x2={x(t)} y1={y(0)} y2={y(1)} className="grid" />
            <text x={x(t)} y={H - m.b + 16} textAnchor="middle">
              {t}
            </text>
          </g>
        ))}
        {lines.map((l) => (
          <line key={l.key} x1={l.x1} y1={l.y1} x2={l.x2} y2={l.y2} className={`trend ${l.protocol}`} />
        ))}
        {points.flatMap((p) =>
          PROTOCOLS.filter((protocol) => p[protocol].n > 0 && p[protocol].rate !== null).map((protocol) => {
            const a = p[protocol];
            return (
              <g key={`${p.judge}-${p.agent}-${protocol}`} className={`point ${protocol}`} data-agent={p.agent} data-protocol={protocol}>
                <line x1={x(p.elo)} x2={x(p.elo)} y1={y(a.low ?? 0)} y2={y(a.high ?? 1)} className="ci" />
                {p.low !== null && p.high !== null && <line x1={x(p.low)} x2={x(p.high)} y1={y(a.rate as number)} y2={y(a.rate as number)} className="ci elo" />}
                <circle cx={x(p.elo)} cy={y(a.rate as number)} r={4.5} className="dot">
                  <title>{`${p.agent}, ${protocol}: Elo ${p.elo.toFixed(0)}, accuracy ${pct(a.rate as number)} (${a.correct}/${a.n}; 95% ${pct(a.low ?? 0)}–${pct(a.high ?? 1)}), judge ${p.judge}`}</title>
                </circle>
              </g>
            );
          }),
        )}
        <text x={(x(lo) + x(hi)) / 2} y={H - 6} textAnchor="middle" className="axis-label">
          Debater rating (Elo, debate)
        </text>
        <text transform={`translate(12 ${(y(0) + y(1)) / 2}) rotate(-90)`} textAnchor="middle" className="axis-label">
          Judge accuracy
        </text>
      </svg>
      <figcaption className="small">
        <span className="key debate">●</span> debate (the debater against a copy of itself) <span className="key consultancy">●</span> consultancy (the debater as consultant); bars: 95% intervals; dashed: least-squares
        lines.
      </figcaption>
    </figure>
  );
}
