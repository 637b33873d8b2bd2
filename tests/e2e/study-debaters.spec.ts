/**
 * Recruited human debaters in the browser: two debaters arrive by the debater link and
 * wait in the lobby; a judge arrives by the study link and is seated with them; the
 * debaters' study pages turn into their seats (the passage and the speech composer), they
 * argue, the judge gives a verdict, and all three end on their completion pages.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { E2E_RESEARCHER_TOKEN } from '../../playwright.config.ts';
import { judge, person, speak } from './helpers.ts';

const STUDY = 'e2e-debaters';
const REDIRECT = 'https://panel.example/complete?cc=';
const spec = {
  id: STUDY,
  title: 'Judging people who debate',
  seed: 'e2e-debaters-seed',
  scenarios: { ids: ['the-light-sacks-of-wendmere', 'log-of-the-petrel'] },
  // Items from the public pack, on purpose: the test is about recruited debaters, not about the items' exposure.
  publicItems: 'allow',
  conditions: [{ name: 'people', preset: 'debate', rules: { maxSpeechRounds: 1, minSpeechRoundsBeforeEnd: 1 }, debaters: 'human' }],
  itemsPerParticipant: 1,
  judgementsPerCell: 1,
  consent: '## Consent\nYou will take part in a short debate study.',
  instructions: '## How to judge\nGive a probability to each answer, then end when you are ready.',
  humanDebaters: { lobbySeconds: 120, debatesPerDebater: 1, instructions: '## How to debate\nArgue for your side with quotes.' },
  timeLimits: { participantMinutes: 60, itemMinutes: 20, idleSeconds: 30 },
  completion: { codes: { completed: 'DONE5678', declined: 'NOPE5678', failed: 'FAIL5678', timedOut: 'TIME5678', noCapacity: 'FULL5678' }, redirect: `${REDIRECT}{code}` },
};

async function arrive(browser: Browser, pid: string, role: 'judge' | 'debater'): Promise<Page> {
  const page = await person(browser, `/s/${STUDY}?PROLIFIC_PID=${pid}${role === 'debater' ? '&role=debater' : ''}`);
  await page.getByRole('button', { name: 'I agree to take part' }).click();
  await expect(page.getByRole('heading', { name: role === 'debater' ? 'How to debate' : 'How to judge' })).toBeVisible();
  await page.getByRole('button', { name: 'Start' }).click();
  return page;
}

test('two recruited debaters wait in the lobby, are seated with a judge, debate, and finish', async ({ browser, request }) => {
  test.setTimeout(120_000);
  const launched = await request.post('/api/studies', { headers: { authorization: `Bearer ${E2E_RESEARCHER_TOKEN}` }, data: { spec } });
  expect(launched.status()).toBe(201);
  expect((await launched.json()).debaterLink).toMatch(/&role=debater$/);

  const debaters = [await arrive(browser, 'DEB-1', 'debater'), await arrive(browser, 'DEB-2', 'debater')];
  for (const d of debaters) {
    await expect(d.getByRole('heading', { name: 'Waiting for a judge…' })).toBeVisible();
    await expect(d.getByRole('button', { name: 'Stop waiting and leave' })).toBeVisible();
  }

  const judgePage = await arrive(browser, 'JUDGE-1', 'judge');
  await expect(judgePage.getByTestId('study-item')).toHaveAttribute('data-kind', 'item');
  // Within a page refresh, each debater's lobby becomes their seat: the passage and the composer.
  for (const d of debaters) {
    await expect(d.getByTestId('study-item')).toHaveAttribute('data-kind', 'debate', { timeout: 10_000 });
    await expect(d.getByTestId('passage')).toBeVisible();
    await expect(d.locator('a')).toHaveCount(0);
  }
  await expect(judgePage.getByTestId('passage')).toHaveCount(0);

  // The judge's opening turn, one speech each, then the verdict.
  await judge(judgePage, 0, 60, false);
  // Whoever's turn it is speaks (the speaking order is drawn per debate).
  const spoken = new Set<number>();
  while (spoken.size < debaters.length) {
    let i = -1;
    await expect.poll(async () => (i = (await Promise.all(debaters.map((d) => d.getByTestId('turn-text').innerText()))).findIndex((t, k) => !spoken.has(k) && t.includes('Your turn'))), { timeout: 15_000 }).toBeGreaterThanOrEqual(0);
    await speak(debaters[i]!, `Debater ${i + 1} makes the case for their answer.`);
    spoken.add(i);
  }
  await expect(judgePage.getByRole('list', { name: 'Rounds' }).getByText('Debater 1 makes the case')).toBeVisible({ timeout: 15_000 });
  await judge(judgePage, 0, 80, true);
  await judgePage.getByTestId('study-next').click();

  for (const p of [judgePage, ...debaters]) {
    await expect(p.getByTestId('study-end')).toHaveAttribute('data-outcome', 'completed', { timeout: 15_000 });
    await expect(p.getByTestId('completion-code')).toHaveText('DONE5678');
  }
});
