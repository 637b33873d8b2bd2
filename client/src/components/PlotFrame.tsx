import type { ReactNode } from 'react';

/** Where a plot's drawing area sits in its SVG, and how values map into it. */
export interface PlotScale {
  width: number;
  height: number;
  margin: { l: number; r: number; t: number; b: number };
  /** Value → x pixel; the domain's ends are xTicks' first and last. */
  x: (v: number) => number;
  y: (v: number) => number;
}

/** A linear scale over [lo, hi] on each axis, inside the margins. */
export function plotScale(width: number, height: number, xDomain: [number, number], yDomain: [number, number], margin = { l: 44, r: 20, t: 12, b: 40 }): PlotScale {
  const [x0, x1] = xDomain;
  const [y0, y1] = yDomain;
  return {
    width,
    height,
    margin,
    x: (v) => margin.l + ((v - x0) / (x1 - x0)) * (width - margin.l - margin.r),
    y: (v) => height - margin.b - ((v - y0) / (y1 - y0)) * (height - margin.t - margin.b),
  };
}

/**
 * The frame the results page's SVG plots share: grid lines at the ticks, tick labels, the
 * axis titles and the figure around them (styled as `.calibration`); the plot draws inside.
 */
export function PlotFrame(props: {
  scale: PlotScale;
  xTicks: readonly { value: number; label: string }[];
  yTicks: readonly { value: number; label: string }[];
  xLabel: string;
  yLabel: string;
  label: string;
  className?: string;
  caption?: ReactNode;
  children: ReactNode;
}) {
  const { scale: s, xTicks, yTicks } = props;
  const [xa, xb] = [xTicks[0]?.value ?? 0, xTicks.at(-1)?.value ?? 1];
  const [ya, yb] = [yTicks[0]?.value ?? 0, yTicks.at(-1)?.value ?? 1];
  return (
    <figure className={`calibration ${props.className ?? ''}`.trim()}>
      <svg viewBox={`0 0 ${s.width} ${s.height}`} role="img" aria-label={props.label}>
        {yTicks.map((t) => (
          <g key={`y${t.value}`}>
            <line x1={s.x(xa)} x2={s.x(xb)} y1={s.y(t.value)} y2={s.y(t.value)} className="grid" />
            <text x={s.margin.l - 6} y={s.y(t.value) + 4} textAnchor="end">
              {t.label}
            </text>
          </g>
        ))}
        {xTicks.map((t) => (
          <g key={`x${t.value}`}>
            <line x1={s.x(t.value)} x2={s.x(t.value)} y1={s.y(ya)} y2={s.y(yb)} className="grid" />
            <text x={s.x(t.value)} y={s.height - s.margin.b + 16} textAnchor="middle">
              {t.label}
            </text>
          </g>
        ))}
        {props.children}
        <text x={(s.x(xa) + s.x(xb)) / 2} y={s.height - 6} textAnchor="middle" className="axis-label">
          {props.xLabel}
        </text>
        <text transform={`translate(12 ${(s.y(ya) + s.y(yb)) / 2}) rotate(-90)`} textAnchor="middle" className="axis-label">
          {props.yLabel}
        </text>
      </svg>
      {props.caption}
    </figure>
  );
}

/** Ticks at 0, 25, 50, 75 and 100%. */
export const PERCENT_TICKS = [0, 0.25, 0.5, 0.75, 1].map((value) => ({ value, label: `${value * 100}%` }));
