import { expect, test } from '@playwright/test';
import { judge, myTurn, person, speak } from './helpers.ts';

test('the lobby offers the presets the server describes; open consultancy and the expert judge play to a verdict in the browser', async ({ browser, page }) => {
  await page.goto('/');
  await page.getByLabel('Scenario', { exact: true }).selectOption('the-lantern-room');
  // Titles and descriptions come from GET /api/presets, not from the client.
  for (const title of ['Debate', 'Consultancy', 'Blind judge', 'Expert judge', 'Open consultancy', 'Open debate']) {
    await expect(page.getByRole('radio', { name: title, exact: true })).toBeVisible();
  }
  await expect(page.getByRole('radio', { name: 'Pixel debate', exact: true })).toHaveCount(0);
  await page.getByRole('radio', { name: 'Open consultancy', exact: true }).check();
  await expect(page.getByTestId('preset-description')).toContainText('first chooses which answer to argue');
  await page.getByRole('button', { name: 'Create debate' }).click();
  const created = page.getByTestId('created');
  const link = (label: string) => created.getByRole('textbox', { name: `${label} link` }).inputValue();
  const [linkA, linkJudge] = await Promise.all([link('Debater A'), link('Judge')]);
  const a = await person(browser, linkA);
  const j = await person(browser, linkJudge);

  await myTurn(a);
  await expect(a.getByTestId('turn-text')).toContainText('choose the answer you will argue');
  await expect(j.getByTestId('turn-text')).toContainText('Debater A is choosing');
  await a.getByRole('button', { name: /^Argue for 2:/ }).click();
  await expect(j.getByText('Debater A chose to argue 2.')).toBeVisible();
  await judge(j, 1, 60, false);
  await speak(a, 'I chose this answer because the passage supports it.');
  await judge(j, 1, 70, true);
  await expect(j.getByText(/correct answer/i).first()).toBeVisible();

  // The expert judge reads the passage itself.
  await page.goto('/');
  await page.getByLabel('Scenario', { exact: true }).selectOption('the-lantern-room');
  await page.getByRole('radio', { name: 'Expert judge', exact: true }).check();
  await page.getByRole('button', { name: 'Create debate' }).click();
  const expertJudge = await person(browser, await page.getByTestId('created').getByRole('textbox', { name: 'Judge link' }).inputValue());
  await expect(expertJudge.getByRole('complementary', { name: 'The passage' }).getByTestId('passage')).toBeVisible();
  await judge(expertJudge, 0, 80, true);
  await expect(expertJudge.getByTestId('turn-text')).toContainText('The debate is over.');
});
