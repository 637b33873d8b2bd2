import { expect, test } from '@playwright/test';
import { createInLobby, person } from './helpers.ts';

test('the lobby stops watching a new debate once its creator opens a seat, so the room does not count them as watching', async ({ browser, page }) => {
  const link = await createInLobby(page);
  const created = page.getByTestId('created');
  const [linkB, linkJudge, linkObserver] = await Promise.all([link('Debater B'), link('Judge'), link('Observers')]);

  // Someone else takes seat B: while the lobby panel watches, the room counts it.
  const b = await person(browser, linkB);
  const watching = b.getByRole('list', { name: 'Who is in the room' }).locator('li.muted');
  await expect(watching).toHaveText('1 watching');
  await expect(created.getByRole('list', { name: 'Who is in the room' })).toContainText('Debater B');

  // The creator opens the judge's seat in another tab of the same browser: the lobby panel leaves.
  const mine = await page.context().newPage();
  await mine.goto(linkJudge);
  await expect(mine.getByText('You are the judge')).toBeVisible();
  await expect(created.getByTestId('lobby-presence-left')).toBeVisible();
  await expect(created.getByRole('list', { name: 'Who is in the room' })).toHaveCount(0);
  await expect(watching).toHaveText('0 watching');
  await expect(mine.getByRole('list', { name: 'Who is in the room' }).locator('li.muted')).toHaveText('0 watching');

  // A real observer is still counted.
  const watcher = await person(browser, linkObserver);
  await expect(watcher.getByText('Watching', { exact: true })).toBeVisible();
  await expect(watching).toHaveText('1 watching');
});
