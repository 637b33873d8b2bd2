/**
 * The one way to create a debate. HTTP creation, re-judging and self-play (and later
 * studies) describe the debate they want; this service checks scenario, preset,
 * seats and agents together, refuses what cannot be played up front with a message
 * naming the culprit, and writes the header, the seat tokens and the visibility in
 * one transaction (or, for a debate played at once, the whole transcript).
 */
import { z } from 'zod';
import {
  createHeader,
  isDebaterSeat,
  presetLabel,
  Rules,
  rulesFor,
  rulesSuitEvidence,
  type DebateHeader,
  type PresetName,
  type Provenance,
  type Scenario,
  type Seat,
  type SeatConfig,
  type TranscriptRecord,
  type Visibility,
} from '@arena/shared';
import type { AgentCapabilities } from '../agents/registry.ts';
import type { Store } from '../store/store.ts';
import { newDebateId, newToken } from '../tokens.ts';

/** Why a debate cannot be created; `status` is the HTTP status a route answers with. */
export class CreateRefused extends Error {
  override name = 'CreateRefused';
  readonly status: 400 | 404 | 409 | 422;

  constructor(status: 400 | 404 | 409 | 422, message: string) {
    super(message);
    this.status = status;
  }
}

/** What the service needs. `onCreated` hears of every live debate once it is stored (sessions start there). */
export interface CreateDeps {
  store: Pick<Store, 'createDebateWithTokens' | 'saveTranscript'>;
  scenarios: ReadonlyMap<string, Scenario>;
  /** The capabilities of an agent id; throws for an unknown one (the message names the known ids). */
  agentCapabilities: (id: string) => AgentCapabilities;
  /** When given, every agent is built once up front, so a missing API key is refused before the debate exists. */
  makeAgent?: (id: string, seed: string) => unknown;
  onCreated?: (id: string) => void | Promise<void>;
}

/** A debate to build from a scenario and a preset. */
export interface NewDebate {
  scenarioId: string;
  preset: PresetName;
  /** Overrides of the preset's rules (limits, timers, rounds). */
  rules?: Partial<Rules>;
  seats?: Partial<Record<Seat, SeatConfig>>;
  /** Default: a random one. */
  seed?: string;
  id?: string;
  createdAt?: number;
  meta?: Record<string, unknown>;
  source?: DebateHeader['source'];
  /** How the debate came to be (lobby, researcher, selfplay, study…), kept in the header. */
  provenance?: Provenance;
}

/** A debate request: built from a scenario and preset, or a header made elsewhere (a re-judging). */
export type DebateRequest = NewDebate | { header: DebateHeader };

export interface CreatedDebate {
  header: DebateHeader;
  /** The secret token of each human seat (its link carries it). */
  tokens: Partial<Record<Seat, string>>;
  visibility: Visibility;
}

/** The role an agent plays in a seat of a debate (which has no observer seat), by roles.ts's rule. */
const roleOf = (seat: Seat): 'debater' | 'judge' => (isDebaterSeat(seat) ? 'debater' : 'judge');

/**
 * Checks a header's seats against the agents that fill them: every agent must exist
 * and be able to play its seat's role over the scenario's evidence kind.
 */
export function checkSeats(header: DebateHeader, deps: Pick<CreateDeps, 'agentCapabilities' | 'makeAgent'>): void {
  const kind = header.scenario.evidence.kind;
  for (const [seat, c] of Object.entries(header.seats) as [Seat, SeatConfig][]) {
    if (c.kind !== 'agent') continue;
    if (!c.agent) throw new CreateRefused(400, `seat ${seat}: an agent seat names its agent`);
    let caps: AgentCapabilities;
    try {
      caps = deps.agentCapabilities(c.agent);
      deps.makeAgent?.(c.agent, 'probe');
    } catch (err) {
      throw new CreateRefused(400, `seat ${seat}: ${(err as Error).message}`);
    }
    const role = roleOf(seat);
    if (!caps.roles.includes(role)) {
      throw new CreateRefused(422, `seat ${seat}: agent "${c.agent}" cannot play a ${role} (it plays: ${caps.roles.join(', ')})`);
    }
    if (!caps.evidence.includes(kind)) {
      throw new CreateRefused(422, `seat ${seat}: agent "${c.agent}" cannot play over ${kind} evidence (scenario ${header.scenario.id}; it knows: ${caps.evidence.join(', ')})`);
    }
  }
}

/** Builds and checks the header of a debate request. Pure but for the random id and seed defaults. */
export function prepareDebate(deps: Pick<CreateDeps, 'scenarios' | 'agentCapabilities' | 'makeAgent'>, request: DebateRequest): DebateHeader {
  if ('header' in request) {
    const h = request.header;
    if (!rulesSuitEvidence(h.rules, h.scenario.evidence.kind)) {
      throw new CreateRefused(400, `the ${h.rules.preset} protocol cannot be played over ${h.scenario.evidence.kind} evidence (scenario ${h.scenario.id})`);
    }
    checkSeats(h, deps);
    return h;
  }
  const scenario = deps.scenarios.get(request.scenarioId);
  if (!scenario) throw new CreateRefused(404, `no scenario "${request.scenarioId}"`);
  let rules: Rules;
  try {
    rules = rulesFor(request.preset, request.rules);
    // The label says what the rules are (a preset's structure, else "custom"), whatever was asked.
    rules = { ...rules, preset: presetLabel(rules, request.preset) };
  } catch (err) {
    if (err instanceof z.ZodError) throw new CreateRefused(400, `invalid rules: ${err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    throw err;
  }
  if (!rulesSuitEvidence(rules, scenario.evidence.kind)) {
    throw new CreateRefused(400, `the ${request.preset} protocol cannot be played over ${scenario.evidence.kind} evidence (scenario ${scenario.id})`);
  }
  const header = createHeader({
    id: request.id ?? newDebateId(),
    scenario,
    rules,
    seed: request.seed ?? newToken(),
    createdAt: request.createdAt ?? Date.now(),
    seats: request.seats ?? {},
    ...(request.meta ? { meta: request.meta } : {}),
    ...(request.provenance ? { provenance: request.provenance } : {}),
  });
  if (request.source) header.source = request.source;
  for (const seat of Object.keys(request.seats ?? {})) {
    if (!(seat in header.seats)) throw new CreateRefused(400, `seat ${seat} does not exist in a ${request.preset} debate over ${scenario.answers.length} answers`);
  }
  checkSeats(header, deps);
  return header;
}

/** A new secret token for each human seat of a debate (its seat links carry them). */
export function humanSeatTokens(header: Pick<DebateHeader, 'seats'>): Partial<Record<Seat, string>> {
  const tokens: Partial<Record<Seat, string>> = {};
  for (const [seat, c] of Object.entries(header.seats)) if (c.kind === 'human') tokens[seat as Seat] = newToken();
  return tokens;
}

/**
 * Creates a live debate: checks it, gives every human seat a token, and writes
 * header, tokens and visibility in one transaction; then calls onCreated(id).
 */
export async function createDebate(deps: CreateDeps, request: DebateRequest, visibility: Visibility): Promise<CreatedDebate> {
  const header = prepareDebate(deps, request);
  const tokens = humanSeatTokens(header);
  try {
    await deps.store.createDebateWithTokens(header, tokens, visibility);
  } catch (err) {
    if (err instanceof Error && /exists/.test(err.message)) throw new CreateRefused(409, `debate ${header.id} exists`);
    throw err;
  }
  await deps.onCreated?.(header.id);
  return { header, tokens, visibility };
}

/**
 * Creates a debate that is played at once (self-play, an AI re-judging): checks it,
 * lets `play` run it through the engine, and stores the whole transcript with its
 * visibility in one transaction. Resolves with the record, and whether it was stored
 * (false: a debate with this id exists, nothing changed).
 */
export async function recordDebate(
  deps: Pick<CreateDeps, 'store' | 'scenarios' | 'agentCapabilities' | 'makeAgent'>,
  request: DebateRequest,
  visibility: Visibility,
  play: (header: DebateHeader) => Promise<TranscriptRecord>,
): Promise<{ record: TranscriptRecord; stored: boolean }> {
  const header = prepareDebate(deps, request);
  const record = await play(header);
  const stored = await deps.store.saveTranscript(record, visibility);
  return { record, stored };
}
