/**
 * A seat link's page carries its room's seat reservation (server/src/http/seat-page.ts),
 * through the real server: the reservation in the page is one the room SDK consumes as it
 * would the matchmaking answer, deciding nothing (the join still checks the token); links
 * without their token, unknown debates and addresses at their limit get the plain page.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_MESSAGE } from '@arena/shared';
import { RESERVATION_ELEMENT, seatLinkOptions, withReservation } from '../../server/src/http/seat-page.ts';
import { startArena, type TestArena } from '../helpers/arena.ts';

const PAGE = '<!doctype html>\n<html lang="en">\n  <head>\n    <script>/* the page script */</script>\n  </head>\n  <body><div id="root"></div></body>\n</html>\n';
let t: TestArena;

beforeAll(async () => {
  const clientDir = mkdtempSync(join(tmpdir(), 'arena-seat-page-'));
  writeFileSync(join(clientDir, 'index.html'), PAGE);
  t = await startArena({ env: { ARENA_CLIENT_DIR: clientDir } });
});
afterAll(async () => t?.close());

/** The page at `path` and the reservation in it, if any. */
async function page(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${t.http}${path}`, { headers });
  const html = await res.text();
  const m = new RegExp(`<script type="application/json" id="${RESERVATION_ELEMENT}">(.*?)</script>`).exec(html);
  return { status: res.status, headers: res.headers, html, reservation: m ? (JSON.parse(m[1]!) as Record<string, unknown>) : null };
}

describe("a seat link's page", () => {
  it('carries a reservation the room SDK consumes for that seat, in a page no cache keeps', async () => {
    const created = await t.createDebate({ scenarioId: 'the-lantern-room', preset: 'debate', seats: { A: { kind: 'agent', agent: 'builtin:passage-debater' }, B: { kind: 'agent', agent: 'builtin:passage-debater' } } });
    const served = await page(created.seats.judge!.path!, { 'accept-encoding': 'br, gzip' });
    expect(served.status).toBe(200);
    expect(served.headers.get('cache-control')).toBe('no-store');
    expect(served.headers.get('content-encoding')).toBe('br');
    expect(served.reservation).toMatchObject({ name: 'debate', roomId: expect.any(String), sessionId: expect.any(String) });
    // Before the page's own script, so that script finds it.
    expect(served.html.indexOf(RESERVATION_ELEMENT)).toBeLessThan(served.html.indexOf('the page script'));
    const room = await new Client(`ws://127.0.0.1:${t.port}`).consumeSeatReservation(served.reservation as never);
    const welcome = await new Promise<{ seat: string; debateId: string }>((resolve) => room.onMessage(SERVER_MESSAGE.welcome, resolve));
    expect(welcome).toMatchObject({ seat: 'judge', debateId: created.id });
    await room.leave(true);
  });

  it('decides nothing: with a wrong token for a public debate the join is refused when the socket joins', async () => {
    const created = await t.createDebate({ scenarioId: 'the-lantern-room', preset: 'debate' });
    const served = await page(`/debate/${created.id}/judge?token=not-the-token`);
    expect(served.reservation).not.toBeNull();
    const joined = new Client(`ws://127.0.0.1:${t.port}`).consumeSeatReservation(served.reservation as never);
    await expect(joined).rejects.toMatchObject({ message: expect.stringMatching(/the link for seat judge is not valid/) });
  });

  it('is the plain page without the token in the link, for an unknown debate, and for another path', async () => {
    const created = await t.createDebate({ scenarioId: 'the-lantern-room', preset: 'debate' });
    for (const path of [`/debate/${created.id}/judge`, '/debate/no-such-debate/judge?token=x', '/results', '/']) {
      const served = await page(path);
      expect(served.status, path).toBe(200);
      expect(served.reservation, path).toBeNull();
      expect(served.headers.get('cache-control'), path).toBe('no-cache');
    }
    // An observer's link needs no token: a public debate's observer page has its reservation.
    expect((await page(`/debate/${created.id}`)).reservation).not.toBeNull();
  });

  it('is the plain page for a private debate to a stranger, as for one that does not exist; its own links get their reservation', async () => {
    const hidden = await t.createDebate({ scenarioId: 'the-lantern-room', preset: 'debate', visibility: 'private' });
    const judge = hidden.seats.judge!.token!;
    const stranger = [`/debate/${hidden.id}`, `/debate/${hidden.id}/judge?token=not-a-token-of-it`];
    const missing = ['/debate/no-such-debate', '/debate/no-such-debate/judge?token=not-a-token-of-it'];
    for (const path of [...stranger, ...missing]) {
      const served = await page(path);
      expect(served.reservation, path).toBeNull();
      expect(served.headers.get('cache-control'), path).toBe('no-cache');
    }
    expect((await page(stranger[0]!)).html).toBe((await page(missing[0]!)).html);
    expect((await page(`/debate/${hidden.id}/judge?token=${judge}`)).reservation).not.toBeNull();
    // Its judge's link opens its observer page too (the token is one of the debate's).
    expect((await page(`/debate/${hidden.id}?token=${judge}`)).reservation).not.toBeNull();
  });

  it('reads its options from the path and escapes what it embeds', () => {
    expect(seatLinkOptions('/debate/abc/judge', { token: 'tok' })).toMatchObject({ debateId: 'abc', seat: 'judge', token: 'tok' });
    expect(seatLinkOptions('/debate/abc', {})).toMatchObject({ debateId: 'abc', seat: 'observer' });
    expect(seatLinkOptions('/debate/abc/A', {})).toBeNull();
    expect(seatLinkOptions('/debate/abc/A', { token: ['a', 'b'] })).toBeNull();
    expect(seatLinkOptions('/debate/%E0%A4%A/A', { token: 't' })).toBeNull();
    expect(seatLinkOptions('/results', {})).toBeNull();
    const html = withReservation(PAGE, { roomId: '</script><script>alert(1)</script>' });
    expect(html).not.toContain('</script><script>alert');
    expect(JSON.parse(/id="arena-reservation">(.*?)<\/script>/.exec(html)![1]!)).toEqual({ roomId: '</script><script>alert(1)</script>' });
  });
});
