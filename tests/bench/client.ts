/**
 * The web client's figures: the gzipped size of the built JavaScript, and the time
 * from opening a seat link in headless Chromium to an interactive debater page (the
 * passage and the submit button on screen), against a server started here.
 * Run alone with `node tests/bench/client.ts`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { createArena } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { openStores } from '../../server/src/stores.ts';

const DIST = 'client/dist';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Sum of the gzipped sizes of every JavaScript file of the build, in kB (1024 bytes). */
export function gzippedJsKb(dist = DIST): number {
  const assets = join(dist, 'assets');
  let bytes = 0;
  for (const f of readdirSync(assets)) if (f.endsWith('.js')) bytes += gzipSync(readFileSync(join(assets, f)), { level: 9 }).length;
  return bytes / 1024;
}

/** A server on the built client (built first if missing) and a headless Chromium, for the page benchmarks. */
export async function servedClient(name: string) {
  if (!existsSync(join(DIST, 'index.html'))) execFileSync('npm', ['run', 'build', '--silent', '-w', 'client'], { stdio: 'inherit' });
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    ARENA_DATA_DIR: mkdtempSync(join(tmpdir(), `arena-bench-${name}-`)),
    ARENA_RESEARCHER_TOKEN: 'bench-researcher-token-0123456789',
    ARENA_CLIENT_DIR: DIST,
  });
  const stores = await openStores({});
  const arena = await createArena(config, { stores });
  const port = await arena.listen();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const close = async () => {
    await browser.close();
    await arena.close();
    await stores.close();
  };
  return { arena, browser, base: `http://127.0.0.1:${port}`, close };
}

export async function benchClient(runs = 5): Promise<{ gzippedJsKb: number; seatLinkToInteractiveMs: number }> {
  const { arena, browser, base, close } = await servedClient('client');
  const times: number[] = [];
  try {
    const scenarioId = [...arena.services.scenarios.values()].find((s) => s.evidence.kind === 'passage')!.id;
    for (let i = 0; i < runs + 1; i++) {
      const res = await fetch(`${base}/api/debates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scenarioId, preset: 'debate' }) });
      if (res.status !== 201) throw new Error(`creating the debate failed: ${res.status} ${await res.text()}`);
      const created = (await res.json()) as { seats: Record<string, { path: string }> };
      // A fresh context each time: an empty cache, like a person opening the link for the first time.
      const context = await browser.newContext();
      const page = await context.newPage();
      const started = performance.now();
      await page.goto(`${base}${created.seats.A!.path}`);
      await page.getByTestId('passage').waitFor({ state: 'visible' });
      await page.getByRole('button', { name: 'Submit speech' }).waitFor({ state: 'visible' });
      const ms = performance.now() - started;
      if (i > 0) times.push(ms); // the first run warms the server's scenario and module caches
      await context.close();
    }
  } finally {
    await close();
  }
  times.sort((a, b) => a - b);
  return { gzippedJsKb: Math.round(gzippedJsKb() * 10) / 10, seatLinkToInteractiveMs: Math.round(times[Math.floor(times.length / 2)]!) };
}

if (process.argv[1]?.endsWith('tests/bench/client.ts')) {
  const r = await benchClient();
  console.log(`client      gzipped JS: ${r.gzippedJsKb} kB; seat link → interactive debater page: ${r.seatLinkToInteractiveMs} ms (median of 5, headless Chromium)`);
  process.exit(0);
}
