import { expect, test, type Page } from '@playwright/test';
import { finishedAgentDebate } from './helpers.ts';

/** The step label's "Step i of n", as numbers. */
async function stepOf(page: Page): Promise<[number, number]> {
  const m = (await page.getByTestId('step-label').innerText()).match(/^Step (\d+) of (\d+) · /);
  expect(m, 'the step label reads "Step i of n · …"').not.toBeNull();
  return [Number(m![1]), Number(m![2])];
}

const place = (page: Page) => {
  const q = new URL(page.url()).searchParams;
  return { lens: q.get('lens'), step: q.get('step') };
};

test('the replay keeps its lens and step in the URL: a reload and a shared link open the same place', async ({ page, request }) => {
  // A debate played by builtin agents alone, to its verdict.
  const id = await finishedAgentDebate(request);

  await page.goto(`/replay/${id}`);
  const label = page.getByTestId('step-label');
  await expect(label).toContainText('Step 1 of ');
  const [, judgeSteps] = await stepOf(page);
  expect(place(page)).toEqual({ lens: 'judge', step: '1' });

  // Stepping keeps the URL up to date; a reload opens the same step.
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(label).toContainText('Step 3 of ');
  expect(place(page)).toEqual({ lens: 'judge', step: '3' });
  await page.reload();
  await expect(label).toContainText(`Step 3 of ${judgeSteps} · `);

  // Everything, at its last step: the label names the event in words, with no raw event index.
  await page.getByRole('radio', { name: 'Everything' }).click();
  await page.keyboard.press('End');
  await expect(page.getByRole('region', { name: 'Verdict' })).toBeVisible();
  const [last, allSteps] = await stepOf(page);
  expect(last).toBe(allSteps);
  expect(allSteps).toBeGreaterThan(judgeSteps);
  await expect(label).toContainText('Judge ends the debate');
  await expect(label).not.toContainText('#');
  await expect(page.getByText('A step is each event, including what the judge never saw.')).toBeVisible();
  expect(place(page)).toEqual({ lens: 'everything', step: String(allSteps) });
  await page.reload();
  await expect(page.getByRole('radio', { name: 'Everything' })).toHaveAttribute('aria-checked', 'true');
  await expect(label).toContainText(`Step ${allSteps} of ${allSteps} · `);
  await expect(page.getByTestId('passage')).toBeVisible();

  // A shared link to a middle step of everything.
  const middle = Math.ceil(allSteps / 2);
  const other = await (await page.context().browser()!.newContext()).newPage();
  await other.goto(`/replay/${id}?lens=everything&step=${middle}`);
  await expect(other.getByTestId('step-label')).toContainText(`Step ${middle} of ${allSteps} · `);
  await expect(other.getByRole('radio', { name: 'Everything' })).toHaveAttribute('aria-checked', 'true');

  // A step past the end is clamped to the last (and the URL says so); nonsense falls back to the judge's first step.
  await other.goto(`/replay/${id}?lens=everything&step=9999`);
  await expect(other.getByTestId('step-label')).toContainText(`Step ${allSteps} of ${allSteps} · `);
  await expect.poll(() => place(other)).toEqual({ lens: 'everything', step: String(allSteps) });
  await other.keyboard.press('ArrowLeft');
  await expect(other.getByTestId('step-label')).toContainText(`Step ${allSteps - 1} of ${allSteps} · `);
  await other.goto(`/replay/${id}?lens=sideways&step=-2`);
  await expect(other.getByRole('radio', { name: 'As the judge saw it' })).toHaveAttribute('aria-checked', 'true');
  await expect(other.getByTestId('step-label')).toContainText(`Step 1 of ${judgeSteps} · `);
  await expect.poll(() => place(other)).toEqual({ lens: 'judge', step: '1' });
});

test('a link to "everything" of a debate still running opens the judge’s lens', async ({ page, request }) => {
  const res = await request.post('/api/debates', { data: { scenarioId: 'the-lantern-room', preset: 'debate' } });
  expect(res.status()).toBe(201);
  const { id } = (await res.json()) as { id: string };
  await page.goto(`/replay/${id}?lens=everything&step=2`);
  await expect(page.getByRole('radio', { name: 'As the judge saw it' })).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('step-label')).toHaveText('Nothing has happened yet');
  await expect.poll(() => place(page)).toEqual({ lens: 'judge', step: null });
});
