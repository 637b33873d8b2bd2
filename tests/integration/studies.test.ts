/**
 * A study through the real server: launched over HTTP, participants arriving by study
 * link, judging live debates as the judge seat over real SDK connections, a reload, a
 * failed attention check, a dropout whose items are refilled, exports recomputed from
 * the stored transcripts, and bonuses paid once.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgedCorrect, type TranscriptRecord } from '@arena/shared';
import { scenarioHidden, signEntry } from '../../server/src/access/study.ts';
import { studyPreamble } from '../../server/src/cli/report.ts';
import { panelIdsOf } from '../../server/src/cli/study.ts';
import { computeReport } from '../../server/src/report/report.ts';
import { excludedSelection, loadSelection } from '../../server/src/report/select.ts';
import { EXAMPLE_SPEC } from '../../server/src/studies/example.ts';
import { parseSpec, type StudySpec } from '../../server/src/studies/spec.ts';
import { RESEARCHER_TOKEN, startArena, type SeatClient, type TestArena } from '../helpers/arena.ts';
import { runArena } from '../helpers/cli.ts';

let t: TestArena;
const ENTRY_SECRET = 'the-signed-links-secret-0123456789abcdef';
const base = parseSpec(EXAMPLE_SPEC);
const spec: StudySpec = {
  ...base,
  id: 'it-study',
  scenarios: { packs: [], ids: ['the-lantern-room', 'log-of-the-petrel', 'the-quiet-relay'] },
  conditions: base.conditions.map((c) => (c.preset === 'blind' ? c : { ...c, rules: { maxSpeechRounds: 1 } })),
  itemsPerParticipant: 3,
  judgementsPerCell: 1,
  practice: [{ scenario: 'the-heron-and-the-three-stones', condition: 'blind' }],
  // One failed check ends the study here (the default, as panels require, is after two).
  exclusion: { maxFailedChecks: 0, minSecondsPerItem: 0 },
  bonus: { perPoint: 1, floor: 0.1, cap: 2, currency: 'GBP' },
};

type Page = { stage: string; item?: { position: number; total: number; kind: string; status: string; debateId: string; token: string }; end?: { outcome: string; code: string; redirect: string }; consentHtml?: string };

beforeAll(async () => {
  // The limit on entries from one address is tested on an arena of its own (below); these tests make more than its default.
  t = await startArena({ env: { ARENA_STUDY_SWEEP_SECONDS: '3600', ARENA_ENTRY_SECRET_IT: ENTRY_SECRET, ARENA_STUDY_ENTRIES_PER_ADDRESS: '100' } });
});
afterAll(async () => t?.close());

const me = async (token: string) => (await t.api<Page>(`/api/studies/${spec.id}/me`, { token })).body;
const post = async (path: string, token: string, json: unknown = {}) => (await t.api<Page>(`/api/studies/${spec.id}/me/${path}`, { method: 'POST', json, token })).body;

/** Judges the current item through the judge seat: ends at the first chance, favouring answer `favour` (shown order) or the check's answer. */
async function judgeItem(token: string, choose: (view: SeatClient['view']) => number[]): Promise<SeatClient> {
  const page = await me(token);
  const judge = await t.join({ debateId: page.item!.debateId, seat: 'judge', token: page.item!.token });
  for (;;) {
    await judge.until((c) => c.views.length > 0 && (c.view.status === 'finished' || c.view.legal.some((l) => l.type === 'judge')), 'the judge turn or the verdict', 20_000);
    if (judge.view.status === 'finished') break;
    const canEnd = judge.view.legal.some((l) => l.type === 'judge' && l.canEnd);
    await judge.act({ type: 'judge', probabilities: choose(judge.view), end: canEnd });
  }
  for (let i = 0; i < 50 && (await me(token)).item?.status !== 'done' && (await me(token)).stage === 'items'; i++) await new Promise((r) => setTimeout(r, 50));
  return judge;
}

const leaning = (view: SeatClient['view']) => view.answers.map((_, i) => (i === 0 ? 0.9 : 0.1 / (view.answers.length - 1)));
const purple = (view: SeatClient['view']) => view.answers.map((a) => (a === 'Purple' ? 0.9 : 0.1));
const green = (view: SeatClient['view']) => view.answers.map((a) => (a === 'Green' ? 0.9 : 0.1));

describe('a study', () => {
  it('is launched by researchers only, frozen, and walks participants from link to code', async () => {
    expect((await t.api('/api/studies', { method: 'POST', json: { spec } })).status).toBe(401);
    // Items from the public pack: refused unless the spec allows it, then launched with a warning in words.
    const { publicItems: _allow, ...unguarded } = spec;
    const refused = await t.api('/api/studies', { method: 'POST', json: { spec: unguarded }, token: RESEARCHER_TOKEN });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(/public pack originals.*publicItems: allow/);
    const launched = await t.api('/api/studies', { method: 'POST', json: { spec }, token: RESEARCHER_TOKEN });
    expect(launched.status).toBe(201);
    expect(launched.body.slots).toBe(9);
    expect(launched.body.warnings.join(' ')).toMatch(/participant may already know an answer/);
    // While it runs its items are hidden outside it (the decision the lobby, scenario, replay and results routes apply).
    const shield = await t.arena.services.studies.shield();
    for (const id of [...spec.scenarios!.ids, ...spec.practice.map((p) => p.scenario)]) expect(scenarioHidden(shield, { researcher: false }, id)).not.toBeNull();
    const again = await t.api('/api/studies', { method: 'POST', json: { spec: { ...spec, seed: 'other' } }, token: RESEARCHER_TOKEN });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatch(/frozen/);

    // Participant 1 arrives, consents, judges practice, items and the check.
    const a = await t.api(`/api/studies/${spec.id}/enter`, { method: 'POST', json: { PROLIFIC_PID: 'PANEL-AAA', STUDY_ID: 'st', SESSION_ID: 'se1' } });
    expect(a.status).toBe(200);
    const tokenA = a.body.token as string;
    expect((await me(tokenA)).consentHtml).toMatch(/<h2>Consent<\/h2>/);
    expect((await post('consent', tokenA, { agree: true })).stage).toBe('instructions');
    let page = await post('start', tokenA);
    expect(page.item).toMatchObject({ position: 1, total: 5, kind: 'practice' });
    const practice = await judgeItem(tokenA, leaning);
    // The page reports its integrity signals for item 2: a paste, time hidden and out of focus.
    expect((await t.api(`/api/studies/${spec.id}/me/signals`, { method: 'POST', json: { position: 2, pastes: 1, hiddenMs: 1500, blurMs: 2000 }, token: tokenA })).status).toBe(200);
    expect((await t.api(`/api/studies/${spec.id}/me/signals`, { method: 'POST', json: { position: 9, pastes: 1, hiddenMs: 0, blurMs: 0 }, token: tokenA })).status).toBe(404);
    // The participant's connection never held the passage or the seed: it is the judge's view.
    const practiceText = practice.frames().map((f) => Buffer.from(f).toString('utf8')).join('\n');
    const header = (await t.api<TranscriptRecord>(`/api/debates/${page.item!.debateId}/transcript?seat=full`, { token: RESEARCHER_TOKEN })).body.header;
    expect(practiceText).not.toContain(header.seed);
    expect((header.meta?.['study'] as { specHash: string }).specHash).toBe(launched.body.specHash);
    expect(header.provenance).toBe('study');
    // The debate is private: nobody without the researcher token reads its full transcript; to a stranger it does not exist.
    expect((await t.api(`/api/debates/${page.item!.debateId}/transcript?seat=full`)).status).toBe(404);

    page = await post('next', tokenA);
    expect(page.item).toMatchObject({ position: 2, kind: 'item' });
    const item2 = page.item!.debateId;
    const first = await judgeItem(tokenA, leaning);
    const record2 = (await t.api<TranscriptRecord>(`/api/debates/${item2}/transcript?seat=full`, { token: RESEARCHER_TOKEN })).body;
    const passage = record2.header.scenario;
    const bytes = first.frames().map((f) => Buffer.from(f).toString('utf8')).join('\n');
    // What the debaters said (their quotes included) may reach the judge; nothing else of the passage may.
    const said = JSON.stringify(record2.events.filter((e) => e.action.type === 'speech').map((e) => e.action));
    const hidden = passage.evidence.kind === 'passage' ? passage.evidence.text.split(/\n/).filter((l) => l.length > 80) : [];
    for (const line of hidden) if (!said.includes(line.slice(0, 40))) expect(bytes).not.toContain(line.slice(0, 80));

    // A reload: the same link returns the same participant at the same place.
    page = await post('next', tokenA);
    expect(page.item!.kind).toBe('check');
    const reentered = await t.api(`/api/studies/${spec.id}/enter`, { method: 'POST', json: { PROLIFIC_PID: 'PANEL-AAA' } });
    expect(reentered.body.token).toBe(tokenA);
    expect((await me(tokenA)).item).toMatchObject({ position: 3, kind: 'check', debateId: page.item!.debateId });
    // Reading the page writes nothing (its heartbeat, POST …/me/seen, records that the page is open).
    const studies = t.arena.services.studies;
    const rowA = await studies.participantFor(spec.id, tokenA);
    const itemsA = await studies.db.items(spec.id, rowA.participant);
    await new Promise((r) => setTimeout(r, 5));
    await me(tokenA);
    expect(await studies.participantFor(spec.id, tokenA)).toEqual(rowA);
    expect(await studies.db.items(spec.id, rowA.participant)).toEqual(itemsA);
    expect((await post('seen', tokenA)).item).toMatchObject({ position: 3, kind: 'check' });
    expect((await studies.participantFor(spec.id, tokenA)).lastSeen).toBeGreaterThan(rowA.lastSeen);
    await judgeItem(tokenA, purple);
    for (let i = 0; i < 2; i++) {
      page = await post('next', tokenA);
      await judgeItem(tokenA, leaning);
    }
    page = await post('next', tokenA);
    expect(page.stage).toBe('done');
    expect(page.end).toEqual({ outcome: 'completed', code: 'C1A2B3C4', redirect: 'https://app.prolific.com/submissions/complete?cc=C1A2B3C4' });

    // Participant 2 fails the check and gets the failed code at once.
    const tokenB = (await t.api(`/api/studies/${spec.id}/enter`, { method: 'POST', json: { pid: 'PANEL-BBB' } })).body.token as string;
    await post('consent', tokenB, { agree: true });
    await post('start', tokenB);
    await judgeItem(tokenB, leaning);
    await post('next', tokenB);
    await judgeItem(tokenB, leaning);
    await post('next', tokenB);
    await judgeItem(tokenB, green);
    expect((await me(tokenB)).end).toMatchObject({ outcome: 'failed', code: 'FAILED01' });
    // B's judged item is not usable: its slot went back to the pool, and the dashboard counts it apart.
    const usable = (await t.api(`/api/studies/${spec.id}/progress`, { token: RESEARCHER_TOKEN })).body;
    expect(usable.plan.done).toBe(3);
    expect(usable.judgements).toEqual({ counted: 3, practice: 2, checks: 2, excluded: 1 });
    expect(usable.participants.find((x: { outcome: string | null }) => x.outcome === 'completed').conditions).toHaveLength(3);

    // Participant 3 declines consent.
    const tokenC = (await t.api(`/api/studies/${spec.id}/enter`, { method: 'POST', json: { pid: 'PANEL-CCC' } })).body.token as string;
    expect((await post('consent', tokenC, { agree: false })).end).toMatchObject({ outcome: 'declined', code: 'DECLINE01' });

    // Participant 4 starts an item and drops out: the sweep times them out and their slots return to the pool.
    const tokenD = (await t.api(`/api/studies/${spec.id}/enter`, { method: 'POST', json: { pid: 'PANEL-DDD' } })).body.token as string;
    await post('consent', tokenD, { agree: true });
    await post('start', tokenD);
    await judgeItem(tokenD, leaning);
    page = await post('next', tokenD);
    const abandoned = page.item!.debateId;
    let progress = (await t.api(`/api/studies/${spec.id}/progress`, { token: RESEARCHER_TOKEN })).body;
    const openBefore = progress.plan.open as number;
    expect(await t.arena.services.studies.sweep(Date.now() + 301_000)).toBe(1);
    expect((await me(tokenD)).end).toMatchObject({ outcome: 'timedOut', code: 'TIMEOUT01' });
    expect((await t.api(`/api/debates/${abandoned}`, { token: RESEARCHER_TOKEN })).body.status).toBe('ended');
    progress = (await t.api(`/api/studies/${spec.id}/progress`, { token: RESEARCHER_TOKEN })).body;
    // B's two unjudged items and D's three came back.
    expect(progress.plan.open).toBe(openBefore + 3);
    expect(progress.dropouts).toBe(1);

    // Participant 5 takes up what was left: the refilled slots are drawn again.
    const tokenE = (await t.api(`/api/studies/${spec.id}/enter`, { method: 'POST', json: { pid: 'PANEL-EEE' } })).body.token as string;
    await post('consent', tokenE, { agree: true });
    page = await post('start', tokenE);
    while (page.stage === 'items') {
      await judgeItem(tokenE, page.item!.kind === 'check' ? purple : leaning);
      page = await post('next', tokenE);
    }
    expect(page.end?.outcome).toBe('completed');
    progress = (await t.api(`/api/studies/${spec.id}/progress`, { token: RESEARCHER_TOKEN })).body;
    expect(progress.refills).toBeGreaterThan(0);
    expect(progress.outcomes).toEqual({ completed: 2, failed: 1, declined: 1, timedOut: 1 });
    expect(JSON.stringify(progress)).not.toContain('PANEL-');

    // judgements.csv recomputed from the stored transcripts.
    // Downloads and the event stream take a short-lived study ticket in the URL, never the researcher token.
    expect((await t.api(`/api/studies/${spec.id}/export/judgements.csv?token=${RESEARCHER_TOKEN}`)).status).toBe(401);
    expect((await t.api(`/api/studies/${spec.id}/ticket`, { method: 'POST' })).status).toBe(401);
    const { ticket } = (await t.api(`/api/studies/${spec.id}/ticket`, { method: 'POST', token: RESEARCHER_TOKEN })).body as { ticket: string };
    expect(ticket).not.toContain(RESEARCHER_TOKEN);
    const viaTicket = await t.api(`/api/studies/${spec.id}/export/judgements.csv?ticket=${encodeURIComponent(ticket)}`);
    expect(viaTicket.status).toBe(200);
    const [expiry, signature] = ticket.split('.');
    expect((await t.api(`/api/studies/${spec.id}/export/judgements.csv?ticket=${Number(expiry) + 1}.${signature}`)).status).toBe(401);
    expect((await t.api(`/api/studies/${spec.id}/export/judgements.csv?ticket=${Date.now() - 1000}.${signature}`)).status).toBe(401);
    const csv = parseCsv((await t.api(`/api/studies/${spec.id}/export/judgements.csv`, { token: RESEARCHER_TOKEN })).body as string, { columns: true }) as Record<string, string>[];
    const jsonl = ((await t.api(`/api/studies/${spec.id}/export/transcripts.jsonl`, { token: RESEARCHER_TOKEN })).body as string)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as TranscriptRecord);
    const finished = jsonl.filter((r) => r.status === 'finished');
    expect(csv).toHaveLength(finished.length);
    for (const r of finished) {
      const row = csv.find((x) => x.debate_id === r.header.id)!;
      const meta = r.header.meta!['study'] as { participant: string; item: number; kind: string; condition: string };
      const c = r.verdict!.correctIndex;
      expect(row).toMatchObject({
        study: spec.id,
        participant: meta.participant,
        item: String(meta.item),
        practice: meta.kind === 'practice' ? 'TRUE' : 'FALSE',
        check: meta.kind === 'check' ? 'TRUE' : 'FALSE',
        condition: meta.condition,
        correct_position: String(c + 1),
        correct: judgedCorrect(r.verdict!.probabilities, c) ? 'TRUE' : 'FALSE',
      });
      expect(Number(row.p_correct_final)).toBeCloseTo(r.verdict!.probabilities[c]!, 9);
      expect(row.participant).toMatch(/^p-[0-9a-f]{16}$/);
      expect(row.excluded).toBe(row.participant_outcome === 'failed' ? 'TRUE' : 'FALSE');
    }
    expect(JSON.stringify(csv)).not.toContain('PANEL-');
    const signalled = csv.find((r) => r.participant === rowA.participant && r.item === '2')!;
    expect(signalled).toMatchObject({ pastes: '1', hidden_seconds: '1.5', unfocused_seconds: '2.0' });
    expect(signalled.participant_flags!.split(' ')).toEqual(expect.arrayContaining(['pasted', 'left-page']));
    expect(signalled.item_seconds).toMatch(/^\d+\.\d$/);

    // Reports over the study (arena report --study, /api/results) count its kept participants' counted items only; the excluded apart.
    const studyFilter = { study: spec.id, provenance: 'study' };
    const finishedOnly = (rs: TranscriptRecord[]) => rs.filter((r) => r.status === 'finished');
    const counted = finishedOnly(await loadSelection(t.stores, studyFilter));
    expect(counted).toHaveLength(progress.judgements.counted);
    expect(counted.every((r) => (r.header.meta!['study'] as { kind: string }).kind === 'item')).toBe(true);
    expect(counted).toHaveLength(csv.filter((row) => row.practice === 'FALSE' && row.check === 'FALSE' && row.excluded === 'FALSE').length);
    expect(finishedOnly(await excludedSelection(t.stores, studyFilter))).toHaveLength(progress.judgements.excluded);
    expect(computeReport(counted, studyFilter).finished).toBe(progress.judgements.counted);
    expect(progress.plan.done).toBe(progress.judgements.counted);

    // Bonuses: panel ids of the completed, each paid once.
    const bonuses = parseCsv((await t.api(`/api/studies/${spec.id}/export/bonuses.csv`, { token: RESEARCHER_TOKEN })).body as string, { columns: true }) as { participant_id: string; amount: string }[];
    expect(bonuses.map((b) => b.participant_id).sort()).toEqual(['PANEL-AAA', 'PANEL-EEE']);
    for (const b of bonuses) expect(Number(b.amount)).toBeGreaterThanOrEqual(0.1);
    // arena study bonuses mark-paid FILE: the file's panel ids, as one batch.
    const paidFile = panelIdsOf((await t.api(`/api/studies/${spec.id}/export/bonuses.csv`, { token: RESEARCHER_TOKEN })).body as string);
    expect(paidFile.sort()).toEqual(['PANEL-AAA', 'PANEL-EEE']);
    const paid = await t.api(`/api/studies/${spec.id}/bonuses/paid`, { method: 'POST', json: { batch: 'b1', participants: paidFile }, token: RESEARCHER_TOKEN });
    expect(paid.body.recorded).toBe(2);
    // The same file again: nobody is in two batches.
    expect((await t.api(`/api/studies/${spec.id}/bonuses/paid`, { method: 'POST', json: { batch: 'b1-again', participants: paidFile }, token: RESEARCHER_TOKEN })).body).toMatchObject({ recorded: 0, alreadyPaid: 2 });
    expect((await t.api(`/api/studies/${spec.id}/bonuses/paid`, { method: 'POST', json: { batch: 'b2' }, token: RESEARCHER_TOKEN })).body.recorded).toBe(0);
    expect(((await t.api(`/api/studies/${spec.id}/export/bonuses.csv`, { token: RESEARCHER_TOKEN })).body as string).trim()).toBe('participant_id,amount');
    const approvals = parseCsv((await t.api(`/api/studies/${spec.id}/export/approvals.csv`, { token: RESEARCHER_TOKEN })).body as string, { columns: true }) as Record<string, string>[];
    expect(Object.fromEntries(approvals.map((a) => [a.participant_id, a.decision]))).toEqual({ 'PANEL-AAA': 'approve', 'PANEL-BBB': 'reject', 'PANEL-CCC': 'return', 'PANEL-DDD': 'review', 'PANEL-EEE': 'approve' });
    expect((await t.api(`/api/studies/${spec.id}/export/bonuses.csv`)).status).toBe(401);
  });

  it('pause turns new arrivals away, close gives them the no-capacity code', async () => {
    expect(await studyPreamble(t.stores.studies, spec.id)).toMatch(/is running: an interim look/);
    expect((await t.api(`/api/studies/${spec.id}/pause`, { method: 'POST', json: {}, token: RESEARCHER_TOKEN })).body.status).toBe('paused');
    expect((await t.api(`/api/studies/${spec.id}/enter`, { method: 'POST', json: { pid: 'PANEL-FFF' } })).status).toBe(503);
    await t.api(`/api/studies/${spec.id}/close`, { method: 'POST', json: {}, token: RESEARCHER_TOKEN });
    // arena report --study on the closed study states the pre-registered analysis it runs (an interim look before).
    expect(await studyPreamble(t.stores.studies, spec.id)).toMatch(/^The pre-registered analysis of study it-study \(spec hash [0-9a-f]{64}, frozen at launch\), run on the closed study:\nData: the counted items/);
    // Closed: its items are shown again.
    expect(scenarioHidden(await t.arena.services.studies.shield(), { researcher: false }, 'the-lantern-room')).toBeNull();
    const token = (await t.api(`/api/studies/${spec.id}/enter`, { method: 'POST', json: { pid: 'PANEL-FFF' } })).body.token as string;
    expect((await me(token)).end).toMatchObject({ outcome: 'noCapacity', code: 'NOROOM01' });
    expect((await t.api(`/api/studies/${spec.id}/enter`, { method: 'POST', json: {} })).status).toBe(400);
  });
});

describe('study links are public', () => {
  it('limit the entries one address makes and one study takes, and refused entries take no slot', async () => {
    const limited = await startArena({ env: { ARENA_STUDY_ENTRIES_PER_ADDRESS: '3', ARENA_STUDY_SWEEP_SECONDS: '3600' } });
    try {
      const floodSpec = { ...spec, id: 'flood-study' };
      expect((await limited.api('/api/studies', { method: 'POST', json: { spec: floodSpec }, token: RESEARCHER_TOKEN })).status).toBe(201);
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await limited.api(`/api/studies/${floodSpec.id}/enter`, { method: 'POST', json: { PROLIFIC_PID: `INVENTED-${i}` } })).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
      const refused = await limited.api(`/api/studies/${floodSpec.id}/enter`, { method: 'POST', json: { PROLIFIC_PID: 'INVENTED-9' } });
      expect(refused.body).toMatchObject({ code: 'rate-limited', error: expect.stringMatching(/at most 3 study entries per 10 minutes from one address/) });
      expect(await limited.stores.studies.participants(floodSpec.id)).toHaveLength(3);
      // Entering takes no slot: slots are drawn only once a participant has consented and starts.
      expect((await limited.stores.studies.slots(floodSpec.id)).every((s) => s.status === 'open')).toBe(true);
    } finally {
      await limited.close();
    }
  });
});

describe("the dashboard's event stream", () => {
  it('ends when the ticket it was opened with expires, saying so', async () => {
    const { issueStudyTicket, TICKET_SECONDS } = await import('../../server/src/access/ticket.ts');
    // A ticket issued long enough ago that it has about a second left.
    const { ticket, expiresAt } = issueStudyTicket(RESEARCHER_TOKEN, spec.id, Date.now() - TICKET_SECONDS * 1000 + 1200);
    const res = await fetch(`${t.http}/api/studies/${spec.id}/events?ticket=${encodeURIComponent(ticket)}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);
    expect(text).toMatch(/event: expired\ndata: .*the ticket has expired/);
    // The same ticket opens nothing any more.
    expect((await fetch(`${t.http}/api/studies/${spec.id}/events?ticket=${encodeURIComponent(ticket)}`)).status).toBe(401);
  });
});

describe('a study that requires signed links', () => {
  it('lets in only entries whose signature covers their parameters, refusing the rest with a typed reason', async () => {
    const signed: StudySpec = { ...spec, id: 'signed-study', entry: { signature: { secretEnv: 'ARENA_ENTRY_SECRET_IT' } } };
    // A spec naming a secret this server does not hold is refused at launch.
    const missing = await t.api('/api/studies', { method: 'POST', json: { spec: { ...signed, id: 'signed-missing', entry: { signature: { secretEnv: 'ARENA_ENTRY_SECRET_NOPE' } } } }, token: RESEARCHER_TOKEN });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/ARENA_ENTRY_SECRET_NOPE, which this server's environment does not set/);
    expect((await t.api('/api/studies', { method: 'POST', json: { spec: signed }, token: RESEARCHER_TOKEN })).status).toBe(201);

    const enter = (json: Record<string, string>) => t.api(`/api/studies/${signed.id}/enter`, { method: 'POST', json });
    const link = { PROLIFIC_PID: 'SIGNED-1', STUDY_ID: 'prolific-study', SESSION_ID: 'session-1' };
    const sig = signEntry(ENTRY_SECRET, signed.id, link);
    // Invented ids without a signature, a signature over other parameters, a forged one, an expired link: refused, and nobody is let in.
    const refusals = [
      [{ PROLIFIC_PID: 'INVENTED-1' }, 'entry-unsigned'],
      [{ ...link, PROLIFIC_PID: 'INVENTED-2', sig }, 'entry-bad-signature'],
      [{ ...link, sig: signEntry('another-secret-of-at-least-32-characters!', signed.id, link) }, 'entry-bad-signature'],
      [{ ...link, sig: signEntry(ENTRY_SECRET, spec.id, link) }, 'entry-bad-signature'],
    ] as const;
    for (const [json, code] of refusals) {
      const res = await enter(json);
      expect(res.status, code).toBe(401);
      expect(res.body, code).toMatchObject({ code, error: expect.stringMatching(/link/) });
    }
    const stale = { ...link, PROLIFIC_PID: 'SIGNED-2', exp: String(Math.floor(Date.now() / 1000) - 5) };
    expect((await enter({ ...stale, sig: signEntry(ENTRY_SECRET, signed.id, stale) })).body).toMatchObject({ code: 'entry-expired' });
    expect(await t.stores.studies.participants(signed.id)).toHaveLength(0);

    // The signed link enters, and again to the same place; a signed link with an expiry still to come too.
    const first = await enter({ ...link, sig });
    expect(first.status).toBe(200);
    expect((await enter({ ...link, sig: sig.toUpperCase() })).body.token).toBe(first.body.token);
    // Knowing a participant's panel id is not enough to take their place without their link's signature.
    expect((await enter({ PROLIFIC_PID: 'SIGNED-1' })).body).toMatchObject({ code: 'entry-unsigned' });
    const timed = { pid: 'SIGNED-3', exp: String(Math.floor(Date.now() / 1000) + 600) };
    expect((await enter({ ...timed, sig: signEntry(ENTRY_SECRET, signed.id, timed) })).status).toBe(200);
    expect(await t.stores.studies.participants(signed.id)).toHaveLength(2);
    // The signature covers the values as the link carries them: one signed with spaces around it enters, and spaces added to a signed value are refused.
    const spaced = { PROLIFIC_PID: ' SIGNED-4 ', STUDY_ID: 'prolific-study ' };
    expect((await enter({ ...spaced, sig: signEntry(ENTRY_SECRET, signed.id, spaced) })).status).toBe(200);
    expect((await enter({ ...link, PROLIFIC_PID: ` ${link.PROLIFIC_PID} `, sig })).body).toMatchObject({ code: 'entry-bad-signature' });
    expect((await enter({ ...link, SESSION_ID: `${link.SESSION_ID}\t`, sig })).body).toMatchObject({ code: 'entry-bad-signature' });
    expect(await t.stores.studies.participants(signed.id)).toHaveLength(3);

    // arena study sign-link makes the same links from the spec file and the secret in the environment.
    const file = join(mkdtempSync(join(tmpdir(), 'arena-signed-')), 'signed.json');
    writeFileSync(file, JSON.stringify(signed));
    process.env.ARENA_ENTRY_SECRET_IT = ENTRY_SECRET;
    try {
      const url = new URL(await runArena('study', 'sign-link', file, '--param', 'pid=CLI-1', '--param', 'STUDY_ID=prolific-study', '--expires-in', '10', '--server', t.http));
      expect(url.pathname).toBe(`/s/${signed.id}`);
      expect([...url.searchParams.keys()].sort()).toEqual(['STUDY_ID', 'exp', 'pid', 'sig']);
      expect((await enter(Object.fromEntries(url.searchParams))).status).toBe(200);
      url.searchParams.set('pid', 'CLI-2');
      expect((await enter(Object.fromEntries(url.searchParams))).body).toMatchObject({ code: 'entry-bad-signature' });
    } finally {
      delete process.env.ARENA_ENTRY_SECRET_IT;
    }
  });
});
