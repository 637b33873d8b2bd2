/**
 * A judge's seat link on the wire: bytes received and time from navigation to the first
 * control (the judge's probability field, enabled), cold (an empty cache) and warm (the
 * same browser again, hashed files from its cache), on the bare network and on Chromium's
 * Slow 4G profile (562.5 ms latency, 180 kB/s down, 84 kB/s up) with the CPU 4× slower,
 * against a server started here. Run alone with `node tests/bench/page.ts`.
 */
import type { Browser, CDPSession } from '@playwright/test';
import { servedClient } from './client.ts';


/** Chromium DevTools' "Slow 4G" preset. */
const SLOW_4G = { offline: false, latency: 562.5, downloadThroughput: (1.6 * 1000 * 1000 * 0.9) / 8, uploadThroughput: (750 * 1000 * 0.9) / 8 };

export interface PageLoad {
  kB: number;
  ms: number;
}
export interface PageBench {
  fast: { cold: PageLoad; warm: PageLoad };
  slow: { cold: PageLoad; warm: PageLoad };
}

/** Opens `url` in `browser`'s context and measures until the judge's first control is usable. */
async function load(context: Awaited<ReturnType<Browser['newContext']>>, url: string, slow: boolean): Promise<PageLoad> {
  const page = await context.newPage();
  const cdp: CDPSession = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  if (slow) {
    await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  }
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => (bytes += e.encodedDataLength));
  const started = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  const field = page.getByTestId('prob-0');
  await field.waitFor({ state: 'visible', timeout: 60_000 });
  await page.waitForFunction((el) => !(el as unknown as { disabled: boolean }).disabled, await field.elementHandle(), { timeout: 60_000 });
  const ms = performance.now() - started;
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
      const context = await browser.newContext();
      const cold = await load(context, await judgeLink(), slow);
      const warm = await load(context, await judgeLink(), slow);
      await context.close();
      out[slow ? 'slow' : 'fast'] = { cold, warm };
    }
    return out;
  } finally {
    await close();
  }
}

export function pageLines(r: PageBench): string[] {
  const one = (l: PageLoad) => `${l.kB} kB, ${l.ms} ms`;
  return [
    `page        judge's seat link → first control (headless Chromium): cold ${one(r.fast.cold)}; warm ${one(r.fast.warm)}`,
    `            on Slow 4G with a 4× slower CPU: cold ${one(r.slow.cold)}; warm ${one(r.slow.warm)}`,
  ];
}

if (process.argv[1]?.endsWith('tests/bench/page.ts')) {
  for (const line of pageLines(await benchPage())) console.log(line);
  process.exit(0);
}
