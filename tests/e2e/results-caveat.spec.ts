import { expect, test } from '@playwright/test';
import { finishedAgentDebate, shot } from './helpers.ts';

test('the results page says that debates played here are not blinded, and points to studies for measurements', async ({ page, request }) => {
  // A debate played here (builtin agents, to its verdict), so the selection has debates from the lobby's source.
  await finishedAgentDebate(request);

  await page.goto('/results');
  const table = page.getByRole('table').first();
  await expect(table).toBeVisible();
  const caveat = page.getByTestId('lobby-caveat');
  await expect(caveat).toBeVisible();
  await expect(caveat).toContainText('not blinded');
  await expect(caveat).toContainText('study');
  await expect(caveat).toContainText('private scenario pack');
  // Right below the accuracy table, before anything else.
  expect(await table.locator('xpath=../following-sibling::*[1]').getAttribute('data-testid')).toBe('lobby-caveat');
  // Only debates played here: still shown.
  await page.getByLabel('Source').selectOption('arena');
  await expect(caveat).toBeVisible();
  await shot(page, 'results-caveat');
});
