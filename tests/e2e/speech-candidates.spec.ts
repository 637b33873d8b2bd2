import { expect, test } from '@playwright/test';
import { E2E_RESEARCHER_TOKEN } from '../../playwright.config.ts';
import { connect, type AgentConnection } from '../../sdk/src/index.ts';
import { shot } from './helpers.ts';

const CRITIQUE = 'The draft claims without a quote; quote the keeper.';
const DRAFT = 'I am right, trust me.';

/**
 * A debater that keeps its drafts, critiques and scored candidates in its turn's meta (here a
 * remote agent reporting them, as an LLM debater's critique-and-refine keeps them): the
 * researcher's replay shows how each speech was written; the judge's replay does not.
 */
test('the researcher’s replay shows each speech’s drafts, critiques and scores; the judge’s does not', async ({ page, request, baseURL }) => {
  const auth = { authorization: `Bearer ${E2E_RESEARCHER_TOKEN}` };
  const name = `refiner-${Date.now()}`;
  const issued = await request.post('/api/agents/keys', { headers: auth, data: { name } });
  expect(issued.status()).toBe(201);
  const { key } = (await issued.json()) as { key: string };
  let agent: AgentConnection | undefined;
  try {
    agent = connect({ url: baseURL!, key, name }, async (turn) => {
      const mine = turn.view.debaters.find((d) => d.seat === turn.seat);
      const text = `I argue for answer ${(mine?.answerIndex ?? 0) + 1}, as the story shows.`;
      return {
        action: { type: 'speech', text },
        meta: {
          candidates: [
            { stage: 'draft', round: 0, text: DRAFT, score: 0.31 },
            { stage: 'refined', round: 1, text, score: 0.58, critique: CRITIQUE },
          ],
          chosenCandidate: 1,
        },
      };
    });
    await new Promise<void>((resolve) => (agent!.socket.connected ? resolve() : agent!.socket.once('connect', () => resolve())));
    const created = await request.post('/api/debates', {
      headers: auth,
      data: {
        scenarioId: 'the-lantern-room',
        preset: 'debate',
        seats: { A: { kind: 'agent', agent: `remote:${name}` }, B: { kind: 'agent', agent: 'builtin:passage-debater' }, judge: { kind: 'agent', agent: 'builtin:passage-judge' } },
      },
    });
    expect(created.status()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await expect.poll(async () => ((await (await request.get(`/api/debates/${id}`, { headers: auth })).json()) as { status: string }).status, { timeout: 30_000 }).toBe('finished');

    await page.goto(`/replay/${id}?token=${E2E_RESEARCHER_TOKEN}`);
    await page.getByRole('button', { name: 'Last' }).click();
    // As the judge saw it: no drafts, no critiques.
    await expect(page.getByRole('region', { name: 'How the speeches were written' })).toHaveCount(0);
    await expect(page.getByText(CRITIQUE)).toHaveCount(0);
    // Switching keeps the last step.
    await page.getByRole('radio', { name: 'Everything' }).click();
    await expect(page.getByRole('button', { name: 'Last' })).toBeDisabled();
    const panel = page.getByRole('region', { name: 'How the speeches were written' });
    await expect(panel).toBeVisible();
    const first = panel.locator('details').first();
    await expect(first.locator('summary')).toContainText('Debater A');
    await expect(first.locator('summary')).toContainText('draft 0.31, refined 1 0.58 given');
    await first.locator('summary').click();
    await expect(first.getByText(CRITIQUE)).toBeVisible();
    await expect(first.getByText(DRAFT)).toBeVisible();
    await first.scrollIntoViewIfNeeded();
    await shot(page, 'replay-candidates');
    // Stepping back to the start, no speech has been written yet.
    await page.getByRole('button', { name: 'First' }).click();
    await expect(panel).toHaveCount(0);
  } finally {
    agent?.close();
  }
});
