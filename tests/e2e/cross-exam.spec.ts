import { expect, test } from '@playwright/test';
import { E2E_RESEARCHER_TOKEN } from '../../playwright.config.ts';
import { expectNoLeak, judge, myTurn, person, quoteBySelecting, shot } from './helpers.ts';

const auth = { authorization: `Bearer ${E2E_RESEARCHER_TOKEN}` };

/**
 * A cross-examination debate played to its verdict in the browser: a person as debater A
 * (opening, a question to B, an answer with a quote, a vote to end) against the built-in
 * debater, and a person judging, who sees both questions and both answers with their
 * verified quotes. Then the replay shows the debate's branches once a researcher forks it.
 */
test.setTimeout(120_000);

test('a person asks and answers in a cross-examination, votes to end, and the replay shows its forks', async ({ browser, request }) => {
  const res = await request.post('/api/debates', {
    headers: auth,
    data: { scenarioId: 'the-lantern-room', preset: 'debate-cross-exam', seed: 'e2e-cross', visibility: 'public', seats: { B: { kind: 'agent', agent: 'builtin:passage-debater' } } },
  });
  expect(res.status()).toBe(201);
  const created = (await res.json()) as { id: string; seats: Record<string, { path?: string }> };
  const a = await person(browser, created.seats.A!.path!);
  const j = await person(browser, created.seats.judge!.path!);
  await expect(a.getByTestId('passage')).toBeVisible();
  const passage = await a.getByTestId('passage').innerText();
  const quotes: string[] = [];

  await judge(j, 0, 50, false);
  // The opening (B, the built-in debater, has already written its own: the cross-examination opens at once).
  await myTurn(a);
  await a.getByRole('textbox', { name: 'Your speech', exact: true }).fill('My answer is in the passage: ');
  quotes.push(await quoteBySelecting(a, 4, 14));
  await a.getByRole('button', { name: 'Submit speech' }).click();

  // Cross-examination: A asks B, naming the round B is to answer from.
  await myTurn(a);
  await expect(a.getByTestId('turn-text')).toContainText('ask Debater B a question');
  await a.getByRole('textbox', { name: 'Your question' }).fill('Which words of the passage support your answer?');
  await a.getByRole('combobox', { name: 'Answer as of round' }).selectOption({ label: 'round 1 opened' });
  await a.getByRole('button', { name: 'Ask' }).click();
  // B (the built-in debater) asks too; then A answers B's question, with a quote.
  await expect(a.getByTestId('turn-text')).toContainText("answer Debater B's question", { timeout: 15_000 });
  await expect(a.getByTestId('question-to-me')).toContainText('Quote the words of the passage');
  await shot(a, 'cross-exam-debater');
  await a.getByRole('textbox', { name: 'Your speech', exact: true }).fill('Here: ');
  quotes.push(await quoteBySelecting(a, 20, 31));
  await a.getByRole('button', { name: 'Submit answer' }).click();

  // The judge sees both questions and both answers once the round is complete.
  await expect(j.getByRole('button', { name: 'Continue the debate' })).toBeEnabled({ timeout: 15_000 });
  await expect(j.getByTestId('cross-question')).toHaveCount(2);
  await expect(j.getByText('Which words of the passage support your answer?')).toBeVisible();
  // A named round 1 for B's answer (B as it was at the start); B named round 2 (A before the openings).
  await expect(j.getByTestId('cross-question').filter({ hasText: 'Which words' })).toContainText('(answered as of round 1)');
  await expect(j.getByTestId('cross-question').filter({ hasText: 'Quote the words' })).toContainText('(answered as of round 2)');
  await expect(j.getByRole('article', { name: "Debater A's answer" }).locator('mark.quote')).toHaveCount(1);
  await expect(j.getByRole('article', { name: "Debater B's answer" })).toBeVisible();
  for (const q of await j.getByRole('article', { name: "Debater B's answer" }).locator('mark.quote').allInnerTexts()) quotes.push(q.replace(/^verified quote: /, '').replace(/^“|”$/g, ''));
  for (const q of await j.locator('.speech mark.quote').allInnerTexts()) quotes.push(q.replace(/^“|”$/g, ''));
  await expectNoLeak(j, passage, quotes);
  await shot(j, 'cross-exam-judge');

  // Ending by agreement: A votes; B (built-in) does not, so the judge may still continue.
  await a.getByRole('button', { name: 'Vote to end the debate' }).click();
  await expect(a.getByRole('button', { name: 'Take back my vote to end' })).toBeVisible();
  await expect(j.getByTestId('agreement-status')).toContainText('Votes to end so far: Debater A');
  await judge(j, 1, 70, true);
  await expect(j.getByText(/correct/i).first()).toBeVisible();
  await expect(a.getByTestId('turn-text')).toContainText('The debate is over.');

  // A researcher forks it; the replay (with the researcher token) shows the branches as a tree of links.
  const fork = await request.post(`/api/debates/${created.id}/fork`, { headers: auth, data: { at: 3, seats: { A: { kind: 'agent', agent: 'builtin:passage-debater' }, judge: { kind: 'agent', agent: 'builtin:passage-judge' } } } });
  expect(fork.status()).toBe(201);
  const forkId = ((await fork.json()) as { id: string }).id;
  const replay = await person(browser, `/replay/${created.id}?token=${E2E_RESEARCHER_TOKEN}`);
  await expect(replay.getByRole('heading', { name: 'Branches of this debate' })).toBeVisible();
  await expect(replay.getByTestId('fork-node')).toHaveCount(2);
  await expect(replay.getByText('forked at event 3')).toBeVisible();
  await replay.getByRole('link', { name: forkId }).click();
  await expect(replay.getByRole('link', { name: created.id })).toBeVisible();
  await expect(replay.locator('[aria-current="page"]')).toHaveText(forkId);
  // A stranger's replay of the public original shows no branches (the tree is the researchers').
  const stranger = await person(browser, `/replay/${created.id}`);
  await expect(stranger.getByTestId('step-label')).toBeVisible();
  await expect(stranger.getByRole('heading', { name: 'Branches of this debate' })).toHaveCount(0);
});
