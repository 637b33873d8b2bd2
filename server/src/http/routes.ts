import express, { type Request, type Router } from 'express';
import { z } from 'zod';
import {
  createHeader,
  PRESET_NAMES,
  presetCatalog,
  PROTOCOL_VERSION,
  replay,
  Rules,
  rulesFor,
  rulesSuitEvidence,
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
import { isResearcher, requestToken, requireResearcher } from './auth.ts';
import { HttpError, parseOr400 } from './errors.ts';
import { resultsRouter } from './results.ts';
import { rejudgeRouter } from './rejudge.ts';
import { studiesRouter } from './studies.ts';
import { REPLAY_PREFIX } from '../rejudge/replay-agent.ts';

const SeatConfigInput = z
  .object({
    kind: z.enum(['human', 'agent']).default('human'),
    agent: z.string().max(200).optional(),
    open: z.boolean().optional(),
  })
  .strict();

const CreateDebate = z
  .object({
    scenarioId: z.string().min(1),
    preset: z.enum(PRESET_NAMES as [PresetName, ...PresetName[]]).default('debate'),
    /** Overrides of the preset's rules (limits, timers, rounds). */
    rules: z.record(z.string(), z.unknown()).optional(),
    seats: z.partialRecord(Seat, SeatConfigInput).optional(),
    seed: z.string().min(1).max(200).optional(),
    /** Free-form labels kept in the header (experiment, condition…), at most 10 kB as JSON. */
    meta: z
      .record(z.string(), z.unknown())
      .refine((m) => JSON.stringify(m).length <= 10_000, { message: 'at most 10 kB of JSON' })
      .optional(),
  })
  .strict();

const ListQuery = z.object({
  status: z.enum(['waiting', 'running', 'finished', 'ended']).optional(),
  preset: z.string().optional(),
  pack: z.string().optional(),
  source: z.string().optional(),
  since: z.coerce.number().optional(),
  until: z.coerce.number().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  offset: z.coerce.number().int().min(0).default(0),
});

const CancelBody = z.object({ reason: z.string().trim().min(1).max(500).default('by a researcher') }).strict();

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
  api.use(express.json({ limit: '1mb' }));


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

  api.get('/presets', (_req, res) => {
    // Each preset describes itself (family, title, description, seats, sides, evidence kinds) beside its rules.
    res.json({ presets: presetCatalog(), agents: ctx.agentIds() });
  });

  api.post('/debates', async (req, res) => {
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
    const id = newDebateId();
    const header = createHeader({
      id,
      scenario,
      rules,
      seed: body.seed ?? newToken(),
      createdAt: Date.now(),
      seats,
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
    res.status(201).json({ id, preset: body.preset, seats: links, observerPath: `/debate/${id}/observer` });
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

  api.use((_req, _res) => {
    throw new HttpError(404, 'no such API endpoint');
  });
  return api;
}
