/**
 * What a newcomer meets on a wrong turn, in the browser: a refused seat link claims no
 * seat, a study link to a study that is not there says so, counts read as words do, and
 * a closed study's dashboard does not call its unfinished participants "judging".
 */
import { expect, test } from '@playwright/test';
import { E2E_RESEARCHER_TOKEN } from '../../playwright.config.ts';
import { smallStudySpec } from './helpers.ts';

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

test('an existing study opened without the panel link still asks for that link; closed, its dashboard does not call those at their items judging', async ({ page, request }) => {
  const spec = smallStudySpec('e2e-first-visit', 'First visit', 'FV00');
  const launched = await request.post('/api/studies', { headers: auth, data: { spec } });
  expect(launched.status(), await launched.text()).toBe(201);
  await page.goto('/s/e2e-first-visit');
  await expect(page.getByText('Please open this study from the link your panel gave you.')).toBeVisible();

  // A participant at their items when the study closes: the dashboard does not call them "judging" in a running study.
  const { token } = (await (await request.post('/api/studies/e2e-first-visit/enter', { data: { PROLIFIC_PID: 'FV-1' } })).json()) as { token: string };
  const me = { authorization: `Bearer ${token}` };
  expect((await request.post('/api/studies/e2e-first-visit/me/consent', { headers: me, data: { agree: true } })).ok()).toBe(true);
  expect((await request.post('/api/studies/e2e-first-visit/me/start', { headers: me, data: {} })).ok()).toBe(true);
  await page.goto(`/studies/e2e-first-visit#token=${E2E_RESEARCHER_TOKEN}`);
  await expect(page.getByTestId('stage-items')).toHaveText('1 judging');
  await page.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('study-status')).toHaveText('closed');
  await expect(page.getByTestId('stage-items')).toContainText('1 not finished: the study is closed');
  await expect(page.getByTestId('stage-items')).not.toContainText('judging');
});

test('the ratings caption counts one debate as "1 debate"', async ({ page, request }) => {
  // A finished debate, so that the page has results to show; the ratings are then those of exactly one debate.
  const agents = { kind: 'agent', agent: 'builtin:passage-debater' };
  const res = await request.post('/api/debates', { data: { scenarioId: 'the-lantern-room', preset: 'debate', seats: { A: agents, B: agents, judge: { kind: 'agent', agent: 'builtin:passage-judge' } } } });
  expect(res.status()).toBe(201);
  await expect.poll(async () => ((await (await request.get('/api/results')).json()) as { total: number }).total, { timeout: 30_000 }).toBeGreaterThan(0);
  await page.route('**/api/results*', async (route) => {
    const real = await route.fetch();
    const body = await real.json();
    const one = { preset: 'debate', debates: 1, crossPlay: 0, selfPlay: 1, honestWins: { estimate: 1, low: 0.2, high: 1 }, agents: [{ agent: 'builtin:passage-debater', debates: 1, elo: 1500, eloHonest: 1500, eloDishonest: 1500, low: null, high: null, winRate: 0.5 }] };
    await route.fulfill({ response: real, json: { ...body, report: { ...body.report, ratings: [one] } } });
  });
  await page.goto('/results');
  await expect(page.getByText(/Debater ratings, debate:/)).toContainText('(1 debate, 0 between different');
});
