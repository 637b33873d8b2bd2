import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

/**
 * Browser tests against the real server serving the built client (npm test builds it
 * first). Debian's Chromium by default; CHROMIUM_PATH points elsewhere (e.g. Playwright's own).
 */
const PORT = Number(process.env.E2E_PORT ?? 4173);
// Created once in the main process; workers inherit the variable instead of making their own.
process.env.ARENA_E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'arena-e2e-'));

export const E2E_RESEARCHER_TOKEN = 'e2e-researcher-token-0123456789';

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 2,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  webServer: {
    command: 'node server/src/main.ts',
    url: `http://127.0.0.1:${PORT}/api/health`,
    reuseExistingServer: false,
    timeout: 90_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(PORT),
      HOST: '127.0.0.1',
      ARENA_DATA_DIR: process.env.ARENA_E2E_DATA_DIR,
      ARENA_RESEARCHER_TOKEN: E2E_RESEARCHER_TOKEN,
      ARENA_RECONNECT_SECONDS: '20',
      // Every browser test creates its debates from 127.0.0.1, anonymously like the lobby; the
      // per-address limit on that is tested in tests/integration/http-create-policy.test.ts.
      ARENA_LOBBY_CREATE_LIMIT: '1000',
    },
  },
});
