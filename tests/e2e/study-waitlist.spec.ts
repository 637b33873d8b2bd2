/**
 * The waitlist in the browser: a participant who starts while the study's only place is held
 * by someone still at work is told so and waits; when that person drops out, the waiting page
 * moves on by itself to the item.
 */
import { expect, test } from '@playwright/test';
import { E2E_RESEARCHER_TOKEN } from '../../playwright.config.ts';
import { person } from './helpers.ts';

const STUDY = 'e2e-waitlist';
const auth = { authorization: `Bearer ${E2E_RESEARCHER_TOKEN}` };

const spec = {
  id: STUDY,
  title: 'A study with one place',
  seed: 'e2e-waitlist-seed',
  scenarios: { ids: ['the-light-sacks-of-wendmere'] },
  publicItems: 'allow',
  conditions: [{ name: 'blind', preset: 'blind' }],
  itemsPerParticipant: 1,
  judgementsPerCell: 1,
  timeLimits: { idleSeconds: 4 },
  consent: '## Consent\nYou will judge a short question.',
  instructions: '## How to judge\nGive a probability to each answer.',
  completion: { codes: { completed: 'DONE9012', declined: 'NOPE9012', failed: 'FAIL9012', timedOut: 'TIME9012', noCapacity: 'FULL9012' }, redirect: 'https://panel.example/complete?cc={code}' },
};

test('a participant who finds every place held waits, and takes the place when its holder drops out', async ({ browser, request }) => {
  test.setTimeout(90_000);
  expect((await request.post('/api/studies', { headers: auth, data: { spec } })).status()).toBe(201);
  // The first participant takes the only place (their page beating), and goes silent once the second waits.
  const { token } = await (await request.post(`/api/studies/${STUDY}/enter`, { data: { pid: 'HOLDER' } })).json();
  const as = { authorization: `Bearer ${token}` };
  await request.post(`/api/studies/${STUDY}/me/consent`, { headers: as, data: { agree: true } });
  expect((await (await request.post(`/api/studies/${STUDY}/me/start`, { headers: as, data: {} })).json()).stage).toBe('items');
  const heartbeat = setInterval(() => void request.post(`/api/studies/${STUDY}/me/seen`, { headers: as, data: {} }).catch(() => {}), 1000);
  const page = await person(browser, `/s/${STUDY}?PROLIFIC_PID=WAITER&STUDY_ID=panel&SESSION_ID=w1`);
  const waiting = page.getByTestId('study-waitlist');
  try {
    await page.getByRole('button', { name: 'I agree to take part' }).click();
    await page.getByRole('button', { name: 'Start' }).click();
    await expect(waiting).toBeVisible();
    await expect(waiting).toContainText('Every place is taken');
    await expect(waiting).toContainText('120 seconds');
  } finally {
    clearInterval(heartbeat);
  }
  // The holder is out after idleSeconds (noticed by the sweep); the waiting page's heartbeat brings the item.
  await expect(page.getByTestId('study-item')).toBeVisible({ timeout: 40_000 });
  await expect(waiting).toHaveCount(0);
});
