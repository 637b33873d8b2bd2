/**
 * A judge's seat link on the wire: bytes received and time from the start of the navigation
 * to the first control (the judge's probability field, enabled, as the page itself records
 * it), cold (an empty cache) and warm (the same browser again, hashed files from its
 * cache), on the bare network and on Chromium's
 * Slow 4G profile (562.5 ms latency, 180 kB/s down, 84 kB/s up) with the CPU 4× slower,
 * against a server started here. Run alone with `node tests/bench/page.ts`.
 */
import type { Browser, CDPSession } from '@playwright/test';
import { servedClient } from './client.ts';

/** Chromium DevTools' "Slow 4G" preset. */
const SLOW_4G = { offline: false, latency: 562.5, downloadThroughput: (1.6 * 1000 * 1000 * 0.9) / 8, uploadThroughput: (750 * 1000 * 0.9) / 8 };

export interface PageLoad {
  kB: number;
  /** The median of the runs. */
  ms: number;
  /** Every run's time, in the order run. */
  runs: number[];
}

/** Loads per case: the median is reported, with the range. */
const RUNS = 3;
export interface PageBench {
  fast: { cold: PageLoad; warm: PageLoad };
  slow: { cold: PageLoad; warm: PageLoad };
}

/**
 * Marks, in the page itself, the moment the judge's first control is usable: the probability
 * field present and enabled, in milliseconds since the navigation started (performance.now()).
 * Read back through the DevTools protocol once it is set, so no test-driver script runs in the
 * page while it loads (on a 4× slower CPU that alone took about 100 ms).
 */
const MARK_FIRST_CONTROL = `{
  const check = () => {
    const field = document.querySelector('[data-testid="prob-0"]');
    if (!field || field.disabled || window.__firstControl !== undefined) return;
    window.__firstControl = performance.now();
    observer.disconnect();
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['disabled'] });
}`;

/** Opens `url` in `browser`'s context and measures until the judge's first control is usable. */
async function load(context: Awaited<ReturnType<Browser['newContext']>>, url: string, slow: boolean): Promise<{ kB: number; ms: number }> {
  const page = await context.newPage();
  await page.addInitScript(MARK_FIRST_CONTROL);
  const cdp: CDPSession = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  if (slow) {
    await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  }
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => (bytes += e.encodedDataLength));
  await page.goto(url, { waitUntil: 'commit' });
  const deadline = Date.now() + 60_000;
  let ms: number | undefined;
  while (ms === undefined) {
    if (Date.now() > deadline) throw new Error(`the judge's first control was not usable within 60 s at ${url}`);
    await new Promise((r) => setTimeout(r, 250));
    const { result } = (await cdp.send('Runtime.evaluate', { expression: 'window.__firstControl', returnByValue: true })) as { result: { value?: number } };
    ms = result.value;
  }
  // Everything the load asked for has arrived by now; the bytes are counted once the page is closed.
  await page.close();
  return { kB: Math.round(bytes / 102.4) / 10, ms: Math.round(ms) };
}

export async function benchPage(): Promise<PageBench> {
  const { arena, browser, base, close } = await servedClient('page');
  const scenarioId = [...arena.services.scenarios.values()].find((s) => s.evidence.kind === 'passage')!.id;
  const judgeLink = async () => {
    const res = await fetch(`${base}/api/debates`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenarioId, preset: 'debate', seats: { A: { kind: 'agent', agent: 'builtin:passage-debater' }, B: { kind: 'agent', agent: 'builtin:passage-debater' } } }),
    });
    if (res.status !== 201) throw new Error(`creating the debate failed: ${res.status} ${await res.text()}`);
    return `${base}${((await res.json()) as { seats: { judge: { path: string } } }).seats.judge.path}`;
  };
  try {
    // One load first, thrown away: it warms the server's caches, not the browser's.
    const warmup = await browser.newContext();
    await load(warmup, await judgeLink(), false);
    await warmup.close();
    const out = {} as PageBench;
    for (const slow of [false, true]) {
      const cold: { kB: number; ms: number }[] = [];
      const warm: { kB: number; ms: number }[] = [];
      for (let i = 0; i < RUNS; i++) {
        // A new browser context each run: an empty cache for the cold load, then the warm one in it.
        const context = await browser.newContext();
        cold.push(await load(context, await judgeLink(), slow));
        warm.push(await load(context, await judgeLink(), slow));
        await context.close();
      }
      out[slow ? 'slow' : 'fast'] = { cold: summarise(cold), warm: summarise(warm) };
    }
    return out;
  } finally {
    await close();
  }
}

/** The runs' bytes (the largest) and their median time, with every time. */
function summarise(runs: { kB: number; ms: number }[]): PageLoad {
  const times = runs.map((r) => r.ms);
  const sorted = [...times].sort((a, b) => a - b);
  return { kB: Math.max(...runs.map((r) => r.kB)), ms: sorted[Math.floor(sorted.length / 2)]!, runs: times };
}

export function pageLines(r: PageBench): string[] {
  const one = (l: PageLoad) => `${l.kB} kB, ${l.ms} ms (runs ${l.runs.join(', ')})`;
  return [
    `page        judge's seat link → first control, median of ${RUNS} (headless Chromium): cold ${one(r.fast.cold)}; warm ${one(r.fast.warm)}`,
    `            on Slow 4G with a 4× slower CPU: cold ${one(r.slow.cold)}; warm ${one(r.slow.warm)}`,
  ];
}

if (process.argv[1]?.endsWith('tests/bench/page.ts')) {
  for (const line of pageLines(await benchPage())) console.log(line);
  process.exit(0);
}
