/**
 * Study routes. Participants (their study token, from the study link's entry) get only
 * their own place in the study: consent, instructions, the current item's judge seat, the
 * end code. Researchers (the researcher token) launch and steer studies, watch progress
 * and download exports.
 */
import express, { type Request, type Response, type Router } from 'express';
import MarkdownIt from 'markdown-it';
import { z } from 'zod';
import type { Store } from '../store/store.ts';
import { csvOf } from '../report/csv.ts';
import { approvalRows, bonusesDue, bonusRows } from '../studies/bonuses.ts';
import { studyData, studyJudgementsCsv, studySpecJson, studyTranscriptsJsonl, studyTurnsCsv } from '../studies/exports.ts';
import { studyProgress } from '../studies/progress.ts';
import { StudyError, type StudyService } from '../studies/service.ts';
import { parseSpec, redirectFor, SpecError, StudySpec } from '../studies/spec.ts';
import { requestToken, requireResearcher, requireResearcherOrTicket, studyTicket } from './access.ts';
import { HttpError, parseOr400 } from './errors.ts';

// Raw HTML in the researcher's Markdown is shown as text, never run.
const markdown = new MarkdownIt({ html: false, linkify: false });

const PanelId = z.string().trim().min(1).max(200);
const Entry = z
  .object({
    PROLIFIC_PID: PanelId.optional(),
    STUDY_ID: PanelId.optional(),
    SESSION_ID: PanelId.optional(),
    pid: PanelId.optional(),
    /** The debater link says role=debater (recruited debaters); judges otherwise. */
    role: z.enum(['judge', 'debater']).optional(),
  })
  .refine((e) => e.PROLIFIC_PID || e.pid, { message: 'the study link needs the panel id (PROLIFIC_PID, or pid for other panels)' });
const Launch = z.union([z.object({ spec: z.unknown() }).strict(), z.object({ text: z.string().max(200_000) }).strict()]);
const Consent = z.object({ agree: z.boolean() }).strict();
const Paid = z.object({ batch: z.string().trim().min(1).max(100) }).strict();
const EXPORTS = ['judgements.csv', 'turns.csv', 'transcripts.jsonl', 'spec.json', 'bonuses.csv', 'approvals.csv', 'ledger.csv'] as const;

/** Turns study refusals and spec errors into HTTP errors. */
async function handle(res: Response, work: () => Promise<unknown>): Promise<void> {
  try {
    const body = await work();
    if (body !== undefined) res.json(body);
  } catch (err) {
    if (err instanceof StudyError) throw new HttpError(err.status, err.message);
    if (err instanceof SpecError) throw new HttpError(400, err.message);
    throw err;
  }
}

export function studiesRouter(ctx: { store: Store; researcherToken: string }, studies: StudyService): Router {
  const api = express.Router();
  const token = (req: Request): string => {
    const t = requestToken(req);
    if (!t) throw new HttpError(401, 'open the study from your panel link');
    return t;
  };

  /** What the participant's page shows now: one stage, nothing else. */
  async function page(studyId: string, t: string) {
    await studies.sweepOne(studyId);
    const p = await studies.participantFor(studyId, t);
    if (p.stage !== 'done') await studies.seen(p);
    const { row } = await studies.get(studyId);
    const base = { study: { id: row.id, title: row.spec.title }, stage: p.stage };
    if (p.stage === 'consent') return { ...base, consentHtml: markdown.render(row.spec.consent) };
    if (p.stage === 'instructions') {
      const text = p.role === 'debater' ? (row.spec.humanDebaters?.instructions ?? row.spec.instructions) : row.spec.instructions;
      return { ...base, role: p.role, instructionsHtml: markdown.render(text) };
    }
    if (p.stage === 'lobby' || p.stage === 'items') {
      const current = await studies.currentItem(studyId, t);
      const now = await studies.participantFor(studyId, t);
      if (now.stage === 'done') return page(studyId, t);
      if (now.stage === 'lobby' || !current) {
        // A recruited debater waiting for a judge: they may leave at any time.
        return { ...base, stage: now.stage, role: p.role, lobby: { waitingSince: now.waitingSince, canLeave: now.stage === 'lobby' } };
      }
      const { item, token: seatToken, seat, total, waitingSince } = current;
      const lobbySeconds = row.spec.humanDebaters?.lobbySeconds ?? 0;
      return {
        ...base,
        stage: now.stage,
        role: p.role,
        item: { position: item.position + 1, total, kind: item.kind, status: item.status, debateId: item.debateId, token: seatToken, seat },
        ...(waitingSince !== null ? { lobby: { waitingSince, waitSeconds: lobbySeconds, canLeave: false } } : {}),
      };
    }
    const end = await studies.endOf(studyId, p);
    return { ...base, end: end && { outcome: end.outcome, code: end.code, redirect: redirectFor(row.spec, end.code) } };
  }

  // ---- participants ----
  api.post('/studies/:id/enter', async (req, res) => {
    const e = parseOr400(Entry, req.body ?? {}, 'study link');
    await handle(res, () => studies.enter(req.params.id, { pid: (e.PROLIFIC_PID ?? e.pid) as string, study: e.STUDY_ID ?? null, session: e.SESSION_ID ?? null, role: e.role ?? 'judge' }));
  });
  api.get('/studies/:id/me', async (req, res) => {
    await handle(res, () => page(req.params.id, token(req)));
  });
  api.post('/studies/:id/me/consent', async (req, res) => {
    const { agree } = parseOr400(Consent, req.body ?? {}, 'consent');
    await handle(res, async () => {
      await studies.consent(req.params.id, token(req), agree);
      return page(req.params.id, token(req));
    });
  });
  api.post('/studies/:id/me/start', async (req, res) => {
    await handle(res, async () => {
      await studies.startItems(req.params.id, token(req));
      return page(req.params.id, token(req));
    });
  });
  api.post('/studies/:id/me/next', async (req, res) => {
    await handle(res, async () => {
      await studies.next(req.params.id, token(req));
      return page(req.params.id, token(req));
    });
  });
  api.post('/studies/:id/me/leave', async (req, res) => {
    await handle(res, async () => {
      await studies.leaveLobby(req.params.id, token(req));
      return page(req.params.id, token(req));
    });
  });

  // ---- researchers ----
  api.get('/studies', async (req, res) => {
    requireResearcher(req, ctx);
    const rows = await studies.db.list();
    res.json({ studies: rows.map((r) => ({ id: r.id, title: r.spec.title, status: r.status, specHash: r.specHash, createdAt: r.createdAt })) });
  });
  api.post('/studies', async (req, res) => {
    requireResearcher(req, ctx);
    const body = parseOr400(Launch, req.body ?? {}, 'launch request');
    await handle(res, async () => {
      const spec = 'text' in body ? parseSpec(body.text, 'the spec') : parseOr400(StudySpec, body.spec, 'spec');
      const launched = await studies.launch(spec);
      res.status(201);
      const link = `/s/${launched.id}?PROLIFIC_PID={{%PROLIFIC_PID%}}&STUDY_ID={{%STUDY_ID%}}&SESSION_ID={{%SESSION_ID%}}`;
      return { ...launched, link, ...(spec.humanDebaters ? { debaterLink: `${link}&role=debater` } : {}) };
    });
  });
  for (const action of ['pause', 'resume', 'close'] as const) {
    api.post(`/studies/:id/${action}`, async (req, res) => {
      requireResearcher(req, ctx);
      await handle(res, async () => ({ status: await studies.setStatus(req.params.id, action) }));
    });
  }
  const progressOf = async (id: string) => {
    const { row } = await studies.get(id);
    const [participants, slots, items] = await Promise.all([studies.db.participants(id), studies.db.slots(id), studies.db.items(id)]);
    return studyProgress(ctx.store, row, participants, slots, items);
  };
  api.get('/studies/:id/progress', async (req, res) => {
    requireResearcher(req, ctx);
    await handle(res, () => progressOf(req.params.id));
  });
  /** A short-lived ticket for the event stream and the downloads, which a browser opens without headers. */
  api.post('/studies/:id/ticket', async (req, res) => {
    requireResearcher(req, ctx);
    await handle(res, async () => {
      await studies.get(req.params.id);
      return studyTicket(ctx, req.params.id);
    });
  });
  /** Live progress: a server-sent event whenever the study changes (at most twice a second). */
  api.get('/studies/:id/events', async (req, res) => {
    requireResearcherOrTicket(req, ctx, req.params.id);
    await studies.get(req.params.id).catch((err) => {
      throw err instanceof StudyError ? new HttpError(err.status, err.message) : err;
    });
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    let timer: NodeJS.Timeout | undefined;
    const push = () => {
      timer ??= setTimeout(async () => {
        timer = undefined;
        const progress = await progressOf(req.params.id).catch(() => null);
        if (progress) res.write(`event: progress\ndata: ${JSON.stringify(progress)}\n\n`);
      }, 500);
    };
    const off = studies.onChange((id) => id === req.params.id && push());
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    push();
    req.on('close', () => {
      off();
      clearInterval(ping);
      clearTimeout(timer);
    });
  });
  api.get('/studies/:id/participants/:participant', async (req, res) => {
    requireResearcher(req, ctx);
    await handle(res, async () => {
      const p = await studies.db.participant(req.params.id, req.params.participant);
      if (!p) throw new HttpError(404, `no participant "${req.params.participant}" in study "${req.params.id}"`);
      const { token: _secret, ...rest } = p;
      return { participant: rest, items: await studies.db.items(req.params.id, p.participant) };
    });
  });
  api.get('/studies/:id/export/:file', async (req, res) => {
    requireResearcherOrTicket(req, ctx, req.params.id);
    const file = req.params.file as (typeof EXPORTS)[number];
    if (!EXPORTS.includes(file)) throw new HttpError(404, `no export "${file}"; there are ${EXPORTS.join(', ')}`);
    await handle(res, async () => {
      const { row } = await studies.get(req.params.id);
      const participants = await studies.db.participants(row.id);
      const data = await studyData(ctx.store, row.id);
      let body: string;
      if (file === 'judgements.csv') body = studyJudgementsCsv(row, data, participants);
      else if (file === 'turns.csv') body = studyTurnsCsv(row, data, participants);
      else if (file === 'transcripts.jsonl') body = studyTranscriptsJsonl(data);
      else if (file === 'spec.json') body = studySpecJson(row);
      else {
        const panel = await studies.db.panelIds(row.id);
        const ledger = await studies.db.ledger(row.id);
        if (file === 'bonuses.csv') body = csvOf(['participant_id', 'amount'], bonusRows(bonusesDue(row.spec, data, participants), panel, new Set(ledger.map((l) => l.participant))));
        else if (file === 'approvals.csv') body = csvOf(['participant_id', 'session_id', 'pseudonym', 'outcome', 'decision', 'flags'], approvalRows(participants, panel));
        else body = csvOf(['participant_id', 'pseudonym', 'amount', 'batch', 'paid_at'], ledger.map((l) => ({ participant_id: panel.get(l.participant)?.pid ?? '', pseudonym: l.participant, amount: l.amount.toFixed(2), batch: l.batch, paid_at: new Date(l.paidAt).toISOString() })));
      }
      res.type(file.endsWith('.csv') ? 'text/csv' : file.endsWith('.json') ? 'application/json' : 'application/x-ndjson');
      res.setHeader('content-disposition', `attachment; filename="${row.id}-${file}"`);
      res.send(body);
    });
  });
  /** Marks every bonus now due as paid in one batch: it is in the ledger and leaves bonuses.csv. */
  api.post('/studies/:id/bonuses/paid', async (req, res) => {
    requireResearcher(req, ctx);
    const { batch } = parseOr400(Paid, req.body ?? {}, 'payment');
    await handle(res, async () => {
      const { row } = await studies.get(req.params.id);
      const participants = await studies.db.participants(row.id);
      const due = bonusesDue(row.spec, await studyData(ctx.store, row.id), participants).filter((b) => b.amount > 0);
      const recorded = await studies.db.recordPaid(row.id, batch, due);
      return { batch, recorded: recorded.length, amount: due.filter((b) => recorded.includes(b.participant)).reduce((s, b) => s + b.amount, 0) };
    });
  });
  return api;
}
