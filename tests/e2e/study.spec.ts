/**
 * A study with recruited judges, in the browser: four participants, each in their own
 * browser context and arriving by study link with panel ids, in a three-condition study
 * (debate, consultancy, blind) against built-in AI debaters. Consent, practice, items, an
 * attention check one participant fails, a reload in the middle of an item, a dropout
 * whose items are refilled by a later arrival, completion pages with the right redirects,
 * the dashboard updating live, and judgements.csv recomputed from the stored transcripts.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { judgedCorrect, type TranscriptRecord } from '@arena/shared';
import { E2E_RESEARCHER_TOKEN } from '../../playwright.config.ts';
import { judge, person, shot } from './helpers.ts';

const STUDY = 'e2e-study';
const auth = { authorization: `Bearer ${E2E_RESEARCHER_TOKEN}` };
const REDIRECT = 'https://panel.example/complete?cc=';

const spec = {
  id: STUDY,
  title: 'Which protocol helps a judge?',
  seed: 'e2e-seed',
  scenarios: { ids: ['the-light-sacks-of-wendmere', 'log-of-the-petrel', 'the-quiet-relay'] },
  // Scenarios of the public pack: launched only because the spec says so.
  publicItems: 'allow',
  conditions: [
    { name: 'debate', preset: 'debate', rules: { maxSpeechRounds: 1 }, debaters: 'builtin:passage-debater' },
    { name: 'consultancy', preset: 'consultancy', rules: { maxSpeechRounds: 1 }, debaters: 'builtin:passage-debater' },
    { name: 'blind', preset: 'blind' },
  ],
  itemsPerParticipant: 3,
  judgementsPerCell: 1,
  practice: [{ scenario: 'the-footbridge-fund', condition: 'blind' }],
  attentionChecks: [{ after: 1, question: "To show you are reading, choose the answer 'Purple'.", answers: ['Green', 'Purple'], correct: 1 }],
  exclusion: { maxFailedChecks: 0, minSecondsPerItem: 0 },
  consent: '## Consent\nYou will judge short debates. Your panel id is kept only to pay you.',
  instructions: '## How to judge\nGive a probability to each answer, then end when you are ready.',
  timeLimits: { participantMinutes: 60, itemMinutes: 20, idleSeconds: 8 },
  completion: { codes: { completed: 'DONE1234', declined: 'NOPE1234', failed: 'FAIL1234', timedOut: 'TIME1234', noCapacity: 'FULL1234' }, redirect: `${REDIRECT}{code}` },
  bonus: { perPoint: 0.5, floor: 0, cap: 2 },
};

test.describe.configure({ mode: 'serial' });

async function arrive(browser: Browser, pid: string): Promise<Page> {
  const page = await person(browser, `/s/${STUDY}?PROLIFIC_PID=${pid}&STUDY_ID=panel-study&SESSION_ID=session-${pid}`);
  await expect(page.getByRole('heading', { name: 'Consent' })).toBeVisible();
  // Study pages stand alone: no navigation, no lobby, results or replay links.
  await expect(page.locator('nav')).toHaveCount(0);
  await expect(page.locator('a')).toHaveCount(0);
  expect(new URL(page.url()).search).toBe('');
  await page.getByRole('button', { name: 'I agree to take part' }).click();
  await expect(page.getByRole('heading', { name: 'How to judge' })).toBeVisible();
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByTestId('study-item')).toBeVisible();
  return page;
}

/** Judges the item on screen to its verdict, favouring the answer `pick` chooses, then goes on. */
async function judgeItem(page: Page, pick: (answers: string[]) => number = () => 0, beforeEnd?: () => Promise<void>): Promise<void> {
  const next = page.getByTestId('study-next');
  const end = page.getByRole('button', { name: 'End and give verdict' });
  const more = page.getByRole('button', { name: 'Continue the debate' });
  // An attention check is a page of its own: the question, its answers, Submit.
  if ((await page.getByTestId('study-item').getAttribute('data-kind')) === 'check') await answerCheck(page, pick);
  // isEnabled waits for a missing element; count first so a vanished panel reads as "not enabled".
  const enabled = async (l: typeof end) => (await l.count()) > 0 && (await l.isEnabled({ timeout: 1000 }).catch(() => false));
  for (;;) {
    await expect.poll(async () => (await next.isVisible()) || (await enabled(end)) || (await enabled(more)), { timeout: 20_000 }).toBe(true);
    if (await next.isVisible()) break;
    const answers = await page.locator('ol.answers .answer-text').allInnerTexts();
    if (await enabled(end)) {
      await beforeEnd?.();
      await judge(page, pick(answers), 80, true);
    } else if (await enabled(more)) {
      // AI debaters answer at once, so the next judge turn may follow before the panel hides: wait for our turn to be recorded.
      const turns = await page.locator('li.judge-round').count();
      await page.getByTestId(`prob-${pick(answers)}`).fill('60');
      await more.click();
      await expect(page.locator('li.judge-round')).toHaveCount(turns + 1);
    }
  }
  await expect(next).toBeEnabled({ timeout: 10_000 });
  const position = await page.getByTestId('study-item').locator('h1').innerText();
  await next.click();
  // On to the next item (or the end page) before anything else looks at the page.
  await expect.poll(async () => (await page.getByTestId('study-end').isVisible()) || (await page.getByTestId('study-item').locator('h1').innerText({ timeout: 500 }).catch(() => position)) !== position, { timeout: 15_000 }).toBe(true);
}

/** Answers the attention check on screen with the answer `pick` chooses. */
async function answerCheck(page: Page, pick: (answers: string[]) => number): Promise<void> {
  const check = page.getByTestId('study-check');
  await expect(check).toBeVisible({ timeout: 15_000 });
  // Nothing of a debate on a check's page.
  await expect(page.locator('ol.answers')).toHaveCount(0);
  await expect(page.locator('textarea')).toHaveCount(0);
  const answers = (await check.locator('.check-answer').allInnerTexts()).map((a) => a.trim());
  await check.locator('.check-answer input').nth(pick(answers)).check();
  await page.getByTestId('check-submit').click();
}

async function itemKind(page: Page): Promise<string> {
  const stage = await page.getByTestId('study-page').getAttribute('data-stage');
  return stage === 'items' ? ((await page.getByTestId('study-item').getAttribute('data-kind')) ?? '') : 'end';
}

/** The position of a named answer among those shown; fails at once (rather than waiting on a missing input) when it is not there. */
const answerNamed = (name: string) => (answers: string[]) => {
  const i = answers.indexOf(name);
  if (i < 0) throw new Error(`no answer "${name}" among ${JSON.stringify(answers)}`);
  return i;
};
const purple = answerNamed('Purple');
const green = answerNamed('Green');

async function finishAll(page: Page): Promise<void> {
  for (let kind = await itemKind(page); kind !== 'end'; kind = await itemKind(page)) {
    await judgeItem(page, kind === 'check' ? purple : () => 0);
  }
}

async function expectEnd(page: Page, outcome: string, code: string): Promise<void> {
  const end = page.getByTestId('study-end');
  await expect(end).toHaveAttribute('data-outcome', outcome, { timeout: 15_000 });
  await expect(page.getByTestId('completion-code')).toHaveText(code);
  await expect(page.getByTestId('completion-link')).toHaveAttribute('href', `${REDIRECT}${code}`);
  // The end page's one link is the panel's redirect.
  await expect(page.locator('a')).toHaveCount(1);
}

test('four participants run a three-condition study from study link to completion code', async ({ browser, page, request }) => {
  test.setTimeout(300_000);
  const launched = await request.post('/api/studies', { headers: auth, data: { spec } });
  expect(launched.status()).toBe(201);

  // The researchers' dashboard, open throughout: it must move without a reload.
  await page.goto(`/studies/${STUDY}#token=${E2E_RESEARCHER_TOKEN}`);
  await expect(page.getByTestId('dashboard')).toBeVisible();
  await expect(page.getByTestId('stage-done')).toContainText('0');

  // Participant 1: practice, an item with a reload in the middle, the check (passed), the rest.
  const p1 = await arrive(browser, 'PANEL-ONE');
  await expect(p1.getByTestId('study-item')).toHaveAttribute('data-kind', 'practice');
  await judgeItem(p1);
  await expect(p1.getByTestId('study-item')).toHaveAttribute('data-kind', 'item');
  await expect(p1.getByTestId('study-item').locator('h1')).toHaveText('2 of 5');
  await expect(p1.getByTestId('passage')).toHaveCount(0);
  await expect(p1.locator('a')).toHaveCount(0);
  await judgeItem(p1, () => 0, async () => {
    // A reload before the verdict comes back to the same item, its debate where it was.
    const before = await p1.locator('.rounds, ol.answers').first().innerText();
    await p1.reload();
    await expect(p1.getByTestId('study-item').locator('h1')).toHaveText('2 of 5');
    await expect(p1.locator('ol.answers')).toBeVisible();
    expect(before.length).toBeGreaterThan(0);
    await shot(p1, 'participant', true);
  });
  await expect(p1.getByTestId('study-item')).toHaveAttribute('data-kind', 'check');
  await finishAll(p1);
  await expectEnd(p1, 'completed', 'DONE1234');
  await expect(page.getByTestId('stage-done')).toContainText('1');

  // Participant 2 fails the attention check and is sent off with the failed code.
  const p2 = await arrive(browser, 'PANEL-TWO');
  await judgeItem(p2);
  await judgeItem(p2);
  await expect(p2.getByTestId('study-item')).toHaveAttribute('data-kind', 'check');
  // The failed check ends the study at its verdict: no Next button, the end page instead.
  await answerCheck(p2, green);
  await expectEnd(p2, 'failed', 'FAIL1234');

  // Participant 3 starts an item and closes the browser: a dropout.
  const p3 = await arrive(browser, 'PANEL-THREE');
  await judgeItem(p3);
  await expect(p3.getByTestId('study-item')).toHaveAttribute('data-kind', 'item');
  await p3.context().close();
  await expect(page.getByTestId('dropouts')).toContainText('1 dropouts', { timeout: 30_000 });

  // Participant 4 arrives later and takes up what the dropout left.
  const p4 = await arrive(browser, 'PANEL-FOUR');
  await finishAll(p4);
  await expectEnd(p4, 'completed', 'DONE1234');
  await expect(page.getByTestId('stage-done')).toContainText('4');
  await expect(page.getByTestId('outcomes')).toContainText('completed 2');
  await expect(page.getByTestId('outcomes')).toContainText('failed 1');
  await expect(page.getByTestId('outcomes')).toContainText('timedOut 1');
  await shot(page, 'dashboard', true, true);

  // The slots handed back were drawn again by participant 4: the dropout's unjudged ones and every one of the
  // participant who failed the check (excluded: their judged item goes back too); those participant 4 did not take are open.
  const progress = await (await request.get(`/api/studies/${STUDY}/progress`, { headers: auth })).json();
  const dropout = progress.participants.find((p: { flags: string[] }) => p.flags.includes('idle')).participant as string;
  const failed = progress.participants.find((p: { outcome: string | null }) => p.outcome === 'failed').participant as string;
  const later = progress.participants.at(-1).participant as string;
  const itemsOf = async (p: string) => (await (await request.get(`/api/studies/${STUDY}/participants/${p}`, { headers: auth })).json()).items as { slot: string | null; kind: string; status: string }[];
  const leftByDropout = (await itemsOf(dropout)).filter((i) => i.slot && i.status === 'abandoned').map((i) => i.slot);
  const leftByFailed = (await itemsOf(failed)).filter((i) => i.slot && i.kind === 'item').map((i) => i.slot);
  const refilled = (await itemsOf(later)).filter((i) => i.slot && [...leftByDropout, ...leftByFailed].includes(i.slot) && i.status === 'done');
  expect(leftByDropout.length).toBeGreaterThan(0);
  // Which handed-back slots participant 4 draws depends on the draw (it is seeded by the participants' random ids, and
  // nobody judges one question twice, so a top-up may be drawn instead); every handed-back slot it did not draw is open again.
  const openCells = new Map<string, number>((progress.cells as { cell: string; open: number }[]).map((c) => [c.cell, c.open]));
  const drawnAgain = new Set(refilled.map((i) => i.slot));
  for (const slot of new Set([...leftByDropout, ...leftByFailed])) {
    if (!drawnAgain.has(slot)) expect(openCells.get(slot!.split('#')[0]!), `slot ${slot} back in the pool`).toBeGreaterThan(0);
  }
  expect(progress.refills).toBeGreaterThan(0);
  // Usable judgements: participant 1's three and participant 4's three; no slot was judged by two usable participants;
  // every other slot of the pool (the plan and any top-up) is open again.
  const first = progress.participants.find((p: { outcome: string | null }) => p.outcome === 'completed').participant as string;
  const usable = [...(await itemsOf(first)), ...(await itemsOf(later))].filter((i) => i.slot && i.kind === 'item' && i.status === 'done').map((i) => i.slot);
  expect(usable).toHaveLength(6);
  expect(new Set(usable).size).toBe(6);
  expect(progress.plan).toMatchObject({ planned: 9, done: 6, assigned: 0, open: progress.plan.slots - 6 });

  // judgements.csv, recomputed from the stored transcripts.
  const csv = parseCsv(await (await request.get(`/api/studies/${STUDY}/export/judgements.csv`, { headers: auth })).text(), { columns: true }) as Record<string, string>[];
  const records = (await (await request.get(`/api/studies/${STUDY}/export/transcripts.jsonl`, { headers: auth })).text())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as TranscriptRecord);
  const finished = records.filter((r) => r.status === 'finished');
  expect(csv).toHaveLength(finished.length);
  expect(new Set(csv.map((r) => r.condition))).toEqual(new Set(['debate', 'consultancy', 'blind', 'check']));
  for (const r of finished) {
    const row = csv.find((x) => x.debate_id === r.header.id)!;
    const meta = r.header.meta!['study'] as { participant: string; item: number; kind: string; condition: string; specHash: string };
    const c = r.verdict!.correctIndex;
    const judgeTurns = r.events.filter((e) => e.seat === 'judge' && e.action.type === 'judge');
    expect(row).toMatchObject({
      study: STUDY,
      participant: meta.participant,
      item: String(meta.item),
      practice: meta.kind === 'practice' ? 'TRUE' : 'FALSE',
      check: meta.kind === 'check' ? 'TRUE' : 'FALSE',
      condition: meta.condition,
      preset: r.header.rules.preset,
      scenario_id: r.header.scenario.id,
      answer_order: r.header.assignment.answerOrder.join(' '),
      correct_position: String(c + 1),
      correct: judgedCorrect(r.verdict!.probabilities, c) ? 'TRUE' : 'FALSE',
      continues: String(judgeTurns.length - 1),
      spec_hash: launched.ok() ? meta.specHash : '',
    });
    expect(Number(row.p_correct_final)).toBeCloseTo(r.verdict!.probabilities[c]!, 9);
    expect(row.participant).not.toMatch(/PANEL/);
  }
});
