import { describe, expect, it } from 'vitest';
import type { PackInfo } from '@arena/shared';
import { creation, lobbyLimited, lobbyOpenTo, mayAsk, offeredPacks, PIXEL_ROLLOUTS_MAX } from '../../server/src/access/lobby.ts';
import { decide, listScope, mayFork, offeredAgents, publicAgentId, researcherOnly, summaryFor, type DebateFacts, type Want } from '../../server/src/access/policy.ts';
import { mayStudy, studyTicketOf } from '../../server/src/access/study.ts';
import { resolvePrincipal, type Principal, type PrincipalKind } from '../../server/src/access/principal.ts';
import { issueStudyTicket, TICKET_SECONDS } from '../../server/src/access/ticket.ts';
import { agentCatalog } from '../../server/src/agent-catalog.ts';

const RESEARCHER = 'researcher-token-0123456789';
const SEATS = new Map([
  ['A', { token: 'seat-a-token' }],
  ['judge', { token: 'seat-judge-token' }],
]);

/** One principal of every kind; the seat holder holds debater seat A of debate d1. */
const PRINCIPALS: Record<PrincipalKind, Principal> = {
  anonymous: { kind: 'anonymous' },
  researcher: { kind: 'researcher' },
  seat: { kind: 'seat', debateId: 'd1', seat: 'A' },
  participant: { kind: 'participant', studyId: 's1', participantId: 'p-1' },
  studyTicket: { kind: 'studyTicket', studyId: 's1', expiresAt: Number.MAX_SAFE_INTEGER },
  agentKey: { kind: 'agentKey', name: 'bot', keyId: 'k1' },
};

const WANTS: Record<string, Want> = {
  summary: { view: 'summary' },
  'live A': { view: 'live', seat: 'A' },
  'live B': { view: 'live', seat: 'B' },
  'live judge': { view: 'live', seat: 'judge' },
  'steps A': { view: 'steps', seat: 'A' },
  'steps judge': { view: 'steps', seat: 'judge' },
  full: { view: 'full' },
};

const debate = (visibility: 'public' | 'private', status: 'running' | 'finished'): DebateFacts => ({ id: 'd1', visibility, status });

/**
 * The table: for every principal kind and every want, the answer for a public running,
 * a public finished and a private debate ('ok', or the refusal's code). Only the
 * researcher and the holder of a seat of the debate are anything but strangers to it.
 */
const STRANGER = {
  summary: ['ok', 'ok', 'not-found'],
  'live A': ['forbidden', 'forbidden', 'not-found'],
  'live B': ['forbidden', 'forbidden', 'not-found'],
  'live judge': ['ok', 'ok', 'not-found'],
  'steps A': ['forbidden', 'forbidden', 'not-found'],
  'steps judge': ['ok', 'ok', 'not-found'],
  full: ['forbidden', 'ok', 'not-found'],
};
const TABLE: Record<PrincipalKind, Record<string, string[]>> = {
  anonymous: STRANGER,
  participant: STRANGER,
  studyTicket: STRANGER,
  agentKey: STRANGER,
  researcher: Object.fromEntries(Object.keys(WANTS).map((w) => [w, ['ok', 'ok', 'ok']])),
  seat: {
    summary: ['ok', 'ok', 'ok'],
    'live A': ['ok', 'ok', 'ok'],
    'live B': ['forbidden', 'forbidden', 'forbidden'],
    'live judge': ['ok', 'ok', 'ok'],
    'steps A': ['ok', 'ok', 'ok'],
    'steps judge': ['ok', 'ok', 'ok'],
    full: ['forbidden', 'ok', 'forbidden'],
  },
};

describe('the access decision', () => {
  for (const kind of Object.keys(PRINCIPALS) as PrincipalKind[]) {
    it(`answers every want of a ${kind} as the table says`, () => {
      const p = PRINCIPALS[kind];
      for (const [name, want] of Object.entries(WANTS)) {
        const got = [debate('public', 'running'), debate('public', 'finished'), debate('private', 'running')].map((d) => {
          const decision = decide(p, d, want);
          return decision.ok ? 'ok' : decision.code;
        });
        expect(got, `${kind} wants ${name}`).toEqual(TABLE[kind][name]);
      }
    });
  }

  it('a seat token is a stranger to another debate', () => {
    expect(decide(PRINCIPALS.seat, { id: 'd2', visibility: 'private', status: 'running' }, { view: 'summary' })).toMatchObject({ ok: false, code: 'not-found' });
    expect(decide(PRINCIPALS.seat, { id: 'd2', visibility: 'public', status: 'running' }, { view: 'live', seat: 'A' })).toMatchObject({ ok: false, code: 'forbidden' });
  });

  it('lists, the researchers’ endpoints, the lobby and its limit: the researcher alone is apart', () => {
    for (const [kind, p] of Object.entries(PRINCIPALS)) {
      const researcher = kind === 'researcher';
      expect(listScope(p), kind).toBe(researcher ? 'all' : 'public');
      expect(researcherOnly(p).ok, kind).toBe(researcher);
      // Forking (and a debate's fork tree): a participant of either debate never, whatever token it holds.
      expect(mayFork(p).ok, kind).toBe(researcher);
      expect(lobbyLimited(p), kind).toBe(!researcher);
      expect(lobbyOpenTo(p, { publicLobby: false, packs: [] }).ok, kind).toBe(researcher);
      expect(lobbyOpenTo(p, { publicLobby: true, packs: [] }).ok, kind).toBe(true);
    }
    expect(researcherOnly(PRINCIPALS.anonymous, { tokenInQuery: true })).toMatchObject({ code: 'unauthenticated', reason: expect.stringMatching(/query string is not read/) });
  });

  it('offers packs, agents and summaries by principal', () => {
    const packs = [{ id: 'open', private: false }, { id: 'lab', private: true }] as PackInfo[];
    const agents = agentCatalog({ config: { agents: { 'paid-llm': { provider: 'openai', model: 'm', baseURL: 'http://127.0.0.1:9/v1' } } } as never, transcripts: async () => null });
    const ids = agents.ids();
    const summary = { id: 'd1', status: 'running', updatedAt: 5 } as never;
    for (const [kind, p] of Object.entries(PRINCIPALS)) {
      const researcher = kind === 'researcher';
      expect(offeredPacks(p, { publicLobby: true, packs }).map((x) => x.id), kind).toEqual(researcher ? ['open', 'lab'] : ['open']);
      expect(offeredPacks(p, { publicLobby: false, packs }).length, kind).toBe(researcher ? 2 : 0);
      expect(offeredAgents(p, ids, (id) => agents.parse(id)).includes('paid-llm'), kind).toBe(researcher);
      expect(offeredAgents(p, ids, (id) => agents.parse(id)), kind).toContain('builtin:random');
      expect((summaryFor(summary, p) as { updatedAt: number | null }).updatedAt, kind).toBe(researcher ? 5 : null);
    }
    expect(publicAgentId('replay:original-id', agents.parse('replay:original-id'))).toBe('replay');
    expect(publicAgentId('builtin:random', agents.parse('builtin:random'))).toBe('builtin:random');
  });

  it('decides creation: visibility, provenance, agents, seeds and rules', () => {
    const facts = { publicLobby: true, packs: [{ id: 'lab', private: true }] as PackInfo[] };
    const parse = (id: string) => agentCatalog({ config: undefined }).parse(id);
    expect(creation(PRINCIPALS.researcher, facts, { id: 's', pack: 'lab' }, undefined)).toEqual({ ok: true, visibility: 'private', provenance: 'researcher' });
    expect(creation(PRINCIPALS.anonymous, facts, { id: 's', pack: 'lab' }, undefined)).toMatchObject({ ok: false, code: 'not-found' });
    expect(creation(PRINCIPALS.anonymous, facts, { id: 's', pack: 'open' }, undefined)).toEqual({ ok: true, visibility: 'public', provenance: 'lobby' });
    expect(creation(PRINCIPALS.seat, facts, { id: 's', pack: 'open' }, 'private')).toMatchObject({ ok: false, code: 'forbidden' });
    const pixel = (n: number) => ({ seats: { A: { kind: 'agent' as const, agent: `builtin:pixel-debater@${n}` } } });
    expect(mayAsk(PRINCIPALS.anonymous, pixel(PIXEL_ROLLOUTS_MAX.lobby), parse).ok).toBe(true);
    expect(mayAsk(PRINCIPALS.anonymous, pixel(PIXEL_ROLLOUTS_MAX.lobby + 1), parse)).toMatchObject({ ok: false, code: 'invalid' });
    expect(mayAsk(PRINCIPALS.researcher, pixel(PIXEL_ROLLOUTS_MAX.researcher), parse).ok).toBe(true);
    expect(mayAsk(PRINCIPALS.researcher, pixel(PIXEL_ROLLOUTS_MAX.researcher + 1), parse)).toMatchObject({ ok: false, code: 'invalid' });
    for (const ask of [{ seed: 'x' }, { meta: {} }, { rules: { maxSpeechRounds: 9 } }, { seats: { A: { kind: 'agent' as const, agent: 'replay:x' } } }]) {
      expect(mayAsk(PRINCIPALS.anonymous, ask, parse), JSON.stringify(ask)).toMatchObject({ ok: false, code: 'forbidden' });
      expect(mayAsk(PRINCIPALS.researcher, ask, parse).ok, JSON.stringify(ask)).toBe(true);
    }
    expect(mayAsk(PRINCIPALS.anonymous, { rules: { speechSeconds: 5 } }, parse)).toMatchObject({ ok: false, code: 'invalid' });
  });
});

describe('resolving credentials', () => {
  const now = 1_800_000_000_000;
  const study = { id: 's1', participantOf: (t: string) => (t === 'participant-token' ? 'p-1' : null), now };

  it('names each kind of principal from what was presented and what the server knows', () => {
    const facts = { researcherToken: RESEARCHER, debate: { id: 'd1', seatTokens: SEATS }, study };
    expect(resolvePrincipal({}, facts)).toEqual({ kind: 'anonymous' });
    expect(resolvePrincipal({ bearer: RESEARCHER }, facts)).toEqual({ kind: 'researcher' });
    expect(resolvePrincipal({ bearer: 'seat-a-token' }, facts)).toEqual({ kind: 'seat', debateId: 'd1', seat: 'A' });
    expect(resolvePrincipal({ bearer: 'participant-token' }, facts)).toEqual({ kind: 'participant', studyId: 's1', participantId: 'p-1' });
    const { ticket, expiresAt } = issueStudyTicket(RESEARCHER, 's1', now);
    expect(resolvePrincipal({ ticket }, facts)).toEqual({ kind: 'studyTicket', studyId: 's1', expiresAt });
    expect(resolvePrincipal({}, { researcherToken: RESEARCHER, agentKey: { name: 'bot', keyId: 'k1' } })).toEqual({ kind: 'agentKey', name: 'bot', keyId: 'k1' });
    expect(resolvePrincipal({ bearer: 'someone-else' }, facts)).toEqual({ kind: 'anonymous' });
  });

  it('a token is good only where it was issued', () => {
    // A seat token without its debate, or before another debate, is anonymous.
    expect(resolvePrincipal({ bearer: 'seat-a-token' }, { researcherToken: RESEARCHER })).toEqual({ kind: 'anonymous' });
    expect(resolvePrincipal({ bearer: 'seat-a-token' }, { researcherToken: RESEARCHER, debate: { id: 'd2', seatTokens: new Map() } })).toEqual({ kind: 'anonymous' });
    // A ticket of another study, an expired or a forged one is nothing.
    const { ticket } = issueStudyTicket(RESEARCHER, 's2', now);
    expect(resolvePrincipal({ ticket }, { researcherToken: RESEARCHER, study })).toEqual({ kind: 'anonymous' });
    const old = issueStudyTicket(RESEARCHER, 's1', now - TICKET_SECONDS * 1000 - 1).ticket;
    expect(resolvePrincipal({ ticket: old }, { researcherToken: RESEARCHER, study })).toEqual({ kind: 'anonymous' });
    // The study routes' decision (access/study.ts): a ticket presented says what is wrong with it; a live one, or the researcher, may watch.
    expect(studyTicketOf(old, RESEARCHER, 's1', now)).toMatchObject({ ok: false, code: 'unauthorized', reason: expect.stringMatching(/expired/) });
    expect(studyTicketOf('x.y', RESEARCHER, 's1', now)).toMatchObject({ ok: false, reason: expect.stringMatching(/malformed/) });
    expect(mayStudy({ kind: 'studyTicket', studyId: 's1', expiresAt: now + 1000 }, 'watch', 's1')).toBeNull();
    expect(mayStudy({ kind: 'researcher' }, 'watch', 's1')).toBeNull();
  });
});

describe('admitting a remote agent', () => {
  it('names an agentKey principal for a live key of the name given, and refuses the rest with a typed code', async () => {
    const { openStores } = await import('../../server/src/stores.ts');
    const { admitAgent } = await import('../../server/src/access/agent-key.ts');
    const { AGENT_PROTOCOL_VERSION } = await import('@arena/shared');
    const stores = await openStores({});
    try {
      const keys = stores.agentKeys;
      const { key, info } = await keys.issue('bot', null);
      const auth = (over: Record<string, unknown> = {}) => ({ key, name: 'bot', protocol: AGENT_PROTOCOL_VERSION, ...over });
      expect(await admitAgent(auth(), keys)).toEqual({ ok: true, principal: { kind: 'agentKey', name: 'bot', keyId: info.id }, client: null });
      expect(await admitAgent(auth({ name: 'other' }), keys)).toMatchObject({ ok: false, code: 'wrong-name' });
      expect(await admitAgent(auth({ key: 'x'.repeat(40) }), keys)).toMatchObject({ ok: false, code: 'bad-key' });
      expect(await admitAgent(auth({ protocol: AGENT_PROTOCOL_VERSION + 1 }), keys)).toMatchObject({ ok: false, code: 'protocol-version' });
      expect(await admitAgent({ name: 'bot' }, keys)).toMatchObject({ ok: false, code: 'bad-handshake' });
      await keys.revoke(info.id);
      expect(await admitAgent(auth(), keys)).toMatchObject({ ok: false, code: 'key-revoked' });
    } finally {
      await stores.close();
    }
  });
});
