/**
 * One participant through a study set up as a panel requires, in the browser: consent, the
 * comprehension quiz, a practice item, two items with the post-item questions after each
 * verdict, an attention check on its own page, and the completion redirect, with feedback
 * turned off (no verdict's correctness on the page). The paste into the comment box and the
 * time out of focus appear in judgements.csv.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { expect, test, type Page } from '@playwright/test';
import { E2E_RESEARCHER_TOKEN } from '../../playwright.config.ts';
import { judge, person } from './helpers.ts';

const STUDY = 'e2e-panel';
const auth = { authorization: `Bearer ${E2E_RESEARCHER_TOKEN}` };
const REDIRECT = 'https://panel.example/complete?cc=';

const spec = {
  id: STUDY,
  title: 'A panel-ready study',
  seed: 'e2e-panel-seed',
  scenarios: { ids: ['the-light-sacks-of-wendmere', 'log-of-the-petrel', 'the-quiet-relay'] },
  publicItems: 'allow',
  conditions: [
    { name: 'debate', preset: 'debate', rules: { maxSpeechRounds: 1 }, debaters: 'builtin:passage-debater' },
    { name: 'blind', preset: 'blind' },
  ],
  itemsPerParticipant: 2,
  judgementsPerCell: 1,
  practice: [{ scenario: 'the-footbridge-fund', condition: 'blind' }],
  attentionChecks: [{ after: 1, question: 'To show you are reading, choose Purple.', answers: ['Green', 'Purple'], correct: 1 }],
  comprehension: [{ question: 'Who can read the passage?', answers: ['The judge', 'The debaters'], correct: 1 }],
  postItemQuestions: [
    { id: 'confidence', prompt: 'How sure are you?', kind: 'scale', min: 1, max: 5 },
    { id: 'reason', prompt: 'Why?', kind: 'text', optional: true },
  ],
  feedback: 'never',
  consent: '## Consent\nYou will judge short debates.',
  instructions: '## How to judge\nOnly the debaters can read the passage.',
  completion: { codes: { completed: 'DONE5678', declined: 'NOPE5678', failed: 'FAIL5678', timedOut: 'TIME5678', noCapacity: 'FULL5678' }, redirect: `${REDIRECT}{code}` },
};

/** Asks the debaters for more until the judge may end (a debate needs a round of speeches first). */
async function untilCanEnd(page: Page): Promise<void> {
  const end = page.getByRole('button', { name: 'End and give verdict' });
  const more = page.getByRole('button', { name: 'Continue the debate' });
  const enabled = async (l: typeof end) => (await l.count()) > 0 && (await l.isEnabled({ timeout: 1000 }).catch(() => false));
  for (;;) {
    await expect.poll(async () => (await enabled(end)) || (await enabled(more)), { timeout: 20_000 }).toBe(true);
    if (await enabled(end)) return;
    // AI debaters answer at once, so the next judge turn may follow before the panel hides: wait for the turn to be recorded.
    const turns = await page.locator('li.judge-round').count();
    await page.getByTestId('prob-0').fill('60');
    await more.click();
    await expect(page.locator('li.judge-round')).toHaveCount(turns + 1);
  }
}

/** Gives the verdict on the item on screen, then (for a counted item) answers its questions, then goes on. */
async function judgeAndGoOn(page: Page, counted: boolean): Promise<void> {
  await untilCanEnd(page);
  await judge(page, 0, 80, true);
  // Feedback is off: the page says the verdict is recorded, nothing about whether it was right.
  await expect(page.getByTestId('verdict-recorded')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText(/correct answer/i)).toHaveCount(0);
  if (counted) {
    const questions = page.getByTestId('post-item-questions');
    await expect(questions).toBeVisible();
    await expect(page.getByTestId('study-next')).toBeDisabled();
    await questions.locator('label.scale-point').nth(3).click();
    await questions.getByLabel('Why?').fill('The quotes held up.');
    await page.getByTestId('post-item-submit').click();
  }
  await page.getByTestId('study-next').click();
}

test('a participant goes from the quiz through a check on its own page to the completion redirect, with feedback off', async ({ browser, request }) => {
  test.setTimeout(180_000);
  expect((await request.post('/api/studies', { headers: auth, data: { spec } })).status()).toBe(201);
  const page = await person(browser, `/s/${STUDY}?PROLIFIC_PID=PANEL-P1&STUDY_ID=panel&SESSION_ID=s1`);
  await page.getByRole('button', { name: 'I agree to take part' }).click();

  // The comprehension quiz: a wrong answer shows the instructions again, the right one starts.
  const quiz = page.getByTestId('study-quiz');
  await quiz.getByLabel('The judge').check();
  await quiz.getByRole('button', { name: 'Start' }).click();
  await expect(quiz).toContainText('1 try left');
  await quiz.getByLabel('The debaters').check();
  await quiz.getByRole('button', { name: 'Start' }).click();

  const item = page.getByTestId('study-item');
  await expect(item).toHaveAttribute('data-kind', 'practice');
  await judgeAndGoOn(page, false);

  // The first item: a paste into the comment box and a moment out of focus before the verdict.
  await expect(item).toHaveAttribute('data-kind', 'item');
  await untilCanEnd(page);
  await page.locator('#judge-comment').dispatchEvent('paste');
  await page.evaluate(() => (globalThis as unknown as EventTarget).dispatchEvent(new Event('blur')));
  await page.waitForTimeout(600);
  await page.evaluate(() => (globalThis as unknown as EventTarget).dispatchEvent(new Event('focus')));
  const firstItem = await item.locator('h1').innerText();
  await judgeAndGoOn(page, true);

  // The attention check, on its own page: the question, two answers, Submit; nothing of a debate.
  await expect(item).toHaveAttribute('data-kind', 'check', { timeout: 15_000 });
  const check = page.getByTestId('study-check');
  await expect(check).toContainText('choose Purple');
  // Labelled as what it is, at its place among the participant's steps.
  await expect(item.locator('.tag')).toHaveText('Attention check');
  await expect(page).toHaveTitle(/^Attention check \(3 of 4\) · A panel-ready study$/);
  await expect(page.locator('textarea')).toHaveCount(0);
  await check.getByLabel('Purple').check();
  await page.getByTestId('check-submit').click();
  await page.getByTestId('study-next').click();

  await expect(item).toHaveAttribute('data-kind', 'item');
  expect(await item.locator('h1').innerText()).not.toBe(firstItem);
  await judgeAndGoOn(page, true);

  await expect(page.getByTestId('study-end')).toHaveAttribute('data-outcome', 'completed', { timeout: 15_000 });
  await expect(page.getByTestId('completion-code')).toHaveText('DONE5678');
  await expect(page.getByTestId('completion-link')).toHaveAttribute('href', `${REDIRECT}DONE5678`);

  // judgements.csv: the answers and the integrity signals of the first item.
  await expect
    .poll(async () => {
      const csv = parseCsv(await (await request.get(`/api/studies/${STUDY}/export/judgements.csv`, { headers: auth })).text(), { columns: true }) as Record<string, string>[];
      const counted = csv.filter((r) => r.practice === 'FALSE' && r.check === 'FALSE');
      return counted.length === 2 && counted.every((r) => r.q_confidence === '4' && r.q_reason === 'The quotes held up.') && counted.some((r) => Number(r.pastes) >= 1 && Number(r.unfocused_seconds) > 0);
    }, { timeout: 15_000 })
    .toBe(true);
});
