/**
 * Who may do what with a study: the credentials of the study routes resolved to a
 * principal (the researcher token, a participant's token, a study ticket), and one
 * decision, `mayStudy`, of what each may do. Pure: the participant's stored row and the
 * clock are handed in.
 */
import { createHmac } from 'node:crypto';
import { tokensEqual } from '../tokens.ts';
import { resolvePrincipal, type Principal } from './principal.ts';
import { checkStudyTicket } from './ticket.ts';

/** The principals a study route meets (principal.ts resolves them; a seat token or agent key means nothing here). */
export type StudyPrincipal = Extract<Principal, { kind: 'anonymous' | 'researcher' | 'participant' | 'studyTicket' }>;

/** Why a principal may not: `unauthorized` (no or bad credentials) or `forbidden` (credentials that do not reach this). */
export type StudyAccessRefusal = { ok: false; code: 'unauthorized' | 'forbidden'; reason: string };

/** What may be done with studies. */
export type StudyAction =
  /** List the studies, launch one, pause/resume/close one, see its progress, a participant's record, mark bonuses paid, ask for a ticket. */
  | 'list'
  | 'launch'
  | 'steer'
  | 'progress'
  | 'inspect'
  | 'pay'
  | 'ticket'
  /** Follow the live progress, download the exports (a ticket is enough). */
  | 'watch'
  | 'export'
  /** Walk one's own path through a study (consent, items, end page). */
  | 'participate';

const BY_TICKET: readonly StudyAction[] = ['watch', 'export'];


/** Whether `principal` may do `action` (with study `studyId`); null when it may. */
export function mayStudy(principal: StudyPrincipal, action: StudyAction, studyId?: string): StudyAccessRefusal | null {
  switch (principal.kind) {
    case 'researcher':
      return action === 'participate' ? { ok: false, code: 'forbidden', reason: 'the researcher token is not a participant: open the study from a panel link' } : null;
    case 'participant':
      if (action === 'participate' && principal.studyId === studyId) return null;
      return { ok: false, code: 'forbidden', reason: 'a participant sees their own path through their study, nothing else' };
    case 'studyTicket':
      if (principal.studyId !== studyId) return { ok: false, code: 'unauthorized', reason: 'the ticket is not valid for this study' };
      return BY_TICKET.includes(action) ? null : { ok: false, code: 'unauthorized', reason: 'a ticket opens the event stream and the downloads only; this needs the researcher token (Authorization: Bearer <token>)' };
    case 'anonymous':
      return action === 'participate'
        ? { ok: false, code: 'unauthorized', reason: 'open the study from your panel link' }
        : { ok: false, code: 'unauthorized', reason: 'this endpoint needs the researcher token (Authorization: Bearer <token>)' };
  }
}

/** The researcher, when the presented bearer token is theirs; else anonymous. */
export function researcherOf(bearer: string | undefined, researcherToken: string): StudyPrincipal {
  return resolvePrincipal({ bearer }, { researcherToken }).kind === 'researcher' ? { kind: 'researcher' } : { kind: 'anonymous' };
}

/**
 * A participant from their token and the row it found (looked up by the caller): a token
 * that finds nobody is a link that is no longer valid.
 */
export function participantOf(
  studyId: string,
  presented: string | undefined,
  found: { studyId: string; participant: string; token: string } | null,
): Extract<StudyPrincipal, { kind: 'participant' }> | StudyAccessRefusal {
  if (!presented) return { ok: false, code: 'unauthorized', reason: 'open the study from your panel link' };
  if (!found || found.studyId !== studyId || !tokensEqual(presented, found.token)) {
    return { ok: false, code: 'unauthorized', reason: 'this study link is not valid any more; open the link from your panel again' };
  }
  return { kind: 'participant', studyId, participantId: found.participant };
}

/** The study ticket a URL presents, checked against the study and the clock (access/ticket.ts). */
export function studyTicketOf(ticket: string, researcherToken: string, studyId: string, now: number): Extract<StudyPrincipal, { kind: 'studyTicket' }> | StudyAccessRefusal {
  const checked = checkStudyTicket(researcherToken, studyId, ticket, now);
  if (!checked.ok) return { ok: false, code: 'unauthorized', reason: checked.reason };
  return { kind: 'studyTicket', studyId, expiresAt: checked.expiresAt };
}

// ---- a running study's items, outside the study ----

/** A study that is launched and not closed, and the scenarios of its items (live, practice and re-judged). */
export interface RunningStudyItems {
  studyId: string;
  scenarioIds: readonly string[];
}

/** The scenarios hidden while their study runs, each with the study hiding it. */
export type StudyShield = ReadonlyMap<string, string>;

/** Who is looking from outside a study's own path: researchers see everything; anyone else does not see a running study's items. */
export interface Viewer {
  researcher: boolean;
}

/**
 * How a principal looks at a running study's items from outside it: researchers see
 * everything; anyone else, the holder of a seat of another debate over the same scenario
 * included, does not see them (seat links made before a study launches would otherwise
 * open its items' passages and answers while it runs).
 */
export function viewerOf(p: Principal): Viewer {
  return { researcher: p.kind === 'researcher' };
}

/** The study a debate belongs to, as its header's meta records it (study items only). */
export function studyIdOf(header: { meta?: Record<string, unknown> | undefined }): string | undefined {
  const id = (header.meta?.['study'] as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
}

/** The shield of the studies running now: from launch until close, their scenarios are hidden. */
export function studyShield(running: readonly RunningStudyItems[]): StudyShield {
  const shield = new Map<string, string>();
  for (const s of running) for (const id of s.scenarioIds) if (!shield.has(id)) shield.set(id, s.studyId);
  return shield;
}

const HIDDEN = 'its scenario is an item of a study that is running; it is back when the study closes';

/**
 * Whether a scenario may be shown (offered in the lobby, listed by GET /api/scenarios,
 * fetched on its own): null when it may, else why not. Hidden to all but researchers
 * while its study runs, whatever pack it is in.
 */
export function scenarioHidden(shield: StudyShield, viewer: Viewer, scenarioId: string): string | null {
  if (viewer.researcher || !shield.has(scenarioId)) return null;
  return `no scenario "${scenarioId}" (${HIDDEN})`;
}

/**
 * Whether a debate may be listed, replayed or counted in results for this viewer: a
 * debate over a running study's scenario is hidden to all but researchers, unless it is
 * one of that study's own (its privacy and its seats then decide, as for any private debate).
 */
export function debateHidden(shield: StudyShield, viewer: Viewer, debate: { scenarioId: string; studyId?: string | undefined }): string | null {
  const study = shield.get(debate.scenarioId);
  if (viewer.researcher || study === undefined || debate.studyId === study) return null;
  return `this debate is hidden: ${HIDDEN}`;
}

/** Whether a new debate (a lobby game, a self-play) may be created over a scenario: refused, with the reason, while its study runs. */
export function creationHidden(shield: StudyShield, viewer: Viewer, scenarioId: string): string | null {
  if (viewer.researcher || !shield.has(scenarioId)) return null;
  return `a new debate on "${scenarioId}" cannot be started now: ${HIDDEN}`;
}

/** What is public about a study's items before it launches: where a participant could look their answers up. */
export interface ItemExposure {
  /** Item scenarios (live, practice, re-judged) in a pack that is not private, with the pack; `practice` when the scenario serves only as a practice item. */
  inPublicPacks: { scenarioId: string; pack: string; practice?: boolean }[];
  /** Finished public debates over the items' scenarios (their replays and results show the answers). */
  publicDebates: { id: string; scenarioId: string }[];
  /** The spec says `publicItems: allow`. */
  allowed: boolean;
}

/**
 * Whether a study may launch with these items: refused when their answers can be looked
 * up (a public pack, public finished debates) unless the spec allows it explicitly; then
 * the warnings say so in plain words.
 */
/** "3 item scenarios are", "2 item scenarios and 1 practice scenario are", "1 practice scenario is". */
function scenarioCount(xs: ItemExposure['inPublicPacks']): string {
  const practice = xs.filter((x) => x.practice).length;
  const items = xs.length - practice;
  const words = [items && `${items} item scenario${items === 1 ? '' : 's'}`, practice && `${practice} practice scenario${practice === 1 ? '' : 's'}`].filter(Boolean);
  return `${words.join(' and ')} ${xs.length === 1 ? 'is' : 'are'}`;
}

export function exposureDecision(e: ItemExposure): { refused: string | null; warnings: string[] } {
  const problems: string[] = [];
  const list = (xs: string[]) => (xs.length > 4 ? `${xs.slice(0, 4).join(', ')} and ${xs.length - 4} more` : xs.join(', '));
  if (e.inPublicPacks.length) {
    const packs = [...new Set(e.inPublicPacks.map((x) => x.pack))];
    problems.push(
      `${scenarioCount(e.inPublicPacks)} in the public pack${packs.length === 1 ? '' : 's'} ${list(packs)} (${list(e.inPublicPacks.map((x) => x.scenarioId))}): anyone can read their passages and correct answers before the study starts and after it closes, so a participant may already know an answer`,
    );
  }
  if (e.publicDebates.length) {
    const scenarios = [...new Set(e.publicDebates.map((d) => d.scenarioId))];
    problems.push(
      `${e.publicDebates.length} finished public debate${e.publicDebates.length === 1 ? '' : 's'} on ${list(scenarios)} show${e.publicDebates.length === 1 ? 's' : ''} the correct answer in its replay and in the results (hidden while the study runs, visible again after it closes)`,
    );
  }
  if (problems.length === 0) return { refused: null, warnings: [] };
  if (e.allowed) return { refused: null, warnings: problems.map((p) => `Warning: ${p}. The spec allows this (publicItems: allow).`) };
  return { refused: `${problems.join('; ')}. Use scenarios from a private pack (pack.json: "private": true) that nobody has debated in public, or add publicItems: allow to the spec to run it anyway.`, warnings: [] };
}

// ---- a study's entry: the panel's signed parameters ----

/** The entry parameters a signed study link's signature covers, when present (`sig` carries the signature). */
export const SIGNED_ENTRY_PARAMS = ['PROLIFIC_PID', 'STUDY_ID', 'SESSION_ID', 'pid', 'role', 'exp'] as const;
export type EntryParams = Partial<Record<(typeof SIGNED_ENTRY_PARAMS)[number], string>>;

/**
 * What a signed link's signature is computed over: the study id, then each entry
 * parameter present as `name=value`, by name in byte order, one per line (no value may
 * hold a line break).
 */
export function entryMessage(studyId: string, params: EntryParams): string {
  const lines = SIGNED_ENTRY_PARAMS.filter((k) => params[k] !== undefined)
    .sort()
    .map((k) => `${k}=${params[k]}`);
  return [studyId, ...lines].join('\n');
}

/** The signature of a study link's entry parameters: HMAC-SHA256 under the secret, lower-case hex (what a panel's or a pre-screener's server computes). */
export function signEntry(secret: string, studyId: string, params: EntryParams): string {
  return createHmac('sha256', secret).update(entryMessage(studyId, params)).digest('hex');
}

/** Why a study refuses an entry it requires to be signed: a typed kind, and the words for the participant. */
export type EntryRefusalKind = 'entry-unsigned' | 'entry-bad-signature' | 'entry-expired' | 'entry-unverifiable';
export interface EntryRefusal {
  ok: false;
  /** `unauthorized` for the link; `unavailable` when this server cannot check signatures (its secret is not set). */
  code: 'unauthorized' | 'unavailable';
  kind: EntryRefusalKind;
  reason: string;
}

const ASK_PANEL = 'open the study from the link your panel or pre-screener gave you, unchanged';

/**
 * Whether an entry may go on: null when the study does not require signed links, or the
 * link's signature (`sig`) is the HMAC of its parameters under the study's secret and its
 * expiry (`exp`, Unix seconds, when present) has not passed. `secret` is the value of the
 * environment variable the spec names (undefined when the server lacks it).
 */
export function entryRefusal(required: { secretEnv: string; secret: string | undefined } | null, studyId: string, params: EntryParams, sig: string | undefined, now: number): EntryRefusal | null {
  if (!required) return null;
  if (!required.secret) return { ok: false, code: 'unavailable', kind: 'entry-unverifiable', reason: `this study cannot check its links now (the server lacks ${required.secretEnv}); please try again later` };
  if (!sig) return { ok: false, code: 'unauthorized', kind: 'entry-unsigned', reason: `this study accepts signed links only, and this one has no signature: ${ASK_PANEL}` };
  const values = Object.values(params);
  const expected = signEntry(required.secret, studyId, params);
  if (values.some((v) => v !== undefined && /[\r\n]/.test(v)) || !tokensEqual(sig.toLowerCase(), expected)) {
    return { ok: false, code: 'unauthorized', kind: 'entry-bad-signature', reason: `this link's signature does not match its parameters: ${ASK_PANEL}` };
  }
  if (params.exp !== undefined && Number(params.exp) * 1000 < now) return { ok: false, code: 'unauthorized', kind: 'entry-expired', reason: 'this study link has expired: ask your panel or pre-screener for a new one' };
  return null;
}

// ---- items argued by paid agents ----

/** How many debates of items argued by paid agents were started: by this participant, and by the whole study in the last minute (the oldest of those, ms). */
export interface PaidAgentUse {
  participantStarts: number;
  studyStartsLastMinute: number;
  oldestInMinute: number | null;
}

export type PaidAgentRefusalKind = 'paid-agents-per-participant' | 'paid-agents-per-minute';
export interface PaidAgentRefusal {
  kind: PaidAgentRefusalKind;
  reason: string;
  /** For the per-minute cap: when a start is free again. */
  retrySeconds?: number;
}

/**
 * Whether one more item argued by paid agents may start its debate (each move of its
 * debaters costs money): refused once the participant has started `perParticipant` of them
 * (restarts included), or the study `perMinute` in the last minute.
 */
export function paidItemRefusal(limits: { perParticipant: number; perMinute: number }, use: PaidAgentUse, now: number): PaidAgentRefusal | null {
  if (use.participantStarts >= limits.perParticipant) {
    return { kind: 'paid-agents-per-participant', reason: `this participant has started ${use.participantStarts} items argued by paid agents, the study's cap (paidAgents.perParticipant)` };
  }
  if (use.studyStartsLastMinute >= limits.perMinute) {
    const retrySeconds = Math.max(1, Math.ceil(((use.oldestInMinute ?? now) + 60_000 - now) / 1000));
    return { kind: 'paid-agents-per-minute', reason: `many items are starting at once; yours starts within ${retrySeconds} seconds, please keep this page open`, retrySeconds };
  }
  return null;
}
