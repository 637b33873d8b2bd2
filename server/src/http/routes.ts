import express, { type Request, type Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import {
  PRESET_NAMES,
  presetCatalog,
  PROTOCOL_VERSION,
  replay,
  safeJsonRecord,
  safeText,
  seatSteps,
  Seat,
  summarizeScenario,
  transcriptJsonSchema,
  viewFor,
  type DebateSummary,
  type PresetName,
  type Rules,
  type SeatConfig,
  type TranscriptRecord,
} from '@arena/shared';
import type { ArenaContext } from '../context.ts';
import type { ListFilter } from '../store/store.ts';
import { BUILTIN_AGENTS } from '../agents/registry.ts';
import { isResearcher } from './auth.ts';
import { checkCreation } from './create-policy.ts';
import { debateAccess, enforce, lobbyFacts, requestPrincipal, requireResearcher } from '../access/http.ts';
import { creation, lobbyOpenTo, offeredPacks } from '../access/lobby.ts';
import { listScope, type Principal } from '../access/policy.ts';
import { createDebate, CreateRefused, debateDeps, prepareDebate } from '../debates/create.ts';
import { HttpError, parseOr400 } from './errors.ts';
import { checkIdParam, jsonBody } from './input.ts';
import { noStore } from './security.ts';
import { resultsRouter } from './results.ts';
import { rejudgeRouter } from './rejudge.ts';
import { studiesRouter } from './studies.ts';
import { agentsRouter } from './agents.ts';
import { selfplayRouter } from './selfplay.ts';
import { REPLAY_PREFIX } from '../rejudge/replay-agent.ts';

const SeatConfigInput = z
  .object({
    kind: z.enum(['human', 'agent']).default('human'),
    agent: safeText(z.string().max(200)).optional(),
    open: z.boolean().optional(),
  })
  .strict();

const CreateDebate = z
  .object({
    scenarioId: safeText(z.string().min(1).max(200)),
    preset: z.enum(PRESET_NAMES as [PresetName, ...PresetName[]]).default('debate'),
    /** Overrides of the preset's rules (limits, timers, rounds); the label comes from `preset` and the rules' structure. */
    rules: safeJsonRecord({ depth: 3, nodes: 100 })
      .refine((r) => !('preset' in r), { message: 'the preset is named by the top-level "preset" field, not inside rules' })
      .optional(),
    seats: z.partialRecord(Seat, SeatConfigInput).optional(),
    seed: safeText(z.string().min(1).max(200)).optional(),
    /** Researchers only: public or private (their default). Games of the public lobby are public. */
    visibility: z.enum(['public', 'private']).optional(),
    /** Free-form labels kept in the header (experiment, condition…), at most 10 kB as JSON. */
    meta: safeJsonRecord()
      .refine((m) => JSON.stringify(m).length <= 10_000, { message: 'at most 10 kB of JSON' })
      .optional(),
  })
  .strict();

const ListQuery = z.object({
  status: z.enum(['waiting', 'running', 'finished', 'ended']).optional(),
  preset: safeText(z.string().max(100)).optional(),
  pack: safeText(z.string().max(200)).optional(),
  source: safeText(z.string().max(200)).optional(),
  since: z.coerce.number().finite().optional(),
  until: z.coerce.number().finite().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  offset: z.coerce.number().int().min(0).default(0),
});

const CancelBody = z.object({ reason: safeText(z.string().trim().min(1).max(500)).default('by a researcher') }).strict();

const SeatQuery = z.object({ seat: z.union([Seat, z.literal('full')]).default('judge') });

/** A debate's summary as the caller may see it: no last-change time of an unfinished debate but for researchers. */
function summaryFor(summary: DebateSummary, p: Principal): DebateSummary {
  return p.kind === 'researcher' || summary.status === 'finished' ? summary : { ...summary, updatedAt: null };
}

/** An agent id as shown to anyone: a replay agent's id names its original, which a re-judge must not learn. */
function publicAgentId(agent: string | undefined): string | null {
  if (agent === undefined) return null;
  return agent.startsWith(REPLAY_PREFIX) ? REPLAY_PREFIX.slice(0, -1) : agent;
}

/** A seat of this debate (or observer), else 404. */
function seatOf(record: TranscriptRecord, seat: Seat): Seat {
  if (seat !== 'observer' && !(seat in record.header.seats)) throw new HttpError(404, `this debate has no seat ${seat}`);
  return seat;
}

export function apiRouter(ctx: ArenaContext): Router {
  const api = express.Router();
  api.use(noStore);
  api.use(...jsonBody());
  api.param('id', checkIdParam);

  /** Anonymous creations per client: counted when a debate is created, per 10 minutes. */
  const lobbyLimit = rateLimit({
    windowMs: 10 * 60_000,
    limit: ctx.config.lobbyCreateLimit,
    skip: (req) => isResearcher(req, ctx),
    skipFailedRequests: true,
    ...(ctx.rateLimitStore ? { store: ctx.rateLimitStore } : {}),
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, res, _next, options) => {
      const reset = (_req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : Math.round(options.windowMs / 1000);
      res.status(429).json({
        error: `rate-limited: at most ${ctx.config.lobbyCreateLimit} debates per 10 minutes from one address without the researcher token; the next one can be created in ${seconds} s`,
        code: 'rate-limited',
        retryAfterSeconds: seconds,
      });
    },
  });

  api.get('/health', async (_req, res) => {
    const started = Date.now();
    await ctx.store.ping();
    res.json({ ok: true, protocol: PROTOCOL_VERSION, store: ctx.store.kind, storeMs: Date.now() - started, uptimeSeconds: Math.round(process.uptime()) });
  });

  /** The scenarios the caller is offered: public packs while the public lobby is on; every pack for researchers. */
  api.get('/scenarios', (req, res) => {
    const packs = offeredPacks(requestPrincipal(req, ctx), lobbyFacts(ctx));
    const ids = new Set(packs.map((p) => p.id));
    res.json({
      publicLobby: ctx.config.lobby,
      packs,
      scenarios: [...ctx.scenarios.values()].filter((s) => s.pack !== undefined && ids.has(s.pack)).map(summarizeScenario),
    });
  });

  /** The presets, and the agents this caller may seat (configured agents only for researchers). */
  api.get('/presets', (req, res) => {
    const agents = isResearcher(req, ctx) ? ctx.agentIds() : ctx.agentIds().filter((a) => a in BUILTIN_AGENTS);
    // Each preset describes itself (family, title, description, seats, sides, evidence kinds) beside its rules.
    res.json({ presets: presetCatalog(), agents });
  });

  api.post('/debates', lobbyLimit, async (req, res) => {
    const who = requestPrincipal(req, ctx);
    const researcher = who.kind === 'researcher';
    const open = lobbyOpenTo(who, lobbyFacts(ctx));
    if (!open.ok) return enforce(open);
    const body = parseOr400(CreateDebate, req.body, 'debate');
    const allowed = creation(who, lobbyFacts(ctx), ctx.scenarios.get(body.scenarioId) ?? { id: body.scenarioId, pack: undefined }, body.visibility);
    if (!allowed.ok) return enforce(allowed);
    const seats: Partial<Record<Seat, SeatConfig>> = {};
    for (const [seat, c] of Object.entries(body.seats ?? {})) {
      if (c.kind === 'agent' && !c.agent) throw new HttpError(400, `seat ${seat}: an agent seat names its agent (one of ${ctx.agentIds().join(', ')})`);
      seats[seat as Seat] = { kind: c.kind, ...(c.agent ? { agent: c.agent } : {}), ...(c.open ? { open: true } : {}) };
    }
    const deps = debateDeps(ctx);
    let created;
    try {
      const header = prepareDebate(deps, {
        scenarioId: body.scenarioId,
        preset: body.preset,
        ...(body.rules ? { rules: body.rules as Partial<Rules> } : {}),
        seats,
        ...(body.seed ? { seed: body.seed } : {}),
        ...(body.meta ? { meta: body.meta } : {}),
        provenance: researcher ? 'researcher' : 'lobby',
      });
      // What the request asks is valid; now whether this caller may ask it.
      checkCreation(body, researcher);
      created = await createDebate(deps, { header }, allowed.visibility);
    } catch (err) {
      if (err instanceof CreateRefused) throw new HttpError(err.status, err.message);
      throw err;
    }
    const { header, tokens } = created;
    const id = header.id;
    const links: Record<string, { kind: string; open: boolean; token?: string; path?: string }> = {};
    for (const [seat, c] of Object.entries(header.seats)) {
      const token = tokens[seat as Seat];
      links[seat] = { kind: c.kind, open: !!c.open, ...(token ? { token, path: `/debate/${id}/${seat}?token=${token}` } : {}) };
    }
    res.status(201).json({ id, preset: header.rules.preset, visibility: created.visibility, seats: links, observerPath: `/debate/${id}/observer` });
  });

  api.get('/debates', async (req, res) => {
    const q = parseOr400(ListQuery, req.query, 'query');
    const who = requestPrincipal(req, ctx);
    // Private debates (experiments, re-judgings and their originals) are unlisted but for researchers.
    const filter: ListFilter = { ...q, source: q.source === 'arena' ? null : q.source, ...(listScope(who) === 'public' ? { visibility: 'public' as const } : {}) };
    const [debates, total] = await Promise.all([ctx.store.listDebates(filter), ctx.store.countDebates(filter)]);
    res.json({ total, debates: debates.map((d) => summaryFor(d, who)) });
  });

  api.get('/debates/:id', async (req, res) => {
    const access = await debateAccess(req, ctx, req.params.id);
    const { record } = access;
    const summary = summaryFor((await ctx.store.summary(record.header.id)) as DebateSummary, access.principal);
    const seats = Object.fromEntries(
      Object.entries(record.header.seats).map(([seat, c]) => [
        seat,
        { kind: c.kind, agent: publicAgentId(c.agent), open: !!c.open, claimed: !!access.seatTokens.get(seat)?.claimed },
      ]),
    );
    res.json({ ...summary, question: record.header.scenario.question, seats });
  });

  /** The current view of a seat, as the access policy allows. */
  api.get('/debates/:id/view', async (req, res) => {
    const { seat } = parseOr400(SeatQuery, req.query, 'query');
    const access = await debateAccess(req, ctx, req.params.id);
    if (seat === 'full') throw new HttpError(400, 'use /transcript for the full record');
    seatOf(access.record, seat);
    access.require({ view: 'live', seat });
    res.json(viewFor(replay(access.record.header, access.record.events), seat));
  });

  /**
   * A debate's transcript as a seat saw it: the seat's view after every event that
   * changed it (the engine's replay views: no deadlines, which would tell when each
   * event happened), or with seat=full the header and events themselves; the access
   * policy decides who gets which.
   */
  api.get('/debates/:id/transcript', async (req, res) => {
    const { seat } = parseOr400(SeatQuery, req.query, 'query');
    const access = await debateAccess(req, ctx, req.params.id);
    const { record } = access;
    if (seat === 'full') {
      access.require({ view: 'full' });
      res.json(record);
      return;
    }
    seatOf(record, seat);
    access.require({ view: 'steps', seat });
    res.json({ debateId: record.header.id, seat, status: record.status, steps: seatSteps(record.header, record.events, seat) });
  });

  /** A researcher ends an unfinished debate without a verdict, with a reason. */
  api.post('/debates/:id/cancel', async (req, res) => {
    requireResearcher(req, ctx);
    const { reason } = parseOr400(CancelBody, req.body ?? {}, 'cancellation');
    if (!(await ctx.store.exists(req.params.id))) throw new HttpError(404, `no debate "${req.params.id}"`);
    const refusal = await ctx.sessions.cancel(req.params.id, `cancelled: ${reason}`);
    if (refusal) throw new HttpError(409, `debate "${req.params.id}" cannot be cancelled: ${refusal.message}`);
    res.json(await ctx.store.summary(req.params.id));
  });

  api.get('/export.jsonl', async (req, res) => {
    requireResearcher(req, ctx);
    const q = parseOr400(ListQuery.omit({ limit: true, offset: true }), req.query, 'query');
    res.type('application/x-ndjson');
    res.setHeader('content-disposition', 'attachment; filename="transcripts.jsonl"');
    for await (const record of ctx.store.transcripts({ ...q, source: q.source === 'arena' ? null : q.source })) {
      res.write(`${JSON.stringify(record)}\n`);
    }
    res.end();
  });

  api.get('/schema/transcript.json', (_req, res) => {
    res.json(transcriptJsonSchema());
  });

  api.use('/results', resultsRouter(ctx));
  api.use(rejudgeRouter(ctx));
  api.use(studiesRouter({ studies: ctx.studies, researcherToken: ctx.researcherToken }));
  api.use(agentsRouter(ctx));
  api.use(selfplayRouter(ctx));

  api.use((_req, _res) => {
    throw new HttpError(404, 'no such API endpoint');
  });
  return api;
}
