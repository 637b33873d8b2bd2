import { expect, test, type Page } from '@playwright/test';
import { E2E_RESEARCHER_TOKEN } from '../../playwright.config.ts';

/**
 * The built client under the server's Content-Security-Policy: every page loads, its
 * inline preload script runs, the room's WebSocket connects, and the browser reports no
 * violation (neither a securitypolicyviolation event nor a console message).
 */
async function watch(page: Page): Promise<() => Promise<string[]>> {
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (/content security policy|refused to/i.test(m.text())) consoleErrors.push(m.text());
  });
  await page.addInitScript({
    content: "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber));",
  });
  return async () => [...consoleErrors, ...((await page.evaluate('window.__cspViolations')) as string[])];
}

test('every page runs under the CSP without a violation', async ({ page, request }) => {
  const violations = await watch(page);
  const res = await page.goto('/');
  expect(res?.headers()['content-security-policy']).toMatch(/script-src 'self' 'sha256-/);
  await expect(page.getByRole('heading', { name: 'Oversight Arena' })).toBeVisible();
  const none = async (where: string) => expect(await violations(), where).toEqual([]);
  await none('lobby');

  const created = await request.post('/api/debates', {
    data: { scenarioId: 'the-lantern-room', preset: 'debate', seats: { A: { kind: 'agent', agent: 'builtin:passage-debater' }, B: { kind: 'agent', agent: 'builtin:passage-debater' } } },
  });
  expect(created.status()).toBe(201);
  const debate = (await created.json()) as { id: string; seats: Record<string, { path?: string }> };
  // A seat link: the inline preload script, the debate page's chunks, the engine, the WebSocket.
  await page.goto(debate.seats.judge!.path!);
  await expect(page.getByTestId('turn-text')).toContainText('Your turn', { timeout: 15_000 });
  await none('judge seat');

  // A pixel debate: the grid sets its column count through a style property.
  const scenarios = (await (await request.get('/api/scenarios')).json()) as { scenarios: { id: string; pack: string }[] };
  const digit = scenarios.scenarios.find((s) => s.pack === 'mnist')!.id;
  const pixels = await request.post('/api/debates', { data: { scenarioId: digit, preset: 'pixels' }, headers: { authorization: `Bearer ${E2E_RESEARCHER_TOKEN}` } });
  const px = (await pixels.json()) as { id: string; seats: Record<string, { path?: string }> };
  await page.goto(px.seats.A!.path!);
  await expect(page.getByRole('grid', { name: /The digit, 28 by 28 pixels/ })).toBeVisible();
  await none('pixel debater seat');

  await page.goto(`/replay/${debate.id}`);
  await expect(page.getByRole('heading').first()).toBeVisible();
  await none('replay');
  await page.goto('/results');
  await expect(page.getByRole('heading').first()).toBeVisible();
  await page.waitForTimeout(500);
  await none('results');
});
