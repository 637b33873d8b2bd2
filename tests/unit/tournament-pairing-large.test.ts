import { describe, expect, it } from 'vitest';
import { pairByStanding, pairKey } from '../../server/src/tournament/pairing.ts';

/** 24 players named in a seeding order unrelated to their standing (rank k stands at 10k + k²/8). */
const order = Array.from({ length: 24 }, (_, i) => (i * 7) % 24);
const name = (rank: number) => `agent-${rank}`;

describe('pairing by standing at its largest size', () => {
  it('pairs 24 players exactly', () => {
    const players = order.map(name);
    const standing = new Map(order.map((rank) => [name(rank), 10 * rank + (rank * rank) / 8]));
    // Rank 0 has met ranks 1 and 3: the closest pairing left (the gaps in standing grow with rank) pairs 0–2 and 1–3, then neighbours.
    const met = new Set([pairKey(name(0), name(1)), pairKey(name(0), name(3))]);
    const chosen = pairByStanding({ players, standing, met, byes: new Map() });
    expect(chosen.bye).toBeNull();
    const expected = [[0, 2], [1, 3], ...Array.from({ length: 10 }, (_, k) => [2 * k + 4, 2 * k + 5])];
    expect(chosen.pairs.map((p) => [...p].sort().join('-')).sort()).toEqual(expected.map(([a, b]) => [name(a as number), name(b as number)].sort().join('-')).sort());
  });
});
