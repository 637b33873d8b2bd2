import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, type APIRequestContext, type Browser, type Page } from '@playwright/test';

export const SHOTS = 'tests/artifacts/screenshots';

// The browser tests share one server and run two at a time. A running study hides its items
// from the lobby, results and replays, so the study tests take their items only from
// the-light-sacks-of-wendmere, log-of-the-petrel and the-quiet-relay, which no other test uses.

/** A small study spec: one blind item over log-of-the-petrel or the-quiet-relay, no practice; `code` prefixes its completion codes. */
export function smallStudySpec(id: string, title: string, code: string) {
  return {
    id,
    title,
    seed: `${id}-seed`,
    scenarios: { ids: ['log-of-the-petrel', 'the-quiet-relay'] },
    publicItems: 'allow',
    conditions: [{ name: 'blind', preset: 'blind' }],
    itemsPerParticipant: 1,
    judgementsPerCell: 1,
    consent: '## Consent\nYou will judge a short question.',
    instructions: '## How to judge\nWeigh the answers, then give your verdict.',
    completion: { codes: { completed: `${code}1234`, declined: 'NOPE1234', failed: 'FAIL1234', timedOut: 'TIME1234', noCapacity: 'FULL1234' }, redirect: 'https://panel.example/done?cc={code}' },
  };
}

/**
 * Saves a screenshot under tests/artifacts/screenshots. The README's pictures in
 * docs/screenshots are refreshed only when UPDATE_DOCS_SCREENSHOTS=1, so ordinary
 * test runs leave the working tree clean.
 */
export async function shot(page: Page, name: string, docs = false, fullPage = false): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  // Sticky panels sit where the scroll left them; a full-page picture starts from the top.
  if (fullPage) await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path, fullPage });
  if (docs && process.env.UPDATE_DOCS_SCREENSHOTS === '1') {
    const target = join('docs/screenshots', `${name.replace(/-.*$/, '')}.png`);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(path, target);
  }
}

/** A page in its own browser context: a separate person with separate storage. */
export async function person(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`page error at ${url}:`, e.message));
  await page.goto(url);
  return page;
}

/** Selects passage tokens [from, to) with the mouse, like a person would, then quotes them. */
export async function quoteBySelecting(page: Page, from: number, to: number): Promise<string> {
  const first = page.locator(`[data-testid="passage"] [data-i="${from}"]`);
  const last = page.locator(`[data-testid="passage"] [data-i="${to - 1}"]`);
  await first.scrollIntoViewIfNeeded();
  const a = (await first.boundingBox())!;
  const b = (await last.boundingBox())!;
  await page.mouse.move(a.x + 1, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
  await page.mouse.move(b.x + b.width - 1, b.y + b.height / 2, { steps: 4 });
  await page.mouse.up();
  const button = page.getByTestId('quote-selection');
  await expect(button).toBeEnabled();
  const chips = await page.getByTestId('quote-chip').count();
  await button.click();
  await expect(page.getByTestId('quote-chip')).toHaveCount(chips + 1);
  return (await page.getByTestId('quote-chip').nth(chips).locator('mark').innerText()).replace(/^“|”$/g, '');
}

export async function myTurn(page: Page): Promise<void> {
  await expect(page.getByTestId('turn-text')).toContainText('Your turn', { timeout: 15_000 });
}

/** Types text into the speech, optionally quotes a span by selecting it, and submits. */
export async function speak(page: Page, text: string, span?: [number, number]): Promise<string | null> {
  await myTurn(page);
  await page.getByRole('textbox', { name: 'Your speech', exact: true }).fill(text);
  const quoted = span ? await quoteBySelecting(page, span[0], span[1]) : null;
  await page.getByRole('button', { name: 'Submit speech' }).click();
  await expect(page.getByTestId('turn-text')).not.toContainText('Your turn');
  return quoted;
}

/** The judge's turn: set answer `favour` to `percent`, then continue or end. */
export async function judge(page: Page, favour: number, percent: number, end: boolean, comment?: string): Promise<void> {
  const button = page.getByRole('button', { name: end ? 'End and give verdict' : 'Continue the debate' });
  await expect(button).toBeEnabled({ timeout: 15_000 });
  // The number is applied on Enter (or on leaving the field), like a person finishing typing.
  await page.getByTestId(`prob-${favour}`).fill(String(percent));
  await page.getByTestId(`prob-${favour}`).press('Enter');
  const values = await page.locator('input.pnum').evaluateAll((els) => els.map((e) => Number((e as unknown as { value: string }).value)));
  expect(values.reduce((a, b) => a + b, 0)).toBe(100);
  expect(values[favour]).toBe(percent);
  if (comment) await page.getByLabel(/Comment or question/).fill(comment);
  await button.click();
  if (!end) await expect(button).toBeHidden();
}

/** The passage's sentences long enough to be unmistakable. */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length >= 40);
}

/** The judge's page must not show any passage sentence that no quote contains. */
export async function expectNoLeak(page: Page, passage: string, quotes: string[]): Promise<void> {
  const text = await page.locator('body').innerText();
  const norm = (s: string) => s.replace(/\s+/g, ' ');
  const shown = norm(text);
  for (const s of sentences(passage)) {
    if (quotes.some((q) => norm(q).includes(norm(s)))) continue;
    expect(shown, 'the judge sees an unquoted passage sentence').not.toContain(norm(s));
  }
}

/** A debate played by built-in agents alone (both debaters and the judge), waited for to its verdict; its id. */
export async function finishedAgentDebate(request: APIRequestContext, scenarioId = 'the-lantern-room'): Promise<string> {
  const res = await request.post('/api/debates', {
    data: {
      scenarioId,
      preset: 'debate',
      seats: { A: { kind: 'agent', agent: 'builtin:passage-debater' }, B: { kind: 'agent', agent: 'builtin:passage-debater' }, judge: { kind: 'agent', agent: 'builtin:passage-judge' } },
    },
  });
  expect(res.status()).toBe(201);
  const { id } = (await res.json()) as { id: string };
  await expect.poll(async () => ((await (await request.get(`/api/debates/${id}`)).json()) as { status: string }).status, { timeout: 30_000 }).toBe('finished');
  return id;
}

/** Creates a debate on the-lantern-room from the lobby's form, as a person would; reads a seat's link by its label ("Debater A", "Judge", "Observers"). */
export async function createInLobby(page: Page): Promise<(label: string) => Promise<string>> {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Oversight Arena' })).toBeVisible();
  await page.getByLabel('Scenario', { exact: true }).selectOption('the-lantern-room');
  await page.getByRole('radio', { name: 'Debate', exact: true }).check();
  await page.getByRole('button', { name: 'Create debate' }).click();
  const created = page.getByTestId('created');
  await expect(created).toBeVisible();
  return (label: string) => created.getByRole('textbox', { name: `${label} link` }).inputValue();
}
