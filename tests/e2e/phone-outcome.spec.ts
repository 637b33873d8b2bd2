import { expect, test, type Page } from '@playwright/test';
import { judge, shot } from './helpers.ts';

const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

/** The status bar's outcome, within the first screen of a phone (scrolled to the top). */
async function outcomeOnFirstScreen(page: Page, who: 'You were' | 'The judge was'): Promise<string> {
  await page.evaluate('window.scrollTo(0, 0)');
  const outcome = page.getByTestId('status-bar').getByTestId('status-outcome');
  await expect(outcome).toBeVisible();
  await expect(outcome).toContainText(new RegExp(`^${who} (right|wrong)\\. Correct answer: `));
  const box = (await outcome.boundingBox())!;
  expect(box.y + box.height).toBeLessThanOrEqual(844);
  return outcome.innerText();
}

test('on a phone, the finished debate says at the top whether the judge was right and the correct answer', async ({ browser, request }) => {
  test.setTimeout(90_000);
  const res = await request.post('/api/debates', {
    data: { scenarioId: 'the-lantern-room', preset: 'debate', seats: { A: { kind: 'agent', agent: 'builtin:passage-debater' }, B: { kind: 'agent', agent: 'builtin:passage-debater' } } },
  });
  expect(res.status()).toBe(201);
  const created = (await res.json()) as { seats: Record<string, { path?: string }>; observerPath: string };
  const open = async (path: string) => {
    const page = await (await browser.newContext(phone)).newPage();
    await page.goto(path);
    return page;
  };
  const j = await open(created.seats.judge!.path!);
  const watcher = await open(created.observerPath);
  // The prior; the AI debaters answer at once, so the judge's next turn may come before the button could be seen to go.
  const go = j.getByRole('button', { name: 'Continue the debate' });
  await expect(go).toBeEnabled({ timeout: 15_000 });
  await go.click();
  await expect(j.getByRole('list', { name: 'Rounds' }).locator('.speech')).toHaveCount(2, { timeout: 15_000 });
  await judge(j, 0, 80, true);
  await expect(j.getByTestId('turn-text')).toHaveText('The debate is over.');

  // The verdict box below the answers says the same.
  const verdict = j.getByRole('region', { name: 'Verdict' });
  await expect(verdict).toBeVisible();
  const right = (await verdict.locator('h3').innerText()).includes('right');
  const answer = (await verdict.locator('p').first().innerText()).replace(/^Correct answer: /, '');
  const mine = await outcomeOnFirstScreen(j, 'You were');
  await shot(j, 'judge-verdict-phone');
  expect(mine).toContain(right ? 'You were right.' : 'You were wrong.');
  expect(mine).toContain(`Correct answer: ${answer}`);
  // The verdict box itself is below the first screen on a phone; the status bar's button goes there.
  await j.getByTestId('status-outcome').getByRole('button', { name: 'The verdict ↓' }).click();
  await expect(verdict).toBeFocused();
  await expect(verdict).toBeInViewport();

  await expect(watcher.getByRole('region', { name: 'Verdict' })).toBeVisible();
  expect(await outcomeOnFirstScreen(watcher, 'The judge was')).toContain(right ? 'The judge was right.' : 'The judge was wrong.');
  // Nothing wider than the screen.
  for (const p of [j, watcher]) expect(await p.locator('html').evaluate((el) => (el as unknown as { scrollWidth: number }).scrollWidth)).toBeLessThanOrEqual(390);
});
