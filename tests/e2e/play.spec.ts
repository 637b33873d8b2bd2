import { expect, test, type Page } from '@playwright/test';
import { createInLobby, expectNoLeak, judge, myTurn, person, quoteBySelecting, shot, speak } from './helpers.ts';

test.describe.configure({ mode: 'serial' });

/** Filled by the first test, replayed by the later ones. */
let debateId = '';

async function passageOf(page: Page): Promise<string> {
  return page.getByTestId('passage').innerText();
}

test('a debate created in the lobby is played to a verdict by two debaters and a judge', async ({ browser, page }) => {
  test.setTimeout(120_000); // three browsers through a whole debate, beside another worker
  const link = await createInLobby(page);
  const created = page.getByTestId('created');
  const [linkA, linkB, linkJudge, linkObserver] = await Promise.all([link('Debater A'), link('Debater B'), link('Judge'), link('Observers')]);
  debateId = new URL(linkA).pathname.split('/')[2]!;

  const a = await person(browser, linkA);
  const b = await person(browser, linkB);
  const j = await person(browser, linkJudge);
  const watcher = await person(browser, linkObserver);
  // The lobby's own observer connection sees everyone arrive.
  await expect(created.getByRole('list', { name: 'Who is in the room' })).toContainText('Judge');
  await shot(page, 'lobby');

  await expect(a.getByTestId('passage')).toBeVisible();
  const passage = await passageOf(a);
  await expect(j.getByTestId('passage')).toHaveCount(0);
  const quotes: string[] = [];

  // Round 1: the judge's prior.
  await judge(j, 0, 50, false);
  // Round 2: openings, written at once; each quotes by selecting passage text.
  quotes.push((await speak(a, 'The passage settles this for my answer: ', [4, 14]))!);
  // Until B has spoken, A sees only its own opening and the judge sees neither.
  await expect(a.locator('.speech.mine')).toHaveCount(1);
  await expect(a.locator('.speech')).toHaveCount(1);
  await expect(j.getByText('Speeches are shown once the round is complete.')).toBeVisible();
  await expect(j.getByText('The passage settles this for my answer')).toHaveCount(0);
  await myTurn(b);
  await shot(b, 'debater');
  quotes.push((await speak(b, 'My opponent skips the decisive line: ', [20, 31]))!);
  // Scoped to the rounds: the page's live region says the speech too.
  await expect(j.getByRole('list', { name: 'Rounds' }).getByText('The passage settles this for my answer')).toBeVisible();
  await expectNoLeak(j, passage, quotes);
  await expect(j.getByRole('list', { name: 'Quoted evidence in passage order' }).locator('li')).toHaveCount(2);

  // Round 3: the judge asks for more.
  await judge(j, 1, 60, false, 'Which line in the passage decides it?');
  await expect(a.getByRole('list', { name: 'Rounds' }).getByText('Which line in the passage decides it?')).toBeVisible();

  // Round 4: turns. The first speaker drafts, reloads (from the bare seat URL: the stored token rejoins), and carries on.
  const order = await Promise.all([a, b].map(async (p) => ((await p.getByTestId('turn-text').innerText()).includes('Your turn') ? p : null)));
  const first = order.find((p) => p) ?? a;
  const second = first === a ? b : a;
  const seat = first === a ? 'A' : 'B';
  await myTurn(first);
  await first.getByRole('textbox', { name: 'Your speech', exact: true }).fill('Look again at this: ');
  const drafted = await quoteBySelecting(first, 40, 48);
  await first.goto(`/debate/${debateId}/${seat}`);
  await expect(first.getByTestId('passage')).toBeVisible();
  await myTurn(first);
  await expect(first.getByRole('textbox', { name: 'Your speech', exact: true })).toHaveValue(/Look again at this:/);
  await expect(first.getByTestId('quote-chip')).toHaveCount(1);
  await expect(first.getByTestId('quote-count')).toContainText(`${drafted.length}/`);
  quotes.push(drafted);
  await first.getByRole('button', { name: 'Submit speech' }).click();
  await expect(first.getByTestId('turn-text')).not.toContainText('Your turn');
  await expect(first.getByTestId('quote-chip')).toHaveCount(0);
  quotes.push((await speak(second, 'That line says nothing of the kind. ', [60, 66]))!);

  // Round 5: the verdict.
  await expect(j.getByRole('button', { name: 'End and give verdict' })).toBeEnabled();
  await expectNoLeak(j, passage, quotes);
  await shot(j, 'judge', true, true);
  await shot(watcher, 'observer');
  await expect(watcher.getByRole('button', { name: 'End and give verdict' })).toHaveCount(0);
  await judge(j, 0, 80, true);
  for (const p of [j, a, b, watcher]) await expect(p.getByRole('region', { name: 'Verdict' })).toBeVisible();
  await expect(j.getByRole('region', { name: 'Verdict' }).getByText('Correct answer:')).toBeVisible();
  await expectNoLeak(j, passage, quotes);
  await expectNoLeak(watcher, passage, quotes);
  await shot(j, 'judge-verdict');
});

test('consultancy: one consultant and a judge, to a verdict', async ({ browser, request }) => {
  const res = await request.post('/api/debates', { data: { scenarioId: 'the-lantern-room', preset: 'consultancy' } });
  expect(res.status()).toBe(201);
  const created = (await res.json()) as { seats: Record<string, { path: string }> };
  expect(Object.keys(created.seats).sort()).toEqual(['A', 'judge']);
  const a = await person(browser, created.seats.A!.path);
  const j = await person(browser, created.seats.judge!.path);
  await expect(a.getByTestId('passage')).toBeVisible();
  const passage = await passageOf(a);
  await judge(j, 0, 50, false);
  // Quoting by keyboard: type a phrase from the passage into the find box and press Enter.
  await myTurn(a);
  const phrase = (await a.locator('[data-testid="passage"] [data-i]').evaluateAll((els) => els.slice(30, 36).map((e) => e.textContent).join(' '))).trim();
  await a.getByLabel('Find a phrase in the passage to quote').fill(phrase);
  await a.getByLabel('Find a phrase in the passage to quote').press('Enter');
  await expect(a.getByTestId('quote-chip')).toHaveCount(1);
  const typed = (await a.getByTestId('quote-chip').locator('mark').innerText()).replace(/^“|”$/g, '');
  const q = await speak(a, 'Trust me, and the passage: ', [10, 22]);
  await expect(j.getByRole('list', { name: 'Rounds' }).getByText('Trust me, and the passage:')).toBeVisible();
  await expect(j.getByRole('list', { name: 'Quoted evidence in passage order' }).locator('li')).toHaveCount(2);
  await expectNoLeak(j, passage, [q!, typed]);
  await judge(j, 1, 65, true);
  await expect(j.getByRole('region', { name: 'Verdict' })).toBeVisible();
  await expectNoLeak(j, passage, [q!, typed]);
});

test('the finished debate replays step by step, as the judge saw it and with everything', async ({ page }) => {
  await page.goto(`/replay/${debateId}`);
  const label = page.getByTestId('step-label');
  await expect(label).toContainText('Step 1 of ');
  const total = Number((await label.innerText()).match(/ of (\d+)/)![1]);
  expect(total).toBeGreaterThan(4);
  await expect(page.getByTestId('passage')).toHaveCount(0);
  await page.keyboard.press('ArrowRight');
  await expect(label).toContainText('Step 2 of ');
  await page.keyboard.press('ArrowLeft');
  await expect(label).toContainText('Step 1 of ');
  await page.getByRole('button', { name: 'Forward: next step' }).click();
  await expect(label).toContainText('Step 2 of ');
  await page.getByLabel('Jump to a round').selectOption('1');
  await expect(page.getByText('The passage settles this for my answer')).toBeVisible();
  await page.keyboard.press('End');
  await expect(page.getByRole('region', { name: 'Verdict' })).toBeVisible();
  await shot(page, 'replay-judge');

  await page.getByRole('radio', { name: 'Everything' }).click();
  await expect(page.getByTestId('passage')).toBeVisible();
  await expect(page.locator('.answers .correct-tag')).toHaveCount(1);
  await page.keyboard.press('Home');
  await expect(label).toContainText('Before the start');
  // Step to the first speech: everything shows it before its round is released.
  for (let i = 0; i < 8 && !(await label.innerText()).includes('speaks'); i++) await page.keyboard.press('ArrowRight');
  await expect(label).toContainText('speaks');
  await expect(page.locator('.speech')).toHaveCount(1);
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('.speech')).toHaveCount(2);
  await page.keyboard.press('End');
  await expect(page.getByRole('region', { name: 'Verdict' })).toBeVisible();
  await shot(page, 'replay', true);
});

test('the results page counts the finished debates by protocol', async ({ page, request }) => {
  // The endpoint serves aggregates of finished public debates only: no transcript content. Other
  // browser tests finish lobby debates at the same time, so the counts are checked against the
  // public list of finished debates read around the same moment.
  type Results = { total: number; report: { byProtocol: { preset: string; n: number }[] } };
  const finished = async () => {
    const list = (await (await request.get('/api/debates?status=finished&limit=1000')).json()) as { debates: { preset: string }[] };
    const counts: Record<string, number> = {};
    for (const d of list.debates) counts[d.preset] = (counts[d.preset] ?? 0) + 1;
    return counts;
  };
  let body: Results | undefined;
  let expected: Record<string, number> = {};
  for (let attempt = 0; attempt < 10 && !body; attempt++) {
    const before = await finished();
    const results = (await (await request.get('/api/results')).json()) as Results;
    const after = await finished();
    if (JSON.stringify(before) === JSON.stringify(after)) [body, expected] = [results, after];
  }
  expect(body, 'a stable moment to compare the results with the list').toBeDefined();
  expect(Object.fromEntries(body!.report.byProtocol.map((r) => [r.preset, r.n]))).toEqual(expected);
  expect(body!.total).toBe(Object.values(expected).reduce((a, b) => a + b, 0));
  // This file's own debate and consultancy are among them.
  expect(expected.debate).toBeGreaterThanOrEqual(1);
  expect(expected.consultancy).toBeGreaterThanOrEqual(1);
  expect(JSON.stringify(body)).not.toContain('Calloway');
  expect((await request.get('/api/results?since=not-a-date')).status()).toBe(400);

  await page.goto('/results');
  const table = page.getByRole('table').first();
  await expect(table).toBeVisible();
  await expect(table.getByRole('row', { name: /^debate \d+ / })).toBeVisible();
  await expect(table.getByRole('row', { name: /^consultancy \d+ / })).toBeVisible();
  await expect(page.getByRole('img', { name: /Calibration plot/ })).toBeVisible();
  await shot(page, 'results');
  await page.getByLabel('Scenario pack').selectOption({ index: 0 });
  await page.getByLabel('Until').fill('2000-01-01');
  await expect(page.getByText('No finished debates match these filters yet.')).toBeVisible();
});

test('on a phone, the lobby, debater and judge pages fit the screen', async ({ browser, request }) => {
  const res = await request.post('/api/debates', { data: { scenarioId: 'the-lantern-room', preset: 'debate' } });
  const created = (await res.json()) as { seats: Record<string, { path: string }> };
  const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
  const open = async (path: string) => {
    const page = await (await browser.newContext(phone)).newPage();
    await page.goto(path);
    return page;
  };
  const lobby = await open('/');
  await expect(lobby.getByRole('button', { name: 'Create debate' })).toBeVisible();
  const a = await open(created.seats.A!.path);
  await open(created.seats.B!.path);
  const j = await open(created.seats.judge!.path);
  await expect(j.getByRole('button', { name: 'Continue the debate' })).toBeEnabled();
  await expect(a.getByTestId('passage')).toBeVisible();
  for (const [page, name] of [[lobby, 'lobby-phone'], [a, 'debater-phone'], [j, 'judge-phone']] as const) {
    // Nothing wider than the screen.
    expect(await page.locator('html').evaluate((el) => (el as unknown as { scrollWidth: number }).scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, name);
  }
});

test('an open seat is taken from the lobby, and a reload keeps it', async ({ browser, request }) => {
  const res = await request.post('/api/debates', { data: { scenarioId: 'the-lantern-room', preset: 'debate', seats: { B: { kind: 'human', open: true } } } });
  const created = (await res.json()) as { id: string };
  const page = await person(browser, '/');
  const row = page.locator('.debate-list li').filter({ has: page.locator(`a[href="/debate/${created.id}/observer"]`) });
  await row.getByRole('link', { name: 'Take seat B' }).click();
  await expect(page).toHaveURL(new RegExp(`/debate/${created.id}/B$`));
  await expect(page.getByText('You are Debater B')).toBeVisible();
  await expect(page.getByTestId('passage')).toBeVisible();
  // The seat is now this browser's: a reload rejoins it with the token the welcome gave.
  await page.reload();
  await expect(page.getByTestId('passage')).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  // Anyone else finds it taken.
  const other = await person(browser, `/debate/${created.id}/B`);
  await expect(other.getByRole('alert')).toContainText('taken');
  // The same person opening the seat in a second tab moves it there; the first tab says so.
  const second = await page.context().newPage();
  await second.goto(`/debate/${created.id}/B`);
  await expect(second.getByTestId('passage')).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('another tab');
});
