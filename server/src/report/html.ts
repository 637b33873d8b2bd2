/**
 * The report as one self-contained HTML file (inline SVG plots, no scripts, no network),
 * for a paper's supplement: the tables of `arena report` and three plots drawn with
 * Vega-Lite, rendered to SVG on the server: accuracy with its intervals, the reliability
 * diagram, accuracy against coverage, and (with rated debaters) debater strength against
 * judge accuracy.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { formatReport } from './format.ts';
import type { Report } from './report.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

async function svg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}

const finite = (x: number) => (Number.isFinite(x) ? x : null);

/** Vega-Lite specs of the three plots (exported for the tests and for anyone who wants the data). */
export function plotSpecs(report: Report): { accuracy: TopLevelSpec; reliability: TopLevelSpec; coverage: TopLevelSpec; strength: TopLevelSpec | null } {
  const acc = report.byProtocol.flatMap((g) => [
    { protocol: g.preset, interval: 'Wilson', rate: finite(g.accuracy.rate), low: finite(g.accuracy.low), high: finite(g.accuracy.high) },
    { protocol: g.preset, interval: 'judge × question cluster', rate: finite(g.accuracy.rate), low: finite(g.accuracyCluster.low), high: finite(g.accuracyCluster.high) },
  ]);
  const bins = report.byProtocol.flatMap((g) => g.bins.filter((b) => b.n > 0).map((b) => ({ protocol: g.preset, stated: b.meanProbability, observed: b.frequency, n: b.n })));
  const coverage = report.byProtocol.flatMap((g) => g.coverage.filter((c) => c.kept > 0).map((c) => ({ protocol: g.preset, coverage: c.coverage, accuracy: c.accuracy, threshold: c.threshold })));
  const base = { width: 360, height: 240, background: 'white' } as const;
  return {
    strength: strengthSpec(report, base),
    accuracy: {
      ...base,
      title: 'Judge accuracy, 95% intervals',
      data: { values: acc },
      encoding: { y: { field: 'protocol', type: 'nominal', title: null }, yOffset: { field: 'interval' }, color: { field: 'interval', type: 'nominal', title: 'interval' } },
      layer: [
        { mark: 'rule', encoding: { x: { field: 'low', type: 'quantitative', scale: { domain: [0, 1] }, title: 'accuracy' }, x2: { field: 'high' } } },
        { mark: { type: 'point', filled: true }, encoding: { x: { field: 'rate', type: 'quantitative' } } },
      ],
    },
    reliability: {
      ...base,
      title: 'Reliability diagram (every stated final probability, 10 bins)',
      layer: [
        { data: { values: [{ x: 0, y: 0 }, { x: 1, y: 1 }] }, mark: { type: 'line', strokeDash: [4, 4], color: 'gray' }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } },
        {
          data: { values: bins },
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'stated', type: 'quantitative', scale: { domain: [0, 1] }, title: 'stated probability' },
            y: { field: 'observed', type: 'quantitative', scale: { domain: [0, 1] }, title: 'observed frequency' },
            color: { field: 'protocol', type: 'nominal' },
          },
        },
      ],
    },
    coverage: {
      ...base,
      title: 'Accuracy against coverage (less confident verdicts dropped)',
      data: { values: coverage },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'coverage', type: 'quantitative', scale: { domain: [0, 1] }, title: 'coverage (share of verdicts kept)' },
        y: { field: 'accuracy', type: 'quantitative', scale: { domain: [0, 1] }, title: 'accuracy of kept verdicts' },
        color: { field: 'protocol', type: 'nominal' },
      },
    },
  };
}

/**
 * Khan et al.'s headline plot: each debater's rating (Elo, with its 95% interval) against
 * the judge's accuracy when it debates a copy of itself and when it is the consultant
 * (95% Wilson), with a least-squares line per protocol. Null without rated debaters.
 */
function strengthSpec(report: Report, base: { width: number; height: number; background: string }): TopLevelSpec | null {
  const s = report.strength;
  if (!s) return null;
  const values = s.points.flatMap((p) =>
    p.elo === null
      ? []
      : (['debate', 'consultancy'] as const)
          .filter((protocol) => p[protocol].n > 0)
          .map((protocol) => ({ judge: p.judge, debater: p.agent, protocol, elo: p.elo, eloLow: finite(p.low), eloHigh: finite(p.high), accuracy: p[protocol].rate, low: p[protocol].low, high: p[protocol].high, n: p[protocol].n })),
  );
  if (values.length === 0) return null;
  const x = { field: 'elo', type: 'quantitative', scale: { zero: false }, title: 'debater rating (Elo, debate)' } as const;
  const y = { field: 'accuracy', type: 'quantitative', scale: { domain: [0, 1] }, title: 'judge accuracy' } as const;
  const color = { field: 'protocol', type: 'nominal', title: 'protocol' } as const;
  return {
    ...base,
    title: 'Debater strength against judge accuracy (95% intervals)',
    data: { values },
    layer: [
      { mark: 'rule', encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, color } },
      { mark: { type: 'rule', opacity: 0.4 }, encoding: { x: { field: 'eloLow', type: 'quantitative' }, x2: { field: 'eloHigh' }, y, color } },
      { mark: { type: 'point', filled: true, size: 60 }, encoding: { x, y, color, tooltip: [{ field: 'debater' }, { field: 'judge' }, { field: 'n' }] } },
      { transform: [{ regression: 'accuracy', on: 'elo', groupby: ['protocol'] }], mark: { type: 'line', strokeDash: [4, 3] }, encoding: { x, y, color } },
    ],
  } as TopLevelSpec;
}

/** The whole HTML document; `tables` go before the report's own (e.g. the NYU table by setting). */
export async function htmlReport(report: Report, title = 'Oversight Arena report', tables: readonly string[] = []): Promise<string> {
  const specs = plotSpecs(report);
  const [a, r, c, st] = await Promise.all([svg(specs.accuracy), svg(specs.reliability), svg(specs.coverage), specs.strength ? svg(specs.strength) : Promise.resolve('')]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:80em}pre{font-size:12px;overflow-x:auto;background:#f6f6f6;padding:1em}figure{display:inline-block;margin:1em}</style>
</head><body>
<h1>${esc(title)}</h1>
<figure>${a}</figure><figure>${r}</figure><figure>${c}</figure>${st ? `<figure id="strength">${st}</figure>` : ''}
<h2>Tables</h2>
${tables.map((t) => `<pre>${esc(t)}</pre>\n`).join('')}<pre>${esc(formatReport(report))}</pre>
<h2>Data</h2>
<script type="application/json" id="report-data">${JSON.stringify(report).replace(/</g, '\\u003c')}</script>
</body></html>
`;
}
