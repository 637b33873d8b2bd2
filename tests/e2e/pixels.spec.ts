import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { judge, myTurn, person, shot } from './helpers.ts';

/**
 * Pixel debates in the browser. These debates run on a server of their own (same
 * build, own port and store), so the finished-debate counts other browser tests
 * assert on the shared server stay theirs.
 */
const PORT = Number(process.env.E2E_PIXELS_PORT ?? 4183);
const BASE = `http://127.0.0.1:${PORT}`;
let server: ChildProcess | null = null;

test.describe.configure({ mode: 'serial' });
test.use({ baseURL: BASE });

async function healthy(): Promise<boolean> {
  try {
    return (await fetch(`${BASE}/api/health`)).ok;
  } catch {
    return false;
  }
}

test.beforeAll(async () => {
  test.setTimeout(60_000);
  if (await healthy()) throw new Error(`port ${PORT} is already in use (set E2E_PIXELS_PORT)`);
  // Its own process group, so whatever is left of it can be stopped as one (below).
  server = spawn(process.execPath, ['server/src/main.ts'], {
    detached: true,
    env: { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', ARENA_DATA_DIR: mkdtempSync(join(tmpdir(), 'arena-e2e-pixels-')), ARENA_RESEARCHER_TOKEN: 'e2e-pixels-researcher-token-0123' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 50_000;
  for (;;) {
    if (await healthy()) break;
    if (server.exitCode !== null) throw new Error(`the pixel test server exited (${server.exitCode})`);
    if (Date.now() > deadline) throw new Error('the pixel test server did not start');
    await new Promise((r) => setTimeout(r, 250));
  }
});

test.afterAll(async () => {
  const pid = server?.pid;
  if (!pid) return;
  // SIGTERM lets the server close its store; whatever of the group is left after a grace period is killed.
  process.kill(-pid, 'SIGTERM');
  for (let i = 0; i < 20 && (await healthy()); i++) await new Promise((r) => setTimeout(r, 150));
  await new Promise((r) => setTimeout(r, 1500));
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the whole group has exited
  }
});

const cells = (page: Page, state: string) => page.locator(`.pixel-grid [data-state${state}]`);

async function firstMnistScenario(): Promise<string> {
  const res = await fetch(`${BASE}/api/scenarios`);
  const body = (await res.json()) as { scenarios: { id: string; pack: string; evidenceKind: string }[] };
  return body.scenarios.find((s) => s.pack === 'mnist' && s.evidenceKind === 'image')!.id;
}

/** The judge (or an observer) before the verdict: only revealed pixels, all else hidden. */
async function expectOnlyReveals(page: Page, revealed: number) {
  await expect(page.getByTestId('image-reveals')).toBeVisible();
  await expect(page.getByTestId('image-full')).toHaveCount(0);
  await expect(cells(page, '^="revealed-"')).toHaveCount(revealed);
  await expect(cells(page, '="hidden"')).toHaveCount(784 - revealed);
  await expect(cells(page, '="ink"')).toHaveCount(0);
  await expect(cells(page, '="blank"')).toHaveCount(0);
}

/** A debater's move: pick an inked, unrevealed pixel (by keyboard or click), add a message, send. */
async function reveal(page: Page, seat: 'A' | 'B', how: 'keyboard' | 'click', message: string) {
  await myTurn(page);
  const grid = page.getByRole('grid');
  let name: string;
  if (how === 'keyboard') {
    // The focus cursor starts on the first inked pixel; walk right to an inked, unrevealed one.
    await grid.locator('button[tabindex="0"]').focus();
    for (let i = 0; i < 40; i++) {
      const state = await page.locator(':focus').getAttribute('data-state');
      if (state === 'ink') break;
      await page.keyboard.press(i % 2 ? 'ArrowDown' : 'ArrowRight');
    }
    const label = await page.locator(':focus').getAttribute('aria-label');
    expect(label).toMatch(/^pixel row \d+ column \d+$/);
    await page.keyboard.press('Enter');
    name = label!;
  } else {
    name = (await cells(page, '="ink"').nth(5).getAttribute('aria-label'))!;
    await grid.getByRole('button', { name, exact: true }).click();
  }
  await expect(page.getByTestId('picked')).toContainText(`Reveal pixel ${name.slice('pixel '.length)}`);
  await page.getByLabel('Message (optional)').fill(message);
  await page.getByRole('button', { name: 'Reveal and send' }).click();
  // The pixel is now marked as revealed by this seat, and the message is in the debate.
  await expect(grid.getByRole('button', { name, exact: true })).toHaveAttribute('data-state', `revealed-${seat}`);
  await expect(page.getByText(message).first()).toBeVisible();
}

test('person vs person: two debaters reveal pixels, the judge sees only those, then the image', async ({ browser, page }) => {
  const scenarioId = await firstMnistScenario();
  await page.goto('/');
  await page.getByLabel('Scenario', { exact: true }).selectOption(scenarioId);
  await expect(page.getByRole('radio', { name: 'Pixel debate' })).toBeChecked();
  await page.getByRole('button', { name: 'Create debate' }).click();
  const created = page.getByTestId('created');
  await expect(created).toBeVisible();
  const link = (label: string) => created.getByRole('textbox', { name: `${label} link` }).inputValue();
  const [linkA, linkB, linkJudge] = await Promise.all([link('Debater A'), link('Debater B'), link('Judge')]);
  const debateId = new URL(linkA).pathname.split('/')[2]!;

  const a = await person(browser, linkA);
  const b = await person(browser, linkB);
  const j = await person(browser, linkJudge);
  await expect(a.getByRole('grid', { name: /The digit, 28 by 28 pixels/ })).toBeVisible();
  await expect(a.getByRole('grid').getByRole('button')).toHaveCount(784);
  await expectOnlyReveals(j, 0);

  let revealed = 0;
  for (let round = 0; round < 3; round++) {
    const aFirst = (await a.getByTestId('turn-text').innerText()).includes('Your turn');
    const order = aFirst ? [a, b] : [b, a];
    for (const [k, p] of order.entries()) {
      await reveal(p, p === a ? 'A' : 'B', round === 0 && k === 0 ? 'keyboard' : 'click', `round ${round + 1}: ${p === a ? 'A' : 'B'} shows this stroke`);
      revealed++;
      if (round === 0 && k === 0) await shot(p, 'pixels-debater');
    }
    await expectOnlyReveals(j, revealed);
    await expect(j.getByTestId('reveal-item')).toHaveCount(revealed);
  }
  // Both colours are used, and the legend names them.
  await expect(cells(j, '="revealed-A"')).toHaveCount(3);
  await expect(cells(j, '="revealed-B"')).toHaveCount(3);
  await expect(j.getByRole('list', { name: 'Colours' })).toContainText('Debater A');
  await shot(j, 'pixels-judge');

  await judge(j, 0, 70, true);
  await expect(j.getByRole('region', { name: 'Verdict' })).toBeVisible();
  await expect(j.getByTestId('image-full')).toBeVisible();
  await expect(cells(j, '="ink"').first()).toBeVisible();
  await expect(cells(j, '="hidden"')).toHaveCount(0);
  await expect(cells(j, '^="revealed-"')).toHaveCount(6);
  await shot(j, 'pixels-verdict');

  // The replay shows the reveals step by step, and the image in "Everything".
  await j.goto(`/replay/${debateId}`);
  // The judge's view, step by step: before the verdict only the reveals so far.
  const lastStep = j.getByRole('button', { name: 'Last step' });
  await expect(lastStep).toBeVisible();
  await j.keyboard.press('Home');
  await expectOnlyReveals(j, 0);
  for (let i = 0; i < 12 && (await cells(j, '^="revealed-"').count()) < 2; i++) await j.keyboard.press('ArrowRight');
  await expectOnlyReveals(j, 2);
  await j.getByRole('radio', { name: /Everything/ }).click();
  await lastStep.click();
  await expect(j.getByTestId('image-full')).toBeVisible();
  await expect(cells(j, '^="revealed-"')).toHaveCount(6);
  await shot(j, 'pixels-replay');
});

test('person vs AI: a person against builtin:pixel-debater, judged by builtin:pixel-judge', async ({ browser }) => {
  const scenarioId = await firstMnistScenario();
  const res = await fetch(`${BASE}/api/debates`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ scenarioId, preset: 'pixels', seats: { B: { kind: 'agent', agent: 'builtin:pixel-debater' }, judge: { kind: 'agent', agent: 'builtin:pixel-judge' } } }),
  });
  expect(res.status).toBe(201);
  const created = (await res.json()) as { id: string; seats: Record<string, { path?: string }> };
  const a = await person(browser, created.seats.A!.path!);
  for (let round = 0; round < 3; round++) await reveal(a, 'A', 'click', `my pixel ${round + 1}`);
  await expect(a.getByRole('region', { name: 'Verdict' })).toBeVisible({ timeout: 20_000 });
  await expect(cells(a, '="revealed-B"')).toHaveCount(3);
  await expect(cells(a, '="revealed-A"')).toHaveCount(3);
  await expect(a.getByText(/fits a \d, not a \d/).first()).toBeVisible();
  await shot(a, 'pixels-vs-ai');
});
