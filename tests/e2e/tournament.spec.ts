import { expect, test } from '@playwright/test';
import { E2E_RESEARCHER_TOKEN } from '../../playwright.config.ts';
import { shot } from './helpers.ts';

/**
 * A tournament played on the server (POST /api/tournaments, built-in debaters), then its
 * results page: the ratings table and the plot of each debater's rating against the
 * judge's accuracy in debate and in consultancy, drawn as SVG.
 */
test('a tournament’s results page plots debater strength against judge accuracy', async ({ page, request }) => {
  const id = `e2e-${Date.now()}`;
  const res = await request.post('/api/tournaments', {
    headers: { authorization: `Bearer ${E2E_RESEARCHER_TOKEN}` },
    data: { id, agents: ['builtin:passage-debater', 'builtin:random'], format: 'round-robin', scenarios: ['the-lantern-room', 'the-matter-of-the-blue-gate', 'the-footbridge-fund'], visibility: 'public' },
  });
  expect(res.status()).toBe(200);
  const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string; played?: number; failed?: number });
  expect(lines.at(-1)).toMatchObject({ type: 'summary', played: 30, failed: 0 });
  // Without the researcher token the route refuses.
  expect((await request.post('/api/tournaments', { data: { id: `${id}-x`, agents: ['builtin:random', 'builtin:passage-debater'] } })).status()).toBe(401);

  await page.goto(`/results?tournament=${id}`);
  await expect(page.getByTestId('tournament-filter')).toContainText(id);
  await expect(page.getByRole('table').first()).toBeVisible();
  await expect(page.getByRole('caption').filter({ hasText: /Debater ratings, debate/ })).toBeVisible();
  const plot = page.getByRole('img', { name: /Debater rating against judge accuracy/ });
  await expect(plot).toBeVisible();
  // One point per debater and protocol.
  await expect(plot.locator('g.point')).toHaveCount(4);
  for (const agent of ['builtin:passage-debater', 'builtin:random']) {
    for (const protocol of ['debate', 'consultancy']) await expect(plot.locator(`g.point[data-agent="${agent}"][data-protocol="${protocol}"] circle`)).toHaveCount(1);
  }
  // The stronger debater sits to the right.
  const cx = async (agent: string) => Number(await plot.locator(`g.point[data-agent="${agent}"][data-protocol="debate"] circle`).getAttribute('cx'));
  expect(await cx('builtin:passage-debater')).toBeGreaterThan(await cx('builtin:random'));
  // The reliability diagram shares the plot's frame.
  await expect(page.getByRole('img', { name: /Calibration plot/ }).locator('circle.dot').first()).toBeVisible();
  await plot.scrollIntoViewIfNeeded();
  await shot(page, 'results-strength');
});
