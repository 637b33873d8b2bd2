/**
 * Who may do what with a study (server/src/access/study.ts): credentials resolved to a
 * principal, and the one decision over every study action.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { creationHidden, debateHidden, entryMessage, entryRefusal, exposureDecision, paidItemRefusal, signEntry, mayStudy, participantOf, scenarioHidden, studyShield, researcherOf, studyTicketOf, type StudyAction, type StudyPrincipal } from '../../server/src/access/study.ts';
import { issueStudyTicket, TICKET_SECONDS } from '../../server/src/access/ticket.ts';

const TOKEN = 'researcher-token-0123456789';
const NOW = 1_700_000_000_000;
const ACTIONS: StudyAction[] = ['list', 'launch', 'steer', 'progress', 'inspect', 'pay', 'ticket', 'watch', 'export', 'participate'];

describe('study access', () => {
  it('resolves the researcher token, a participant token and a study ticket', () => {
    expect(researcherOf(TOKEN, TOKEN)).toEqual({ kind: 'researcher' });
    expect(researcherOf(`${TOKEN}x`, TOKEN)).toEqual({ kind: 'anonymous' });
    expect(researcherOf(undefined, TOKEN)).toEqual({ kind: 'anonymous' });

    const row = { studyId: 's1', participant: 'p-1', token: 'tok' };
    expect(participantOf('s1', 'tok', row)).toEqual({ kind: 'participant', studyId: 's1', participantId: 'p-1' });
    expect(participantOf('s1', undefined, null)).toMatchObject({ ok: false, code: 'unauthorized' });
    expect(participantOf('s1', 'tok', null)).toMatchObject({ ok: false, code: 'unauthorized', reason: /not valid any more/ });
    expect(participantOf('s2', 'tok', row)).toMatchObject({ ok: false, code: 'unauthorized' });

    const { ticket, expiresAt } = issueStudyTicket(TOKEN, 's1', NOW);
    expect(expiresAt).toBe(NOW + TICKET_SECONDS * 1000);
    expect(ticket).not.toContain(TOKEN);
    expect(studyTicketOf(ticket, TOKEN, 's1', NOW)).toEqual({ kind: 'studyTicket', studyId: 's1', expiresAt });
    // Another study, a later clock, a changed expiry, another token, or garbage: refused.
    expect(studyTicketOf(ticket, TOKEN, 's2', NOW)).toMatchObject({ ok: false, reason: /not valid for this study/ });
    expect(studyTicketOf(ticket, TOKEN, 's1', expiresAt + 1)).toMatchObject({ ok: false, reason: /expired/ });
    const [, signature] = ticket.split('.');
    expect(studyTicketOf(`${expiresAt + 1}.${signature}`, TOKEN, 's1', NOW)).toMatchObject({ ok: false, code: 'unauthorized' });
    expect(studyTicketOf(ticket, 'another-token', 's1', NOW)).toMatchObject({ ok: false, code: 'unauthorized' });
    expect(studyTicketOf('nonsense', TOKEN, 's1', NOW)).toMatchObject({ ok: false, reason: /malformed/ });
  });

  it('decides every action for every principal', () => {
    const may = (p: StudyPrincipal, studyId = 's1') => ACTIONS.filter((a) => mayStudy(p, a, studyId) === null);
    expect(may({ kind: 'researcher' })).toEqual(ACTIONS.filter((a) => a !== 'participate'));
    expect(may({ kind: 'participant', studyId: 's1', participantId: 'p-1' })).toEqual(['participate']);
    expect(may({ kind: 'participant', studyId: 's1', participantId: 'p-1' }, 's2')).toEqual([]);
    expect(may({ kind: 'studyTicket', studyId: 's1', expiresAt: NOW })).toEqual(['watch', 'export']);
    expect(may({ kind: 'studyTicket', studyId: 's1', expiresAt: NOW }, 's2')).toEqual([]);
    expect(may({ kind: 'anonymous' })).toEqual([]);
    expect(mayStudy({ kind: 'anonymous' }, 'launch')).toMatchObject({ ok: false, code: 'unauthorized' });
    expect(mayStudy({ kind: 'participant', studyId: 's1', participantId: 'p-1' }, 'export', 's1')).toMatchObject({ ok: false, code: 'forbidden' });
  });

  it("hides a running study's scenarios from everyone but researchers and the study's own debates, and refuses new debates on them with a reason", () => {
    const shield = studyShield([{ studyId: 's1', scenarioIds: ['lantern', 'petrel'] }]);
    const anyone = { researcher: false };
    const researcher = { researcher: true };
    expect(scenarioHidden(shield, anyone, 'lantern')).toMatch(/study that is running/);
    expect(scenarioHidden(shield, researcher, 'lantern')).toBeNull();
    expect(scenarioHidden(shield, anyone, 'other')).toBeNull();
    // A public lobby debate or a finished public replay on an item is hidden; the study's own debates are left to their privacy.
    expect(debateHidden(shield, anyone, { scenarioId: 'petrel' })).toMatch(/hidden/);
    expect(debateHidden(shield, anyone, { scenarioId: 'petrel', studyId: 'another-study' })).toMatch(/hidden/);
    expect(debateHidden(shield, anyone, { scenarioId: 'petrel', studyId: 's1' })).toBeNull();
    expect(debateHidden(shield, researcher, { scenarioId: 'petrel' })).toBeNull();
    expect(creationHidden(shield, anyone, 'lantern')).toMatch(/cannot be started now/);
    expect(creationHidden(shield, researcher, 'lantern')).toBeNull();
    // Nothing is hidden once no study runs.
    expect(scenarioHidden(studyShield([]), anyone, 'lantern')).toBeNull();
  });

  it('refuses items whose answers are public unless the spec allows it, and then warns in words', () => {
    const exposed = { inPublicPacks: [{ scenarioId: 'lantern', pack: 'originals' }], publicDebates: [{ id: 'd1', scenarioId: 'lantern' }], allowed: false };
    const refused = exposureDecision(exposed);
    expect(refused.refused).toMatch(/public pack originals .*participant may already know an answer/);
    expect(refused.refused).toMatch(/1 finished public debate on lantern/);
    expect(refused.refused).toMatch(/publicItems: allow/);
    const allowed = exposureDecision({ ...exposed, allowed: true });
    expect(allowed.refused).toBeNull();
    expect(allowed.warnings).toHaveLength(2);
    expect(allowed.warnings[0]).toMatch(/^Warning: .*The spec allows this/);
    expect(exposureDecision({ inPublicPacks: [], publicDebates: [], allowed: false })).toEqual({ refused: null, warnings: [] });
    // Items and practice scenarios are counted apart.
    const withPractice = [{ scenarioId: 'a', pack: 'originals' }, { scenarioId: 'b', pack: 'originals' }, { scenarioId: 'p', pack: 'originals', practice: true }];
    expect(exposureDecision({ inPublicPacks: withPractice, publicDebates: [], allowed: true }).warnings[0]).toMatch(/^Warning: 2 item scenarios and 1 practice scenario are in the public pack originals \(a, b, p\)/);
    expect(exposureDecision({ inPublicPacks: withPractice.slice(2), publicDebates: [], allowed: true }).warnings[0]).toMatch(/^Warning: 1 practice scenario is in the public pack/);
    expect(refused.refused).toMatch(/^1 item scenario is in the public pack originals/);
  });
});

describe('signed study links', () => {
  const SECRET = 'a-study-link-secret-of-at-least-32-characters';
  const required = { secretEnv: 'ARENA_ENTRY_SECRET_PILOT', secret: SECRET };
  const params = { PROLIFIC_PID: 'P-123', STUDY_ID: 'S-9', SESSION_ID: 'X-1' };

  it('signs the study id and the entry parameters by name, one per line, as HMAC-SHA256 in hex', () => {
    expect(entryMessage('pilot', { SESSION_ID: 'X-1', PROLIFIC_PID: 'P-123', STUDY_ID: 'S-9', exp: '1700000600' })).toBe('pilot\nPROLIFIC_PID=P-123\nSESSION_ID=X-1\nSTUDY_ID=S-9\nexp=1700000600');
    expect(signEntry(SECRET, 'pilot', params)).toBe(createHmac('sha256', SECRET).update('pilot\nPROLIFIC_PID=P-123\nSESSION_ID=X-1\nSTUDY_ID=S-9').digest('hex'));
  });

  it('lets a correctly signed, unexpired link in, and refuses every other with a typed reason', () => {
    const sig = signEntry(SECRET, 'pilot', params);
    expect(entryRefusal(null, 'pilot', params, undefined, NOW)).toBeNull();
    expect(entryRefusal(required, 'pilot', params, sig, NOW)).toBeNull();
    expect(entryRefusal(required, 'pilot', params, sig.toUpperCase(), NOW)).toBeNull();
    expect(entryRefusal(required, 'pilot', params, undefined, NOW)).toMatchObject({ code: 'unauthorized', kind: 'entry-unsigned' });
    // Another panel id, another study, a parameter added or dropped, another secret, garbage: the signature does not match.
    for (const [study, p, s] of [
      ['pilot', { ...params, PROLIFIC_PID: 'P-124' }, sig],
      ['other', params, sig],
      ['pilot', { ...params, role: 'debater' }, sig],
      ['pilot', { PROLIFIC_PID: 'P-123' }, sig],
      ['pilot', params, signEntry(`${SECRET}x`, 'pilot', params)],
      ['pilot', params, 'not-a-signature'],
    ] as const) {
      expect(entryRefusal(required, study, p, s, NOW)).toMatchObject({ code: 'unauthorized', kind: 'entry-bad-signature' });
    }
    // A line break inside a value cannot pass one signed link off as another.
    const forged = { PROLIFIC_PID: 'P-123\nSESSION_ID=X-1', STUDY_ID: 'S-9' };
    expect(entryRefusal(required, 'pilot', forged, signEntry(SECRET, 'pilot', forged), NOW)).toMatchObject({ kind: 'entry-bad-signature' });
    // An expiry is signed with the rest; once past, the link is refused.
    const timed = { ...params, exp: String(NOW / 1000 + 600) };
    expect(entryRefusal(required, 'pilot', timed, signEntry(SECRET, 'pilot', timed), NOW)).toBeNull();
    expect(entryRefusal(required, 'pilot', timed, signEntry(SECRET, 'pilot', timed), NOW + 601_000)).toMatchObject({ code: 'unauthorized', kind: 'entry-expired' });
    // Without the secret the server cannot check: nobody is let in.
    expect(entryRefusal({ ...required, secret: undefined }, 'pilot', params, sig, NOW)).toMatchObject({ code: 'unavailable', kind: 'entry-unverifiable', reason: /ARENA_ENTRY_SECRET_PILOT/ });
  });
});

describe('items argued by paid agents', () => {
  const limits = { perParticipant: 4, perMinute: 10 };
  it('start until the participant has started their cap, or the study its cap in the last minute', () => {
    expect(paidItemRefusal(limits, { participantStarts: 3, studyStartsLastMinute: 9, oldestInMinute: NOW - 1000 }, NOW)).toBeNull();
    expect(paidItemRefusal(limits, { participantStarts: 4, studyStartsLastMinute: 0, oldestInMinute: null }, NOW)).toMatchObject({ kind: 'paid-agents-per-participant', reason: /paidAgents\.perParticipant/ });
    // Over the minute's cap the item waits until the oldest start of the minute is a minute old.
    expect(paidItemRefusal(limits, { participantStarts: 0, studyStartsLastMinute: 10, oldestInMinute: NOW - 45_000 }, NOW)).toEqual({
      kind: 'paid-agents-per-minute',
      reason: 'many items are starting at once; yours starts within 15 seconds, please keep this page open',
      retrySeconds: 15,
    });
    // The participant's own cap decides first.
    expect(paidItemRefusal(limits, { participantStarts: 9, studyStartsLastMinute: 10, oldestInMinute: NOW }, NOW)?.kind).toBe('paid-agents-per-participant');
  });
});
