import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { expect, test } from '@playwright/test';
import { buildInspectViewer } from '../helpers/inspect-viewer/build.ts';

/**
 * An exported Inspect log opened in Inspect's own log viewer (@metrevals/inspect-log-viewer,
 * its static-HTTP mode): self-play debates stored, `arena export inspect` run on them, the
 * viewer served with the log folder, and the log's samples found on the page.
 */
const PORT = Number(process.env.ARENA_VIEWER_PORT ?? 4290);
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.woff2': 'font/woff2', '.woff': 'font/woff', '.svg': 'image/svg+xml' };

let server: Server;
let work: string;
let samples: { id: string }[];

function serve(root: string, logs: string): Server {
  return createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.startsWith('/logs/') ? join(logs, normalize(path.slice('/logs/'.length))) : join(root, normalize(path === '/' ? 'index.html' : path));
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': statSync(file).size });
    createReadStream(file).pipe(res);
  }).listen(PORT, '127.0.0.1');
}

test.beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'arena-inspect-'));
  const arena = (...args: string[]) => execFileSync(process.execPath, ['server/src/cli/run.ts', ...args, '--data-dir', join(work, 'data')], { encoding: 'utf8' });
  arena('selfplay', '--presets', 'debate,consultancy', '--seeds', '2', '--scenario', 'the-lantern-room,above-the-ninth-camp', '--no-progress');
  arena('export', 'inspect', '--out', join(work, 'logs'), '--no-progress');
  const log = readdirSync(join(work, 'logs')).find((f) => f !== 'listing.json')!;
  samples = (JSON.parse(readFileSync(join(work, 'logs', log), 'utf8')) as { samples: { id: string }[] }).samples;
  await buildInspectViewer(join(work, 'viewer'));
  server = serve(join(work, 'viewer'), join(work, 'logs'));
});

test.afterAll(() => {
  server?.close();
});

test("Inspect's log viewer opens an exported log and lists its samples", async ({ page }) => {
  expect(samples.length).toBe(8);
  await page.setViewportSize({ width: 1280, height: 2400 });
  await page.goto(`http://127.0.0.1:${PORT}/index.html?log_dir=logs`);
  // The log's header: the task, the judge, the number of samples, the accuracy scorer.
  await expect(page.getByText('oversight-arena/debate').first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText('builtin:passage-judge').first()).toBeVisible();
  await expect(page.locator('body')).toContainText(/8\s+samples/);
  // Every debate is a sample in the list.
  for (const s of samples) await expect(page.getByText(s.id, { exact: true }).first()).toBeVisible();
  // A sample opens with the judge's messages: its prompt and its reply.
  await page.getByText(samples[0]!.id, { exact: true }).first().click();
  await expect(page.getByText(/You are the judge of a/).first()).toBeVisible();
  await expect(page.getByText(/"probabilities"/).first()).toBeVisible();
});
