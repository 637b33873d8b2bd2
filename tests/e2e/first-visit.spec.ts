/**
 * What a newcomer meets on a wrong turn, in the browser: a refused seat link claims no
 * seat, and a study link to a study that is not there says so.
 */
import { expect, test } from '@playwright/test';
import { E2E_RESEARCHER_TOKEN } from '../../playwright.config.ts';

const auth = { authorization: `Bearer ${E2E_RESEARCHER_TOKEN}` };

test('a refused seat link shows the refusal and no "You are …" badge', async ({ page, request }) => {
  const res = await request.post('/api/debates', { data: { scenarioId: 'the-lantern-room', preset: 'debate' } });
  expect(res.status()).toBe(201);
  const { id } = (await res.json()) as { id: string };
  for (const link of [`/debate/${id}/A?token=not-the-token`, `/debate/${id}/A`]) {
    await page.goto(link);
    await expect(page.getByText(/Open the exact link you were given for this seat/)).toBeVisible();
    await expect(page.locator('.role-line .role')).toHaveCount(0);
    await expect(page.getByText('You are Debater A')).toHaveCount(0);
  }
});

test('a study link to a study that is not on the server says there is no such study', async ({ page }) => {
  await page.goto('/s/no-such-study-here');
  await expect(page.getByText('There is no study “no-such-study-here” on this server.')).toBeVisible();
  await expect(page.getByText(/open this study from the link your panel gave you/)).toHaveCount(0);
  // With the panel's ids as well.
  await page.goto('/s/no-such-study-here?PROLIFIC_PID=P1&STUDY_ID=s&SESSION_ID=x');
  await expect(page.getByText('There is no study “no-such-study-here” on this server.')).toBeVisible();
});

test('an existing study opened without the panel link still asks for that link', async ({ page, request }) => {
  const spec = {
    id: 'e2e-first-visit',
    title: 'First visit',
    seed: 'first-visit-seed',
    scenarios: { ids: ['log-of-the-petrel', 'the-quiet-relay'] },
    publicItems: 'allow',
    conditions: [{ name: 'blind', preset: 'blind' }],
    itemsPerParticipant: 1,
    judgementsPerCell: 1,
    consent: '## Consent\nYou will judge a short question.',
    instructions: '## How to judge\nWeigh the answers, then give your verdict.',
    completion: { codes: { completed: 'FV001234', declined: 'NOPE1234', failed: 'FAIL1234', timedOut: 'TIME1234', noCapacity: 'FULL1234' }, redirect: 'https://panel.example/done?cc={code}' },
  };
  const launched = await request.post('/api/studies', { headers: auth, data: { spec } });
  expect(launched.status(), await launched.text()).toBe(201);
  await page.goto('/s/e2e-first-visit');
  await expect(page.getByText('Please open this study from the link your panel gave you.')).toBeVisible();
});
