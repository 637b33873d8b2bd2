import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import type { Request, Response } from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION } from '@arena/shared';
import { errorHandler } from '../../server/src/http/errors.ts';
import { inlineScriptHashes } from '../../server/src/http/security.ts';
import { RESEARCHER_TOKEN, startArena, type TestArena } from '../helpers/arena.ts';

const EVIL = 'https://evil.example';
const STUDY = 'https://study.example.org';

async function raw(t: TestArena, path: string, init: RequestInit = {}) {
  const res = await fetch(`${t.http}${path}`, init);
  await res.arrayBuffer();
  return res;
}

/** The matchmaking request a Colyseus client makes before opening its WebSocket. */
const matchmake = (t: TestArena, origin: string, debateId: string) =>
  raw(t, '/matchmake/joinOrCreate/debate', {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ debateId, seat: 'observer', protocol: PROTOCOL_VERSION }),
  });

describe('same-origin by default', () => {
  let t: TestArena;
  let debateId: string;
  beforeAll(async () => {
    t = await startArena();
    debateId = (await t.createDebate({ scenarioId: 'the-lantern-room' })).id;
  });
  afterAll(() => t.close());

  it('sends security headers on the API and the pages', async () => {
    for (const path of ['/api/health', '/', '/debate/x/A', '/api/nothing-here']) {
      const res = await raw(t, path);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toMatch(/default-src 'self'/);
      expect(csp, path).toMatch(/script-src 'self'/);
      expect(csp, path).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(csp, path).toMatch(/frame-ancestors 'none'/);
      expect(csp, path).toMatch(/object-src 'none'/);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('x-powered-by'), path).toBeNull();
    }
  });

  it('gives no CORS permission to another origin, on the API or the matchmaker', async () => {
    const api = await raw(t, '/api/debates', { headers: { origin: EVIL } });
    expect(api.status).toBe(200);
    expect(api.headers.get('access-control-allow-origin')).toBeNull();
    expect(api.headers.get('access-control-allow-credentials')).toBeNull();
    const preflight = await raw(t, '/api/debates', { method: 'OPTIONS', headers: { origin: EVIL, 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const mmPreflight = await raw(t, '/matchmake/joinOrCreate/debate', { method: 'OPTIONS', headers: { origin: EVIL, 'access-control-request-method': 'POST' } });
    expect(mmPreflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(mmPreflight.headers.get('access-control-allow-credentials')).toBeNull();
    const mm = await matchmake(t, EVIL, debateId);
    expect(mm.headers.get('access-control-allow-origin')).toBeNull();
    expect(mm.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('marks API answers, token-bearing ones above all, as not to be stored', async () => {
    const created = await t.api('/api/debates', { method: 'POST', json: { scenarioId: 'the-lantern-room' } });
    expect(created.status).toBe(201);
    const res = await fetch(`${t.http}/api/debates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scenarioId: 'the-lantern-room' }) });
    const body = (await res.json()) as { id: string; seats: Record<string, { token: string }> };
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const view = await raw(t, `/api/debates/${body.id}/view?seat=A`, { headers: { authorization: `Bearer ${body.seats.A!.token}` } });
    expect(view.status).toBe(200);
    expect(view.headers.get('cache-control')).toBe('no-store');
    for (const path of ['/api/debates', `/api/debates/${body.id}`, '/api/results', '/api/nothing-here']) {
      expect((await raw(t, path)).headers.get('cache-control'), path).toBe('no-store');
    }
  });

  it('reads tokens from the Authorization header only, never the query string', async () => {
    const inQuery = await t.api(`/api/export.jsonl?token=${RESEARCHER_TOKEN}`);
    expect(inQuery.status).toBe(401);
    expect(inQuery.body.error).toMatch(/Authorization header/);
    expect((await t.api('/api/export.jsonl', { token: RESEARCHER_TOKEN })).status).toBe(200);
    const created = await t.createDebate({ scenarioId: 'the-lantern-room' });
    const seatToken = created.seats.A!.token!;
    expect((await t.api(`/api/debates/${created.id}/view?seat=A&token=${seatToken}`)).status).toBe(403);
    expect((await t.api(`/api/debates/${created.id}/view?seat=A`, { token: seatToken })).status).toBe(200);
  });
});

describe('an allow-list of origins (ARENA_ALLOWED_ORIGINS)', () => {
  let t: TestArena;
  beforeAll(async () => {
    t = await startArena({ env: { ARENA_ALLOWED_ORIGINS: `${STUDY}, https://other.example.org` } });
  });
  afterAll(() => t.close());

  it('lets listed origins call the API and the matchmaker, without credentials, and no one else', async () => {
    const { id } = await t.createDebate({ scenarioId: 'the-lantern-room' });
    const api = await raw(t, '/api/health', { headers: { origin: STUDY } });
    expect(api.headers.get('access-control-allow-origin')).toBe(STUDY);
    expect(api.headers.get('vary')).toMatch(/origin/i);
    expect(api.headers.get('access-control-allow-credentials')).toBeNull();
    const preflight = await raw(t, '/matchmake/joinOrCreate/debate', { method: 'OPTIONS', headers: { origin: STUDY, 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(STUDY);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/content-type/i);
    const mm = await matchmake(t, STUDY, id);
    expect(mm.status).toBe(200);
    expect(mm.headers.get('access-control-allow-origin')).toBe(STUDY);
    expect((await matchmake(t, EVIL, id)).headers.get('access-control-allow-origin')).toBeNull();
    expect((await raw(t, '/api/health', { headers: { origin: EVIL } })).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the CSP allows exactly the built page’s inline script', () => {
  it('hashes each inline script of index.html and no external one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'arena-csp-'));
    const script = "if(location.pathname.startsWith('/debate/'))console.log(1)";
    writeFileSync(join(dir, 'index.html'), `<html><head><script type="module" src="/assets/a.js"></script>\n<script>${script}</script></head><body></body></html>`);
    const expected = `'sha256-${createHash('sha256').update(script).digest('base64')}'`;
    expect(inlineScriptHashes(join(dir, 'index.html'))).toEqual([expected]);
    expect(inlineScriptHashes(join(dir, 'missing.html'))).toEqual([]);
  });
});

describe('logs', () => {
  it('name no token when a request fails', () => {
    // A database error carries the query and its parameters: here, a seat token.
    const seatToken = 'Zk3Jq8Vt0pLm2Nx4Rb6Yc9Wd';
    const err = Object.assign(new Error('duplicate key value violates unique constraint'), {
      query: 'INSERT INTO seat_tokens (debate_id, seat, token) VALUES ($1, $2, $3)',
      params: ['abc', 'A', seatToken],
    });
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void lines.push(a.map((x) => (typeof x === 'string' ? x : inspect(x))).join(' ')));
    let status = 0;
    const res = { status: (s: number) => ((status = s), res), json: () => res } as unknown as Response;
    try {
      errorHandler(err, { method: 'GET', originalUrl: `/api/debates/abc/view?seat=A&token=${RESEARCHER_TOKEN}`, url: '/x' } as Request, res, () => {});
    } finally {
      spy.mockRestore();
    }
    expect(status).toBe(500);
    const logged = lines.join('\n');
    expect(logged).toContain('duplicate key value');
    expect(logged).not.toContain(seatToken);
    expect(logged).not.toContain(RESEARCHER_TOKEN);
  });
});

describe('guessing tokens', () => {
  it('slows an address whose requests with a token are refused again and again, and not the others', async () => {
    const t = await startArena({ env: { ARENA_TOKEN_FAILURES_PER_MINUTE: '5' } });
    try {
      const guess = (i: number) => t.api('/api/export.jsonl', { token: `guess-${i}-0123456789abcdef` });
      const statuses = [];
      for (let i = 0; i < 8; i++) statuses.push((await guess(i)).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
      const limited = await guess(99);
      expect(limited.body).toMatchObject({ code: 'rate-limited', retryAfterSeconds: expect.any(Number) });
      expect(limited.body.error).toMatch(/at most 5 requests a minute from one address with a token that is refused/);
      // Requests without a token are not held up; nor, here, is anonymous health.
      expect((await t.api('/api/scenarios')).status).toBe(200);
      expect((await t.api('/api/health')).body).toEqual({ ok: true, protocol: PROTOCOL_VERSION });
    } finally {
      await t.close();
    }
  });
});
