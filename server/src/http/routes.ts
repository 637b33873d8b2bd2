import express, { type Request, type Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import {
  createHeader,
  PRESET_NAMES,
  presetCatalog,
  presetLabel,
  PROTOCOL_VERSION,
  replay,
  Rules,
  rulesFor,
  rulesSuitEvidence,
  safeJsonRecord,
  safeText,
  Seat,
  summarizeScenario,
  transcriptJsonSchema,
  viewFor,
  type DebateSummary,
  type DebateView,
  type PresetName,
  type SeatConfig,
  type TranscriptRecord,
} from '@arena/shared';
import type { ArenaContext } from '../context.ts';
import { newDebateId, newToken, tokensEqual } from '../tokens.ts';
import type { ListFilter } from '../store/store.ts';
import { BUILTIN_AGENTS } from '../agents/registry.ts';
import { isResearcher, requestToken, requireResearcher } from './auth.ts';
import { checkCreation } from './create-policy.ts';
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

/** A debate's summary as the caller may see it: no last-change time of an unfinished debate for the public. */
function summaryFor(summary: DebateSummary, researcher: boolean): DebateSummary {
  return researcher || summary.status === 'finished' ? summary : { ...summary, updatedAt: null };
}

/** An agent id as shown to anyone: a replay agent's id names its original, which a re-judge must not learn. */
function publicAgentId(agent: string | undefined): string | null {
  if (agent === undefined) return null;
  return agent.startsWith(REPLAY_PREFIX) ? REPLAY_PREFIX.slice(0, -1) : agent;
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


  async function load(id: string): Promise<TranscriptRecord> {
    const record = await ctx.store.getTranscript(id);
    if (!record) throw new HttpError(404, `no debate "${id}"`);
    return record;
  }

  /** True when the request carries the token of debater seat `seat` (or is the researcher). */
  async function holdsDebaterSeat(req: Request, record: TranscriptRecord, seat: Seat): Promise<boolean> {
    if (isResearcher(req, ctx)) return true;
    const token = requestToken(req);
    const entry = (await ctx.store.seatTokens(record.header.id)).get(seat);
    return !!token && !!entry && seat in record.header.assignment.debaters && tokensEqual(token, entry.token);
  }

  /** A seat of this debate (or observer), else 404. */
  function seatOf(record: TranscriptRecord, seat: Seat): Seat {
    if (seat !== 'observer' && !(seat in record.header.seats)) throw new HttpError(404, `this debate has no seat ${seat}`);
    return seat;
  }

  api.get('/health', async (_req, res) => {
    const started = Date.now();
    await ctx.store.ping();
    res.json({ ok: true, protocol: PROTOCOL_VERSION, store: ctx.store.kind, storeMs: Date.now() - started, uptimeSeconds: Math.round(process.uptime()) });
  });

  api.get('/scenarios', (_req, res) => {
    res.json({ packs: ctx.packs, scenarios: [...ctx.scenarios.values()].map(summarizeScenario) });
  });

  /** The presets, and the agents this caller may seat (configured agents only for researchers). */
  api.get('/presets', (req, res) => {
    const agents = isResearcher(req, ctx) ? ctx.agentIds() : ctx.agentIds().filter((a) => a in BUILTIN_AGENTS);
    // Each preset describes itself (family, title, description, seats, sides, evidence kinds) beside its rules.
    res.json({ presets: presetCatalog(), agents });
  });

  api.post('/debates', lobbyLimit, async (req, res) => {
    const researcher = isResearcher(req, ctx);
    if (!researcher && !ctx.config.lobby) throw new HttpError(403, 'this server creates debates for researchers only (the public lobby is off): send the researcher token');
    const body = parseOr400(CreateDebate, req.body, 'debate');
    const scenario = ctx.scenarios.get(body.scenarioId);
    if (!scenario) throw new HttpError(404, `no scenario "${body.scenarioId}"`);
    let rules: Rules;
    try {
      rules = rulesFor(body.preset, body.rules as Partial<Rules> | undefined);
    } catch (err) {
      if (err instanceof z.ZodError) throw new HttpError(400, `invalid rules: ${err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      throw err;
    }
    // The label says what the rules are (a preset's structure, else "custom"), whatever was asked.
    rules = { ...rules, preset: presetLabel(rules, body.preset) };
    if (!rulesSuitEvidence(rules, scenario.evidence.kind)) {
      throw new HttpError(400, `the ${body.preset} protocol cannot be played over ${scenario.evidence.kind} evidence (scenario ${scenario.id})`);
    }
    const seats: Partial<Record<Seat, SeatConfig>> = {};
    for (const [seat, c] of Object.entries(body.seats ?? {})) {
      if (c.kind === 'agent') {
        if (!c.agent) throw new HttpError(400, `seat ${seat}: an agent seat names its agent (one of ${ctx.agentIds().join(', ')})`);
        try {
          ctx.makeAgent(c.agent, 'probe');
        } catch (err) {
          throw new HttpError(400, `seat ${seat}: ${(err as Error).message}`);
        }
      }
      seats[seat as Seat] = { kind: c.kind, ...(c.agent ? { agent: c.agent } : {}), ...(c.open ? { open: true } : {}) };
    }
    // What the request asks is valid; now whether this caller may ask it.
    checkCreation(body, researcher);
    const id = newDebateId();
    const header = createHeader({
      id,
      scenario,
      rules,
      seed: body.seed ?? newToken(),
      createdAt: Date.now(),
      seats,
      provenance: researcher ? 'researcher' : 'lobby',
      ...(body.meta ? { meta: body.meta } : {}),
    });
    for (const seat of Object.keys(seats)) {
      if (!(seat in header.seats)) throw new HttpError(400, `seat ${seat} does not exist in a ${body.preset} debate over ${scenario.answers.length} answers`);
    }
    const tokens: Record<string, string> = {};
    for (const [seat, c] of Object.entries(header.seats)) if (c.kind === 'human') tokens[seat] = newToken();
    await ctx.store.createDebateWithTokens(header, tokens);
    // An all-agent debate starts now; a waiting one can expire.
    await ctx.sessions.created(id);
    const links: Record<string, { kind: string; open: boolean; token?: string; path?: string }> = {};
    for (const [seat, c] of Object.entries(header.seats)) {
      const token = tokens[seat];
      links[seat] = { kind: c.kind, open: !!c.open, ...(token ? { token, path: `/debate/${id}/${seat}?token=${token}` } : {}) };
    }
    res.status(201).json({ id, preset: rules.preset, seats: links, observerPath: `/debate/${id}/observer` });
  });

  api.get('/debates', async (req, res) => {
    const q = parseOr400(ListQuery, req.query, 'query');
    const researcher = isResearcher(req, ctx);
    // Private debates (experiments, re-judgings and their originals) are unlisted for the public.
    const filter: ListFilter = { ...q, source: q.source === 'arena' ? null : q.source, ...(researcher ? {} : { visibility: 'public' as const }) };
    const [debates, total] = await Promise.all([ctx.store.listDebates(filter), ctx.store.countDebates(filter)]);
    res.json({ total, debates: debates.map((d) => summaryFor(d, researcher)) });
  });

  api.get('/debates/:id', async (req, res) => {
    const record = await load(req.params.id);
    const summary = summaryFor((await ctx.store.summary(record.header.id)) as DebateSummary, isResearcher(req, ctx));
    const tokens = await ctx.store.seatTokens(record.header.id);
    const seats = Object.fromEntries(
      Object.entries(record.header.seats).map(([seat, c]) => [
        seat,
        { kind: c.kind, agent: publicAgentId(c.agent), open: !!c.open, claimed: !!tokens.get(seat)?.claimed },
      ]),
    );
    res.json({ ...summary, question: record.header.scenario.question, seats });
  });

  /** The current view of a seat: judge and observer views are public; debater views need the seat's token. */
  api.get('/debates/:id/view', async (req, res) => {
    const { seat } = parseOr400(SeatQuery, req.query, 'query');
    const record = await load(req.params.id);
    const state = replay(record.header, record.events);
    if (seat === 'full') throw new HttpError(400, 'use /transcript for the full record');
    seatOf(record, seat);
    if (seat in record.header.assignment.debaters && !(await holdsDebaterSeat(req, record, seat))) {
      throw new HttpError(403, `the view of seat ${seat} needs that seat's token`);
    }
    res.json(viewFor(state, seat));
  });

  /**
   * A debate's transcript as a seat saw it: the seat's view after every event that
   * changed it (judge and observer: public, redacted exactly like the live view), or
   * with seat=full the header and events themselves (finished debates; before the
   * verdict only researchers: a debater's token gives that debater's own views, never
   * the other side's unreleased speech). Step views carry no deadlines: absolute times
   * would tell when each event happened.
   */
  api.get('/debates/:id/transcript', async (req, res) => {
    const { seat } = parseOr400(SeatQuery, req.query, 'query');
    const record = await load(req.params.id);
    if (seat === 'full') {
      if (!isResearcher(req, ctx)) {
        if (record.status !== 'finished') {
          throw new HttpError(403, 'the full transcript of an unfinished debate is only for researchers; a debater can read its own seat (seat=A with its token)');
        }
        const summary = await ctx.store.summary(record.header.id);
        if (summary?.visibility !== 'public') throw new HttpError(403, 'the full transcript of a private debate is only for researchers');
      }
      res.json(record);
      return;
    }
    seatOf(record, seat);
    if (seat in record.header.assignment.debaters && !(await holdsDebaterSeat(req, record, seat))) {
      throw new HttpError(403, `the transcript of seat ${seat} needs that seat's token`);
    }
    const steps: DebateView[] = [];
    let last = '';
    replay(record.header, record.events, (state) => {
      const live = viewFor(state, seat);
      const view: DebateView = { ...live, legal: [], turn: live.turn && { ...live.turn, deadline: null } };
      const key = JSON.stringify(view);
      if (key !== last) steps.push(view);
      last = key;
    });
    res.json({ debateId: record.header.id, seat, status: record.status, steps });
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
  api.use(studiesRouter(ctx, ctx.studies));
  api.use(agentsRouter(ctx));
  api.use(selfplayRouter(ctx));

  api.use((_req, _res) => {
    throw new HttpError(404, 'no such API endpoint');
  });
  return api;
}
