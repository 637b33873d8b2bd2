import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { judge, myTurn } from './helpers.ts';

// Its own port beside the suite's server (4173 + 17 = 4190 is on fetch's list of blocked ports).
const PORT = String(Number(process.env.E2E_PORT ?? 4173) + 50);
const TOKEN = 'restart-e2e-researcher-token-0123';
let server: ServerProcess | undefined;

test.afterAll(async () => {
  await server?.kill('SIGKILL');
});

test('after the server is killed and restarted, the judge page rejoins its seat by itself and the debate goes on', async ({ page }) => {
  const env = { PORT, ARENA_DATA_DIR: mkdtempSync(join(tmpdir(), 'arena-e2e-restart-')), ARENA_RESEARCHER_TOKEN: TOKEN, ARENA_RECONNECT_SECONDS: '2' };
  server = await startServerProcess(env);
  const created = (await (
    await fetch(`${server.http}/api/debates`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ scenarioId: 'the-lantern-room', preset: 'consultancy', seats: { A: { kind: 'agent', agent: 'builtin:passage-debater' } } }),
    })
  ).json()) as { seats: { judge: { path: string } } };
  await page.goto(`${server.http}${created.seats.judge.path}`);
  await expect(page.getByRole('button', { name: 'Continue the debate' })).toBeEnabled({ timeout: 15_000 });
  await page.getByTestId('prob-0').fill('60');
  await page.getByRole('button', { name: 'Continue the debate' }).click();
  // The consultant is an agent and answers at once: the judge's turn comes back with its speech.
  await expect(page.locator('ol.rounds > li')).toHaveCount(2, { timeout: 15_000 });
  await myTurn(page);

  await server.kill('SIGKILL');
  await expect(page.locator('.conn-reconnecting')).toBeVisible({ timeout: 15_000 });
  server = await startServerProcess(env);

  // No reload: the page joins again with its seat's token and gets its view back.
  await expect(page.locator('.conn-connected')).toBeVisible({ timeout: 20_000 });
  await judge(page, 0, 70, true);
  await expect(page.getByTestId('turn-text')).toContainText('The debate is over');
});
