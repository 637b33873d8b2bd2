import type { StrengthOut } from '@arena/shared';
import { pct } from './common.tsx';
import { PERCENT_TICKS, PlotFrame, plotScale } from './PlotFrame.tsx';

const PROTOCOLS = ['debate', 'consultancy'] as const;

/**
 * Khan et al.'s headline plot in SVG, in the frame of the page's reliability diagram: each
 * debater's rating in debate (x, Elo) against the judge's accuracy with it debating a copy
 * of itself and with it as consultant (y, with the 95% Wilson interval), and each
 * protocol's least-squares line.
 */
export function StrengthPlot({ strength }: { strength: StrengthOut }) {
  const points = strength.points.filter((p): p is typeof p & { elo: number } => p.elo !== null);
  if (points.length === 0) return null;
  // The x axis spans every rating and its interval.
  const elos = points.flatMap((p) => [p.elo, p.low, p.high].filter((e): e is number => e !== null && Number.isFinite(e)));
  const pad = Math.max(25, (Math.max(...elos) - Math.min(...elos)) * 0.05);
  const lo = Math.floor((Math.min(...elos) - pad) / 50) * 50;
  const hi = Math.ceil((Math.max(...elos) + pad) / 50) * 50;
  const scale = plotScale(420, 320, [lo, hi], [0, 1]);
  const { x, y } = scale;
  const xTicks = [0, 1, 2, 3, 4].map((i) => lo + (i * (hi - lo)) / 4).map((value) => ({ value, label: value.toFixed(0) }));
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
    <PlotFrame
      scale={scale}
      xTicks={xTicks}
      yTicks={PERCENT_TICKS}
      xLabel="Debater rating (Elo, debate)"
      yLabel="Judge accuracy"
      label="Debater rating against judge accuracy, in debate and in consultancy"
      className="strength-plot"
      caption={
        <figcaption className="small">
          <span className="key debate">●</span> debate (the debater against a copy of itself) <span className="key consultancy">●</span> consultancy (the debater as consultant); bars: 95% intervals;
          dashed: least-squares lines.
        </figcaption>
      }
    >
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
    </PlotFrame>
  );
}
