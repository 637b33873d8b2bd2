/**
 * A page every participant can use: what a screen reader is told (the polite live
 * regions), where focus lands, the number field, titles, keyboard-only play (a judge's
 * turn, a debater's speech with a quote, a study participant's path), contrast of the
 * non-text parts, the phone layout with four answers, the compressed and cached client
 * files, and axe-core over the main page states.
 */
import { request as httpRequest } from 'node:http';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { E2E_RESEARCHER_TOKEN } from '../../playwright.config.ts';
import { myTurn, person, smallStudySpec } from './helpers.ts';

type Created = { id: string; seats: Record<string, { path: string }> };

async function create(request: APIRequestContext, data: Record<string, unknown>): Promise<Created> {
  const res = await request.post('/api/debates', { data });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()) as Created;
}

const announcements = (page: Page) => page.getByTestId('announcements');

/** Presses Tab until `target` has focus, as a keyboard user would; fails when it is not reachable. */
async function tabTo(page: Page, target: Locator, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === (el as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`not reachable with Tab: ${target.toString()}`);
}

/** No violation axe-core can find (WCAG 2.1 A and AA). */
async function expectNoAxeViolations(page: Page, state: string): Promise<void> {
  // Only violations are collected (passes are not): the passage has thousands of token spans.
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).options({ resultTypes: ['violations'] }).analyze();
  expect(result.violations.map((v) => `${state}: ${v.id} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

/** WCAG contrast ratio of two CSS colours (rgb()/rgba() as computed styles give them). */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = c.match(/[\d.]+/g)!.slice(0, 3).map((x) => Number(x) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x! + 0.05) / (y! + 0.05);
}

test('the probability field keeps what is typed: click, Backspace twice, "70", Enter gives 70%', async ({ browser, request }) => {
  const created = await create(request, { scenarioId: 'the-lantern-room', preset: 'debate', seats: { A: { kind: 'agent', agent: 'builtin:passage-debater' }, B: { kind: 'agent', agent: 'builtin:passage-debater' } } });
  const j = await person(browser, created.seats.judge!.path);
  await expect(j.getByRole('button', { name: 'Continue the debate' })).toBeEnabled({ timeout: 15_000 });
  const field = j.getByTestId('prob-0');
  const other = j.getByTestId('prob-1');
  await expect(field).toHaveValue('50');
  // The sum-to-100% rule is the fields' description.
  await expect(field).toHaveAccessibleDescription(/always sum to 100%/);
  await field.click();
  await j.keyboard.press('End');
  await j.keyboard.press('Backspace');
  await j.keyboard.press('Backspace');
  // Emptied, the field stays empty (it used to snap to 1), and the others wait for the number.
  await expect(field).toHaveValue('');
  await expect(other).toHaveValue('50');
  await j.keyboard.type('70');
  await expect(field).toHaveValue('70');
  await expect(other).toHaveValue('50');
  await j.keyboard.press('Enter');
  await expect(field).toHaveValue('70');
  await expect(other).toHaveValue('30');
  await expect(j.getByRole('slider', { name: /^1 / })).toHaveValue('70');
  // The new distribution is said once, when the judge pauses.
  await expect(j.getByTestId('distribution')).toHaveText('Now 1 70%, 2 30%.');
  // Leaving the field applies it too; Escape puts the value back.
  await field.fill('35');
  await j.keyboard.press('Tab');
  await expect(other).toHaveValue('65');
  await field.fill('90');
  await field.press('Escape');
  await expect(field).toHaveValue('35');
});

test('keyboard only: the judge continues, a debater quotes and speaks; the live regions say it all and focus lands on the status', async ({ browser, request }) => {
  test.setTimeout(240_000);
  const created = await create(request, { scenarioId: 'the-lantern-room', preset: 'debate' });
  const a = await person(browser, created.seats.A!.path);
  const b = await person(browser, created.seats.B!.path);
  const j = await person(browser, created.seats.judge!.path);
  await expect(j).toHaveTitle(/^Your turn · .* · Judge · Oversight Arena$/);
  await expect(a).toHaveTitle(/^Waiting · .* · Debater A · Oversight Arena$/);
  await expectNoAxeViolations(j, 'judge, first turn');

  // The judge's turn from the keyboard: to the panel by the status line's link, the number, the comment, Continue.
  await tabTo(j, j.getByRole('button', { name: 'Go to your judgement ↓' }));
  await j.keyboard.press('Enter');
  await expect(j.locator('#judgement')).toBeFocused();
  await tabTo(j, j.getByTestId('prob-1'));
  await j.keyboard.press('Control+A');
  await j.keyboard.type('60');
  await j.keyboard.press('Enter');
  await expect(j.getByTestId('prob-0')).toHaveValue('40');
  await tabTo(j, j.getByLabel(/Comment or question/));
  await j.keyboard.type('Which line decides it?');
  await tabTo(j, j.getByRole('button', { name: 'Continue the debate' }));
  await j.keyboard.press('Enter');
  // The panel goes; focus lands on the new status, not on <body>.
  await expect(j.getByTestId('status-bar')).toBeFocused();
  await expect(j.getByTestId('turn-text')).toHaveText('The debaters are writing.');
  await expect(j).toHaveTitle(/^Waiting · /);

  // The debaters hear the judge's turn with its comment, then that it is their turn.
  await expect(announcements(a)).toContainText("The judge asked for more: 1 40%, 2 60%. The judge's comment: Which line decides it?");
  await expect(announcements(a)).toContainText('Your turn: write your speech');
  await expect(a).toHaveTitle(/^Your turn · /);

  // Debater A quotes by keyboard: into the passage, three words on, select four with Shift, Enter.
  await myTurn(a);
  await tabTo(a, a.getByTestId('passage'));
  for (let i = 0; i < 3; i++) await a.keyboard.press('ArrowRight');
  for (let i = 0; i < 3; i++) await a.keyboard.press('Shift+ArrowRight');
  const expected = await a.locator('[data-testid="passage"] [data-i]').evaluateAll((els) => els.slice(2, 6).map((e) => e.textContent).join(' '));
  await expect(a.getByTestId('quote-selection')).toBeEnabled();
  await expect(a.getByTestId('passage-status')).toContainText('Selected 4 words');
  await expectNoAxeViolations(a, 'debater, selecting by keyboard');
  await a.keyboard.press('Enter');
  await expect(a.getByTestId('quote-chip')).toHaveCount(1);
  const quoted = (await a.getByTestId('quote-chip').locator('mark').innerText()).replace(/^“|”$/g, '');
  expect(quoted.replace(/\s+/g, ' ')).toBe(expected.replace(/\s+/g, ' '));
  await expect(a.getByTestId('passage-status')).toContainText('Quoted:');
  // The speech: typed into the box before the quote (its caret was at the start), then Submit.
  await tabTo(a, a.getByRole('textbox', { name: 'Your speech', exact: true }));
  await a.keyboard.type('Read this line:');
  await tabTo(a, a.getByRole('button', { name: 'Submit speech' }));
  await a.keyboard.press('Enter');
  await expect(a.getByTestId('status-bar')).toBeFocused();
  await expect(a.getByTestId('turn-text')).toHaveText('Waiting for Debater B.');

  // B speaks (the mouse path's equal: the find box); the round is released to the judge and to A.
  await myTurn(b);
  await b.getByRole('textbox', { name: 'Your speech', exact: true }).fill('Nothing of the kind.');
  await b.getByRole('button', { name: 'Submit speech' }).click();
  await expect(announcements(j)).toContainText(`New speech from Debater A: Read this line: quote: “${quoted}”`);
  await expect(announcements(j)).toContainText('New speech from Debater B: Nothing of the kind.');
  await expect(announcements(j)).toContainText('Your turn: weigh the answers.');
  await expect(announcements(a)).toContainText('New speech from Debater B: Nothing of the kind.');
  // Never a debater's own speech, and nothing per keystroke: the region holds whole events only.
  await expect(announcements(a)).not.toContainText('New speech from Debater A');
  await expect(j.locator('[aria-live]').filter({ hasText: 'Read this' })).toHaveCount(1);
  await expectNoAxeViolations(j, 'judge, second turn');
  await expectNoAxeViolations(b, 'debater, after speaking');
});

test('time left is announced at 2 minutes and 30 seconds, and a time-out is told to everyone', async ({ browser, request }) => {
  test.setTimeout(90_000);
  const agents = { A: { kind: 'agent', agent: 'builtin:passage-debater' }, B: { kind: 'agent', agent: 'builtin:passage-debater' } };
  const long = await create(request, { scenarioId: 'the-lantern-room', preset: 'debate', rules: { judgeSeconds: 123 }, seats: agents });
  const short = await create(request, { scenarioId: 'the-lantern-room', preset: 'debate', rules: { judgeSeconds: 33 }, seats: { B: agents.B } });
  const j1 = await person(browser, long.seats.judge!.path);
  const j2 = await person(browser, short.seats.judge!.path);
  const a2 = await person(browser, short.seats.A!.path);
  // The countdown is a timer (never read by itself); the warnings come through the live region.
  await expect(j1.getByRole('timer')).toBeVisible();
  await expect(announcements(j1)).toContainText('2 minutes left for your turn.', { timeout: 15_000 });
  await expect(announcements(j2)).toContainText('30 seconds left for your turn.', { timeout: 15_000 });
  await expect(announcements(j2)).not.toContainText('2 minutes');
  // The debater, who is not the one to act, hears no countdown.
  await expect(announcements(a2)).not.toContainText('seconds left');
  await expect(announcements(j2)).toContainText('Your time ran out: your last probabilities stand.', { timeout: 45_000 });
  await expect(announcements(a2)).toContainText('The judge ran out of time: 1 50%, 2 50%.');
});

test('a dropped connection is announced, and its return', async ({ browser, request }) => {
  const created = await create(request, { scenarioId: 'the-lantern-room', preset: 'debate', seats: { A: { kind: 'agent', agent: 'builtin:passage-debater' }, B: { kind: 'agent', agent: 'builtin:passage-debater' } } });
  const j = await person(browser, created.seats.judge!.path);
  await expect(j.getByTestId('turn-text')).toContainText('Your turn', { timeout: 20_000 });
  // The page's WebSocket is closed under it, as a lost network would.
  const cdp = await j.context().newCDPSession(j);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await expect(announcements(j)).toContainText('Connection lost: reconnecting…', { timeout: 30_000 });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await expect(announcements(j)).toContainText('Connected again.', { timeout: 30_000 });
});

test('on a 390 px phone with four answers the turn line and timer stay on screen and the judgement is one button away', async ({ browser, request }) => {
  const agent = { kind: 'agent', agent: 'builtin:passage-debater' };
  const created = await create(request, { scenarioId: 'hollis-and-daughter', preset: 'debate', seats: { A: agent, B: agent, C: agent, D: agent } });
  const page = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
  await page.goto(created.seats.judge!.path);
  await expect(page.getByTestId('prob-3')).toBeVisible();
  // One round of speeches first, so the page is as long as a real one.
  await page.getByRole('button', { name: 'Continue the debate' }).click();
  await expect(page.getByRole('button', { name: 'End and give verdict' })).toBeEnabled({ timeout: 20_000 });
  await expect(page.locator('article.speech')).toHaveCount(4);
  expect(await page.locator('html').evaluate((el) => (el as unknown as { scrollWidth: number }).scrollWidth)).toBeLessThanOrEqual(390);
  const bar = page.getByTestId('status-bar');
  const inView = async (l: Locator) => {
    const box = (await l.boundingBox())!;
    return box.y >= 0 && box.y + box.height <= 844;
  };
  // Scrolled anywhere, the turn line and the time left are at the top of the screen.
  for (const y of [600, 2000, 100_000]) {
    await page.evaluate(`window.scrollTo(0, ${y})`);
    await expect.poll(async () => (await bar.boundingBox())!.y).toBeLessThanOrEqual(1);
    expect(await inView(page.getByRole('timer'))).toBe(true);
    expect(await inView(page.getByTestId('turn-text'))).toBe(true);
  }
  // From the top, the link in that line brings the panel up, just under it, with focus.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.getByRole('button', { name: 'Go to your judgement ↓' }).click();
  await expect(page.locator('#judgement')).toBeFocused();
  const barBox = (await bar.boundingBox())!;
  const panel = (await page.locator('#judgement').boundingBox())!;
  expect(panel.y).toBeGreaterThanOrEqual(barBox.y + barBox.height - 1);
  expect(panel.y).toBeLessThan(844 / 3);
  expect(await inView(page.getByTestId('turn-text'))).toBe(true);
  expect(await inView(page.getByTestId('prob-0'))).toBe(true);
  await expectNoAxeViolations(page, 'judge on a phone, four answers');
});

test('contrast of the non-text parts is at least 3:1: focus ring, field borders, slider track, the quoting hint', async ({ browser, request }) => {
  const created = await create(request, { scenarioId: 'the-lantern-room', preset: 'debate', seats: { B: { kind: 'agent', agent: 'builtin:passage-debater' } } });
  const a = await person(browser, created.seats.A!.path);
  const j = await person(browser, created.seats.judge!.path);
  await expect(j.getByRole('button', { name: 'Continue the debate' })).toBeEnabled({ timeout: 15_000 });
  const style = (l: Locator, prop: string) => l.evaluate((el, p) => (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(el)[p]!, prop);
  const page = await style(j.locator('html'), 'backgroundColor');
  const panel = await style(j.locator('#judgement'), 'backgroundColor');

  // The focus ring on the dark navigation bar, then on a field of the panel.
  const lobby = j.getByRole('link', { name: 'Lobby' });
  await tabTo(j, lobby);
  expect(await style(lobby, 'outlineStyle')).toBe('solid');
  expect(contrast(await style(lobby, 'outlineColor'), await style(j.locator('nav.top'), 'backgroundColor'))).toBeGreaterThanOrEqual(3);
  const field = j.getByTestId('prob-0');
  await tabTo(j, field);
  expect(await style(field, 'outlineStyle')).toBe('solid');
  const ring = await style(field, 'outlineColor');
  expect(contrast(ring, panel)).toBeGreaterThanOrEqual(3);
  expect(contrast(ring, page)).toBeGreaterThanOrEqual(3);
  expect(contrast(await style(field, 'borderTopColor'), panel)).toBeGreaterThanOrEqual(3);
  expect(contrast(await style(j.getByLabel(/Comment or question/), 'borderTopColor'), panel)).toBeGreaterThanOrEqual(3);

  // The slider: its unfilled track (the gradient's second colour) and filled part against the panel.
  const track = await style(j.getByRole('slider').first(), 'backgroundImage');
  const colours = track.match(/rgba?\([^)]+\)/g)!;
  expect(colours.length).toBeGreaterThanOrEqual(2);
  for (const c of colours) expect(contrast(c, panel)).toBeGreaterThanOrEqual(3);

  // The quoting hint on the disabled button: text, so 4.5:1.
  const hint = a.getByTestId('quote-selection');
  await expect(hint).toBeDisabled();
  expect(await style(hint, 'opacity')).toBe('1');
  expect(contrast(await style(hint, 'color'), await style(hint, 'backgroundColor'))).toBeGreaterThanOrEqual(4.5);
  expect(contrast(await style(hint, 'borderTopColor'), page)).toBeGreaterThanOrEqual(3);
});

test('a study participant by keyboard alone: each stage is announced, titled and focused', async ({ browser, request }) => {
  test.setTimeout(180_000); // several axe passes, beside another worker
  const auth = { authorization: `Bearer ${E2E_RESEARCHER_TOKEN}` };
  const spec = smallStudySpec('e2e-a11y', 'Accessible study', 'A11Y');
  expect((await request.post('/api/studies', { headers: auth, data: { spec } })).status()).toBe(201);
  const page = await person(browser, '/s/e2e-a11y?PROLIFIC_PID=A11Y-1&STUDY_ID=s&SESSION_ID=x');
  const said = page.getByTestId('study-announcements');
  await expect(page).toHaveTitle('Consent · Accessible study');
  await expectNoAxeViolations(page, 'study consent');
  await tabTo(page, page.getByRole('button', { name: 'I agree to take part' }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveTitle('Instructions · Accessible study');
  await expect(page.getByRole('heading', { name: 'How to judge' })).toBeFocused();
  await expect(said).toContainText('Instructions');
  await tabTo(page, page.getByRole('button', { name: 'Start' }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveTitle('Item 1 of 1 · Accessible study');
  await expect(page.getByRole('heading', { name: '1 of 1' })).toBeFocused();
  await expect(said).toContainText('Item 1 of 1');
  await expect(page.getByRole('button', { name: 'End and give verdict' })).toBeEnabled({ timeout: 15_000 });
  await expectNoAxeViolations(page, 'study item');
  await tabTo(page, page.getByTestId('prob-0'));
  await page.keyboard.press('Control+A');
  await page.keyboard.type('80');
  await page.keyboard.press('Enter');
  await tabTo(page, page.getByRole('button', { name: 'End and give verdict' }));
  await page.keyboard.press('Enter');
  // The verdict takes focus when it arrives, then Finish.
  await expect(page.getByRole('region', { name: 'Verdict' })).toBeFocused({ timeout: 15_000 });
  await expect(page.getByTestId('study-next')).toBeEnabled({ timeout: 15_000 });
  await tabTo(page, page.getByTestId('study-next'));
  await page.keyboard.press('Enter');
  await expect(page).toHaveTitle('Finished · Accessible study');
  await expect(page.getByRole('heading', { name: /completed the study/ })).toBeFocused();
  await expect(said).toContainText('Finished');
  await expectNoAxeViolations(page, 'study end');
  expect((await request.post('/api/studies/e2e-a11y/close', { headers: auth })).status()).toBe(200);
});

test('axe-core finds nothing on the lobby, an observer, results and a replay; and it does catch a seeded violation', async ({ browser, request }) => {
  test.setTimeout(300_000); // six axe passes (a replay with the whole passage among them), beside another worker
  const created = await create(request, { scenarioId: 'the-lantern-room', preset: 'debate', seats: { A: { kind: 'agent', agent: 'builtin:passage-debater' }, B: { kind: 'agent', agent: 'builtin:passage-debater' } } });
  const page = await person(browser, '/');
  await expect(page.getByRole('button', { name: 'Create debate' })).toBeVisible();
  await expect(page).toHaveTitle('Lobby · Oversight Arena');
  await expectNoAxeViolations(page, 'lobby');
  await page.goto(created.seats.observer?.path ?? `/debate/${created.id}/observer`);
  await expect(page.getByTestId('turn-text')).toBeVisible();
  await expectNoAxeViolations(page, 'observer');
  await page.goto('/results');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expectNoAxeViolations(page, 'results');
  // The replay of a finished debate, stepped forward, in the judge's lens and with everything shown.
  const agents = { kind: 'agent', agent: 'builtin:passage-debater' };
  const finished = await create(request, { scenarioId: 'the-lantern-room', preset: 'debate', seats: { A: agents, B: agents, judge: { kind: 'agent', agent: 'builtin:passage-judge' } } });
  await expect.poll(async () => (await (await request.get(`/api/debates/${finished.id}`)).json()).status, { timeout: 30_000 }).toBe('finished');
  await page.goto(`/replay/${finished.id}`);
  await expect(page.getByTestId('step-label')).toBeVisible();
  await page.getByRole('button', { name: 'Forward: next step' }).click();
  await expectNoAxeViolations(page, 'replay, as the judge saw it');
  await page.getByRole('radio', { name: 'Everything' }).click();
  await page.getByRole('button', { name: 'Last step' }).click();
  await expectNoAxeViolations(page, 'replay, everything shown');
  // A seeded violation: an image without a text alternative, and an unlabelled field.
  await page.evaluate(`{
    const img = document.createElement('img');
    img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
    document.querySelector('main').append(img, document.createElement('input'));
  }`);
  const seeded = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  expect(seeded.violations.map((v) => v.id)).toEqual(expect.arrayContaining(['image-alt', 'label']));
});

/** GET with an exact Accept-Encoding (no client that decompresses or adds its own). */
function rawGet(base: string, path: string, encoding: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, base), { headers: { 'accept-encoding': encoding } }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, bytes }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('client files are sent compressed (brotli, else gzip) and hashed ones are cached as immutable', async ({ baseURL }) => {
  const base = baseURL!;
  const page = await rawGet(base, '/debate/x/judge', 'identity');
  expect(page.status).toBe(200);
  expect(page.headers['cache-control']).toBe('no-cache');
  const html = await (await fetch(new URL('/', base))).text();
  const scripts = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  expect(scripts.length).toBeGreaterThanOrEqual(2);
  for (const path of scripts) {
    const plain = await rawGet(base, path, 'identity');
    // Files under 1 kB are not worth compressing: they are sent as they are.
    if (plain.bytes < 1024) continue;
    const br = await rawGet(base, path, 'gzip, deflate, br');
    const gz = await rawGet(base, path, 'gzip');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(br.headers['content-encoding']).toBe('br');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(br.bytes).toBeLessThan(plain.bytes * 0.6);
    expect(gz.bytes).toBeLessThan(plain.bytes * 0.6);
    for (const r of [plain, br, gz]) {
      expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(r.headers.vary).toContain('Accept-Encoding');
    }
    expect(br.headers['content-type']).toMatch(/javascript|css/);
  }
  const index = await rawGet(base, '/', 'br');
  expect(index.headers['content-encoding']).toBe('br');
  expect(index.headers['cache-control']).toBe('no-cache');
});

test('a seat link renders its page without a Suspense fallback before the room join', async ({ browser, request }) => {
  const created = await create(request, { scenarioId: 'the-lantern-room', preset: 'debate' });
  const page = await (await browser.newContext()).newPage();
  await page.addInitScript(`{
    const seen = [];
    globalThis.fallbacks = seen;
    new MutationObserver(() => {
      if (document.body && document.body.innerText.includes('Loading the page')) seen.push('page');
    }).observe(document, { subtree: true, childList: true, characterData: true });
  }`);
  await page.goto(created.seats.judge!.path);
  await expect(page.getByTestId('turn-text')).toBeVisible();
  expect(await page.evaluate(() => (globalThis as unknown as { fallbacks: string[] }).fallbacks)).toEqual([]);
});

test('a seat link\'s page carries its room\'s seat reservation, whose WebSocket the page opens at once and the room takes; without a token in the link it asks from index.html: one socket either way', async ({ browser, request }) => {
  const agent = { kind: 'agent', agent: 'builtin:passage-debater' };
  const created = await create(request, { scenarioId: 'the-lantern-room', preset: 'debate', seats: { A: agent, B: agent } });
  const page = await (await browser.newContext()).newPage();
  const requested: string[] = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(new URL(ws.url()).pathname));
  // The link with its token: the page has the reservation, so no matchmaking request, and one socket.
  // None of the JavaScript it loads carries zod (the browser validates nothing with it; see client/vite.config.ts).
  const scripts: Promise<string>[] = [];
  page.on('response', (r) => r.request().resourceType() === 'script' && scripts.push(r.text()));
  const served = await page.goto(created.seats.judge!.path);
  expect(served!.headers()['cache-control']).toBe('no-store');
  await expect(page.getByTestId('prob-0')).toBeEnabled();
  expect(requested.filter((p) => p.startsWith('/matchmake/'))).toEqual([]);
  expect(sockets).toHaveLength(1);
  const code = await Promise.all(scripts);
  expect(code.length).toBeGreaterThan(3);
  expect(code.filter((c) => c.includes('ZodError'))).toEqual([]);
  // The page works on that socket: the judge acts, and the next round's speeches arrive on it.
  const speeches = await page.locator('article.speech').count();
  await page.getByRole('button', { name: 'Continue the debate' }).click();
  await expect.poll(() => page.locator('article.speech').count()).toBeGreaterThan(speeches);
  // A reload without the token in the link (it is in the browser's storage): the inline script asks, once, before the room's chunk is asked for.
  requested.length = 0;
  sockets.length = 0;
  await page.goto(`/debate/${created.id}/judge`);
  await expect(page.getByTestId('turn-text')).toBeVisible();
  expect(requested.filter((p) => p.startsWith('/matchmake/'))).toEqual(['/matchmake/joinOrCreate/debate']);
  const at = (test: RegExp) => requested.findIndex((p) => test.test(p));
  expect(at(/^\/matchmake\//)).toBeLessThan(at(/^\/assets\/room-/));
  expect(sockets).toHaveLength(1);
  // A link with a wrong token: its reservation decides nothing, the join is refused and the page says why.
  const other = await create(request, { scenarioId: 'the-lantern-room', preset: 'debate' });
  await page.goto(`/debate/${other.id}/judge?token=not-the-token`);
  await expect(page.getByText(/Open the exact link you were given for this seat/)).toBeVisible();
});


test('a seat link\'s room sends its first messages while the page\'s code still downloads: the page answers the join handshake itself', async ({ browser, request }) => {
  const agent = { kind: 'agent', agent: 'builtin:passage-debater' };
  const created = await create(request, { scenarioId: 'the-lantern-room', preset: 'debate', seats: { A: agent, B: agent } });
  const page = await (await browser.newContext()).newPage();
  // The room's chunk (with the SDK) is held back until the socket has had its first messages, or 3 s.
  let frames = 0;
  let framesWhenReleased = -1;
  page.on('websocket', (ws) => ws.on('framereceived', () => frames++));
  await page.route(/\/assets\/room-.*\.js$/, async (route) => {
    for (let i = 0; i < 30 && frames < 3; i++) await new Promise((r) => setTimeout(r, 100));
    framesWhenReleased = frames;
    await route.continue();
  });
  await page.goto(created.seats.judge!.path);
  await expect(page.getByTestId('prob-0')).toBeEnabled({ timeout: 15_000 });
  // The handshake's frame, the welcome and the seat's view had arrived before the SDK existed.
  expect(framesWhenReleased).toBeGreaterThanOrEqual(3);
});

test('the lobby tells the truth: seat menus list only agents that can play the seat, and the number of debaters shows before creating', async ({ page, request }) => {
  const { agents, agentCapabilities } = (await (await request.get('/api/presets')).json()) as { agents: string[]; agentCapabilities: Record<string, { roles: string[]; evidence: string[] }> };
  expect(Object.keys(agentCapabilities).sort()).toEqual([...agents].sort());
  await page.goto('/');
  await page.getByLabel('Scenario', { exact: true }).selectOption('hollis-and-daughter');
  await page.getByRole('radio', { name: 'Debate', exact: true }).check();
  await expect(page.getByTestId('seat-count')).toHaveText('4 debaters (A, B, C, D), one per answer, and a judge. The debate starts once every seat is taken.');
  const offered = async (seat: string) => (await page.locator(`#seat-${seat} option`).allInnerTexts()).filter((t) => t.startsWith('AI: ')).map((t) => t.slice(4));
  const fits = (role: string) => agents.filter((a) => agentCapabilities[a]!.roles.includes(role) && agentCapabilities[a]!.evidence.includes('passage')).sort();
  for (const seat of ['A', 'D']) {
    expect((await offered(seat)).sort()).toEqual(fits('debater'));
    expect(await offered(seat)).toContain('builtin:passage-debater');
    expect(await offered(seat)).not.toContain('builtin:pixel-debater');
    expect(await offered(seat)).not.toContain('builtin:passage-judge');
  }
  expect((await offered('judge')).sort()).toEqual(fits('judge'));
  expect(await offered('judge')).not.toContain('builtin:passage-debater');
  // A debate against AI in every debater seat is created at once, with only the judge's link to send.
  for (const seat of ['A', 'B', 'C', 'D']) await page.locator(`#seat-${seat}`).selectOption('agent:builtin:passage-debater');
  await page.getByRole('button', { name: 'Create debate' }).click();
  await expect(page.getByTestId('created')).toBeVisible();
  await expect(page.getByTestId('created').getByRole('textbox', { name: /link$/ })).toHaveCount(2);
});
