/**
 * The debates service: create, list, read (summary, a seat's view, a transcript) and
 * cancel debates, for a caller. Every method takes who is asking (a principal, or for one
 * debate the credentials, which resolve against that debate's seat tokens) and answers
 * a value or a typed refusal; the access policy (../access/) decides, the transports
 * (routes, CLI) only adapt. Nothing here writes but create and cancel.
 */
import {
  replay,
  seatSteps,
  viewFor,
  type DebateSummary,
  type DebateView,
  type ForkNode,
  type ForkTree,
  type PresetName,
  type Rules,
  type Seat,
  type SeatConfig,
  type TranscriptRecord,
  type Visibility,
} from '@arena/shared';
import type { AgentCatalog } from '../agents/registry.ts';
import { creation, lobbyOpenTo, mayAsk, type LobbyFacts } from '../access/lobby.ts';
import { decide, listScope, mayFork, publicAgentId, researcherOnly, summaryFor, type DebateFacts } from '../access/policy.ts';
import { creationHidden, debateHidden, studyIdOf, viewerOf, type StudyShield } from '../access/study.ts';
import { resolvePrincipal, type Credentials, type Principal } from '../access/principal.ts';
import { ok, refuse, type Decision, type Refusal, type RefusalCode, type Result } from '../access/refusal.ts';
import type { ListFilter, Store, StoredSummary } from '../store/store.ts';
import { createDebate, CreateRefused, prepareDebate, type CreateDeps } from './create.ts';
import { createFork, type ForkInput } from './fork.ts';

export interface DebatesDeps {
  store: Pick<Store, 'getTranscript' | 'summary' | 'seatTokens' | 'listDebates' | 'countDebates' | 'exists' | 'saveTranscript' | 'setSeatTokens'>;
  /** Ends an unfinished debate without a verdict (the sessions'); null when done, else why not. */
  cancel: (id: string, reason: string) => Promise<{ message: string } | null>;
  /** The creation service's dependencies (store, scenarios, agents, sessions starting). */
  creating: CreateDeps;
  agents: Pick<AgentCatalog, 'parse' | 'ids'>;
  lobby: LobbyFacts;
  researcherToken: string;
  /** The scenarios of the studies running now, hidden outside them (access/study.ts). */
  shield: () => Promise<StudyShield>;
}

/** A debate to create, as a caller asks for it. */
export interface CreateInput {
  scenarioId: string;
  preset: PresetName;
  rules?: Record<string, unknown> | undefined;
  seats?: Partial<Record<Seat, { kind: 'human' | 'agent'; agent?: string | undefined; open?: boolean | undefined }>> | undefined;
  seed?: string | undefined;
  visibility?: Visibility | undefined;
  meta?: Record<string, unknown> | undefined;
}

export interface CreatedLinks {
  id: string;
  preset: string;
  visibility: Visibility;
  seats: Record<string, { kind: string; open: boolean; token?: string; path?: string }>;
  observerPath: string;
}

export type DebateListQuery = Omit<ListFilter, 'visibility' | 'parent'>;

export interface DebateDetail extends DebateSummary {
  question: string;
  seats: Record<string, { kind: string; agent: string | null; open: boolean; claimed: boolean }>;
}

export interface SeatTranscript {
  debateId: string;
  seat: Seat;
  status: TranscriptRecord['status'];
  steps: ReturnType<typeof seatSteps>;
}

const CREATE_CODES: Record<CreateRefused['status'], RefusalCode> = { 400: 'invalid', 404: 'not-found', 409: 'conflict', 422: 'unprocessable' };

/** A creation refusal as a typed refusal. */
export function refusalOfCreate(err: CreateRefused): Refusal {
  return refuse(CREATE_CODES[err.status], err.message);
}

/** A loaded debate and who is asking about it. */
interface Loaded {
  record: TranscriptRecord;
  summary: StoredSummary;
  facts: DebateFacts;
  principal: Principal;
  seatTokens: Map<string, { token: string; claimed: boolean }>;
}

export class DebatesService {
  private readonly deps: DebatesDeps;

  constructor(deps: DebatesDeps) {
    this.deps = deps;
  }

  /** Who the credentials name, with no debate concerned: the researcher or anonymous. */
  principal(who: Credentials): Principal {
    return resolvePrincipal(who, { researcherToken: this.deps.researcherToken });
  }

  /** Whether `p` may create debates at all (before the request is read): researchers always, anyone else while the public lobby is on. */
  mayCreate(p: Principal): Decision {
    return lobbyOpenTo(p, this.deps.lobby);
  }

  /** Whether `p` may cancel debates (before the request is read): researchers only. */
  mayCancel(p: Principal, presented?: Credentials): Decision {
    return researcherOnly(p, presented);
  }

  /** Creates a live debate as `p` may: the lobby's rules for anonymous callers, anything valid for researchers. */
  async create(p: Principal, input: CreateInput): Promise<Result<CreatedLinks>> {
    const { lobby, creating, agents } = this.deps;
    const open = lobbyOpenTo(p, lobby);
    if (!open.ok) return open;
    const allowed = creation(p, lobby, creating.scenarios.get(input.scenarioId) ?? { id: input.scenarioId, pack: undefined }, input.visibility);
    if (!allowed.ok) return allowed;
    const hidden = creationHidden(await this.deps.shield(), viewerOf(p), input.scenarioId);
    if (hidden) return refuse('forbidden', hidden);
    const seats: Partial<Record<Seat, SeatConfig>> = {};
    for (const [seat, c] of Object.entries(input.seats ?? {})) {
      if (c.kind === 'agent' && !c.agent) return refuse('invalid', `seat ${seat}: an agent seat names its agent (one of ${agents.ids().join(', ')})`);
      seats[seat as Seat] = { kind: c.kind, ...(c.agent ? { agent: c.agent } : {}), ...(c.open ? { open: true } : {}) };
    }
    let created;
    try {
      const header = prepareDebate(creating, {
        scenarioId: input.scenarioId,
        preset: input.preset,
        ...(input.rules ? { rules: input.rules as Partial<Rules> } : {}),
        seats,
        ...(input.seed ? { seed: input.seed } : {}),
        ...(input.meta ? { meta: input.meta } : {}),
        provenance: allowed.provenance,
      });
      // What the request asks is valid; now whether this caller may ask it.
      const may = mayAsk(p, input, (id) => agents.parse(id));
      if (!may.ok) return may;
      created = await createDebate(creating, { header }, allowed.visibility);
    } catch (err) {
      if (err instanceof CreateRefused) return refusalOfCreate(err);
      throw err;
    }
    return ok(linksOf(created.header, created.tokens, created.visibility));
  }

  /** Whether `p` may fork debates or read their branches (before the request is read): researchers only. */
  mayFork(p: Principal, presented?: Credentials): Decision {
    return mayFork(p, presented);
  }

  /**
   * A researcher forks a stored debate at an event: a new private debate that starts with
   * its first `at` events and continues live with the seats given (see debates/fork.ts).
   */
  async fork(p: Principal, id: string, input: ForkInput): Promise<Result<CreatedLinks & { parent: { id: string; at: number } }>> {
    const allowed = mayFork(p);
    if (!allowed.ok) return allowed;
    const parent = await this.deps.store.getTranscript(id);
    if (!parent) return refuse('not-found', `no debate "${id}"`);
    for (const [seat, c] of Object.entries(input.seats ?? {})) {
      if (c.kind === 'agent' && !c.agent) return refuse('invalid', `seat ${seat}: an agent seat names its agent (one of ${this.deps.agents.ids().join(', ')})`);
    }
    try {
      const { header, tokens } = await createFork({ ...this.deps.creating, store: this.deps.store }, parent, input, Date.now());
      return ok({ ...linksOf(header, tokens, 'private'), parent: { id, at: input.at } });
    } catch (err) {
      if (err instanceof CreateRefused) return refusalOfCreate(err);
      throw err;
    }
  }

  /** A debate's fork tree (researchers): up to its root through the parents, then every fork below, oldest first. */
  async forks(p: Principal, id: string): Promise<Result<ForkTree>> {
    const allowed = mayFork(p);
    if (!allowed.ok) return allowed;
    const { store } = this.deps;
    let record = await store.getTranscript(id);
    if (!record) return refuse('not-found', `no debate "${id}"`);
    const seen = new Set<string>([id]);
    while (record.header.parent && !seen.has(record.header.parent.id)) {
      const up = await store.getTranscript(record.header.parent.id);
      if (!up) break;
      seen.add(up.header.id);
      record = up;
    }
    const nodes: ForkNode[] = [];
    const queue = [record];
    const visited = new Set<string>();
    while (queue.length && nodes.length < 1000) {
      const r = queue.shift() as TranscriptRecord;
      if (visited.has(r.header.id)) continue;
      visited.add(r.header.id);
      const summary = await store.summary(r.header.id);
      nodes.push({
        id: r.header.id,
        parent: r.header.parent ?? null,
        status: r.status,
        createdAt: r.header.createdAt,
        preset: r.header.rules.preset,
        outcome: summary?.outcome ?? null,
        seats: Object.fromEntries(Object.entries(r.header.seats).map(([seat, c]) => [seat, c.kind === 'agent' ? (c.agent ?? null) : null])),
      });
      for (const child of await store.listDebates({ parent: r.header.id, limit: 1000 })) {
        const t = await store.getTranscript(child.id);
        if (t) queue.push(t);
      }
    }
    nodes.sort((a, b) => (a.parent === null ? -1 : b.parent === null ? 1 : a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)));
    return ok({ root: record.header.id, debates: nodes });
  }

  /** The debates `p` may list (private ones are unlisted but for researchers), with the total. */
  async list(p: Principal, query: DebateListQuery): Promise<Result<{ total: number; debates: DebateSummary[] }>> {
    const outside = viewerOf(p).researcher ? {} : { exceptScenarios: [...(await this.deps.shield()).keys()] };
    const filter: ListFilter = { ...query, ...outside, ...(listScope(p) === 'public' ? { visibility: 'public' as const } : {}) };
    const [debates, total] = await Promise.all([this.deps.store.listDebates(filter), this.deps.store.countDebates(filter)]);
    return ok({ total, debates: debates.map((d) => summaryFor(d, p)) });
  }

  /** A debate's summary, question and seats (agent ids as anyone may see them). */
  async summary(who: Credentials, id: string): Promise<Result<DebateDetail>> {
    const loaded = await this.load(who, id);
    if (!loaded.ok) return loaded;
    const { record, summary, principal, seatTokens } = loaded.value;
    const seats = Object.fromEntries(
      Object.entries(record.header.seats).map(([seat, c]) => [
        seat,
        { kind: c.kind, agent: publicAgentId(c.agent, c.agent === undefined ? null : this.deps.agents.parse(c.agent)), open: !!c.open, claimed: !!seatTokens.get(seat)?.claimed },
      ]),
    );
    return ok({ ...summaryFor(summary, principal), question: record.header.scenario.question, seats });
  }

  /** The current view of a seat, as the access policy allows. */
  async view(who: Credentials, id: string, seat: Seat | 'full'): Promise<Result<DebateView>> {
    const loaded = await this.load(who, id);
    if (!loaded.ok) return loaded;
    const { record, facts, principal } = loaded.value;
    if (seat === 'full') return refuse('invalid', 'use /transcript for the full record');
    const known = seatOf(record, seat);
    if (!known.ok) return known;
    const allowed = decide(principal, facts, { view: 'live', seat });
    if (!allowed.ok) return allowed;
    return ok(viewFor(replay(record.header, record.events), seat));
  }

  /**
   * A debate's transcript as a seat saw it: the seat's view after every event that
   * changed it (the engine's replay views: no deadlines, which would tell when each
   * event happened), or with `full` the header and events themselves.
   */
  async transcript(who: Credentials, id: string, seat: Seat | 'full'): Promise<Result<TranscriptRecord | SeatTranscript>> {
    const loaded = await this.load(who, id);
    if (!loaded.ok) return loaded;
    const { record, facts, principal } = loaded.value;
    if (seat === 'full') {
      const allowed = decide(principal, facts, { view: 'full' });
      return allowed.ok ? ok(record) : allowed;
    }
    const known = seatOf(record, seat);
    if (!known.ok) return known;
    const allowed = decide(principal, facts, { view: 'steps', seat });
    if (!allowed.ok) return allowed;
    return ok({ debateId: record.header.id, seat, status: record.status, steps: seatSteps(record.header, record.events, seat) });
  }

  /** A researcher ends an unfinished debate without a verdict, with a reason; answers its summary. */
  async cancel(p: Principal, id: string, reason: string): Promise<Result<DebateSummary | null>> {
    const allowed = researcherOnly(p);
    if (!allowed.ok) return allowed;
    if (!(await this.deps.store.exists(id))) return refuse('not-found', `no debate "${id}"`);
    const refusal = await this.deps.cancel(id, `cancelled: ${reason}`);
    if (refusal) return refuse('conflict', `debate "${id}" cannot be cancelled: ${refusal.message}`);
    const summary = await this.deps.store.summary(id);
    return ok(summary && summaryFor(summary, p));
  }

  /**
   * Loads a debate and resolves the caller against it. A debate the caller may not even
   * know of (a private one, to a stranger) is refused as not found, like a missing one.
   */
  private async load(who: Credentials, id: string): Promise<Result<Loaded>> {
    const { store } = this.deps;
    const [record, summary, seatTokens] = await Promise.all([store.getTranscript(id), store.summary(id), store.seatTokens(id)]);
    if (!record || !summary) return refuse('not-found', `no debate "${id}"`);
    const facts: DebateFacts = { id: record.header.id, visibility: summary.visibility, status: record.status };
    const principal = resolvePrincipal(who, { researcherToken: this.deps.researcherToken, debate: { id: facts.id, seatTokens } });
    const seen = decide(principal, facts, { view: 'summary' });
    if (!seen.ok) return seen;
    const hidden = debateHidden(await this.deps.shield(), viewerOf(principal), { scenarioId: record.header.scenario.id, studyId: studyIdOf(record.header) });
    if (hidden) return refuse('not-found', `no debate "${id}": ${hidden}`);
    return ok({ record, summary, facts, principal, seatTokens });
  }
}

/** The links of a new debate's human seats (each with its token) and its observers. */
function linksOf(header: { id: string; rules: Rules; seats: Partial<Record<Seat, SeatConfig>> }, tokens: Partial<Record<Seat, string>>, visibility: Visibility): CreatedLinks {
  const id = header.id;
  const links: CreatedLinks['seats'] = {};
  for (const [seat, c] of Object.entries(header.seats)) {
    const token = tokens[seat as Seat];
    links[seat] = { kind: c.kind, open: !!c.open, ...(token ? { token, path: `/debate/${id}/${seat}?token=${token}` } : {}) };
  }
  return { id, preset: header.rules.preset, visibility, seats: links, observerPath: `/debate/${id}/observer` };
}

/** A seat of this debate (or observer). */
function seatOf(record: TranscriptRecord, seat: Seat): Result<Seat> {
  if (seat !== 'observer' && !(seat in record.header.seats)) return refuse('not-found', `this debate has no seat ${seat}`);
  return ok(seat);
}
