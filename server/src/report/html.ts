/**
 * The report as one self-contained HTML file (inline SVG plots, no scripts, no network),
 * for a paper's supplement: the tables of `arena report` and three plots drawn with
 * Vega-Lite, rendered to SVG on the server: accuracy with its intervals, the reliability
 * diagram, and accuracy against coverage.
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
export function plotSpecs(report: Report): { accuracy: TopLevelSpec; reliability: TopLevelSpec; coverage: TopLevelSpec } {
  const acc = report.byProtocol.flatMap((g) => [
    { protocol: g.preset, interval: 'Wilson', rate: finite(g.accuracy.rate), low: finite(g.accuracy.low), high: finite(g.accuracy.high) },
    { protocol: g.preset, interval: 'judge × question cluster', rate: finite(g.accuracy.rate), low: finite(g.accuracyCluster.low), high: finite(g.accuracyCluster.high) },
  ]);
  const bins = report.byProtocol.flatMap((g) => g.bins.filter((b) => b.n > 0).map((b) => ({ protocol: g.preset, stated: b.meanProbability, observed: b.frequency, n: b.n })));
  const coverage = report.byProtocol.flatMap((g) => g.coverage.filter((c) => c.kept > 0).map((c) => ({ protocol: g.preset, coverage: c.coverage, accuracy: c.accuracy, threshold: c.threshold })));
  const base = { width: 360, height: 240, background: 'white' } as const;
  return {
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

/** The whole HTML document; `tables` go before the report's own (e.g. the NYU table by setting). */
export async function htmlReport(report: Report, title = 'Oversight Arena report', tables: readonly string[] = []): Promise<string> {
  const specs = plotSpecs(report);
  const [a, r, c] = await Promise.all([svg(specs.accuracy), svg(specs.reliability), svg(specs.coverage)]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:80em}pre{font-size:12px;overflow-x:auto;background:#f6f6f6;padding:1em}figure{display:inline-block;margin:1em}</style>
</head><body>
<h1>${esc(title)}</h1>
<figure>${a}</figure><figure>${r}</figure><figure>${c}</figure>
<h2>Tables</h2>
${tables.map((t) => `<pre>${esc(t)}</pre>\n`).join('')}<pre>${esc(formatReport(report))}</pre>
<h2>Data</h2>
<script type="application/json" id="report-data">${JSON.stringify(report).replace(/</g, '\\u003c')}</script>
</body></html>
`;
}
