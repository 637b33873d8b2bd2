/**
 * Debate ownership in Redis: one lease per process, renewed with one command however
 * many debates it serves. Two owners with short leases on a real Redis: a debate has
 * one owner at a time; a stalled owner's debates are taken over once its lease lapses,
 * and the stalled owner, renewing again, learns which it lost.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisOwnership } from '../../server/src/sessions/ownership.ts';
import { eventually, servicesFor, TEST_REDIS_URL } from '../helpers/services.ts';

const missing = await servicesFor('the ownership test');
const owners: RedisOwnership[] = [];
afterAll(async () => {
  for (const o of owners) await o.close().catch(() => {});
});

describe.skipIf(missing)('debate ownership in Redis', () => {
  it('one owner per debate; a lapsed owner loses its debates to another, and is told which', async () => {
    const lost: string[] = [];
    const a = new RedisOwnership(TEST_REDIS_URL, `a-${randomUUID()}`, 600, (id) => lost.push(id));
    const b = new RedisOwnership(TEST_REDIS_URL, `b-${randomUUID()}`, 600);
    owners.push(a, b);
    const ids = Array.from({ length: 50 }, () => `own-${randomUUID()}`);

    expect(await Promise.all(ids.map((id) => a.acquire(id)))).toEqual(ids.map(() => true));
    expect(await Promise.all(ids.map((id) => b.acquire(id)))).toEqual(ids.map(() => false));
    expect(await b.owners(ids)).toEqual(ids.map(() => a.processId));
    // A's lease is renewed while it lives: after several lease lengths B still cannot take anything.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await b.acquire(ids[0]!)).toBe(false);
    expect(lost).toEqual([]);

    // A releases one debate (it ended): B may take it at once.
    await a.release(ids[1]!);
    expect(await b.acquire(ids[1]!)).toBe(true);

    // A stalls: its process lease lapses (deleted here, as an expiry would), and B takes two of its debates.
    const redis = new Redis(TEST_REDIS_URL);
    try {
      await redis.del(`arena:process:${a.processId}`);
      expect(await b.owners([ids[2]!])).toEqual([null]);
      expect(await b.acquire(ids[2]!)).toBe(true);
      expect(await b.acquire(ids[3]!)).toBe(true);
    } finally {
      redis.disconnect();
    }
    // A renews, finds its lease gone, takes it again, and hears of exactly the two it lost.
    await eventually('the lapsed owner to hear what it lost', async () => lost.length >= 2, 5000);
    await new Promise((r) => setTimeout(r, 500));
    expect(lost.sort()).toEqual([ids[2]!, ids[3]!].sort());
    expect(await b.acquire(ids[4]!)).toBe(false);
    expect(await a.owners(ids.slice(2, 5))).toEqual([b.processId, b.processId, a.processId]);

    // A closes (a clean stop): its debates are released and B can take them.
    await a.close();
    owners.splice(owners.indexOf(a), 1);
    expect(await b.acquire(ids[10]!)).toBe(true);
  });

  it('a dead owner (no renewal) frees its debates when its lease runs out', async () => {
    const a = new RedisOwnership(TEST_REDIS_URL, `a-${randomUUID()}`, 400);
    const b = new RedisOwnership(TEST_REDIS_URL, `b-${randomUUID()}`, 400);
    owners.push(b);
    const id = `own-${randomUUID()}`;
    expect(await a.acquire(id)).toBe(true);
    // Killed: its renewal timer and connection stop without releasing anything.
    clearInterval((a as unknown as { renewal: NodeJS.Timeout }).renewal);
    (a as unknown as { redis: Redis }).redis.disconnect();
    expect(await b.acquire(id)).toBe(false);
    const started = Date.now();
    await eventually('the dead owner\'s lease to run out', () => b.acquire(id), 3000);
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
