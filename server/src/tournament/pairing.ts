/**
 * Tournament pairings, pure: round-robin by the circle method, and pairings by standing
 * (Swiss: match points; power-paired: ratings) that avoid rematches whenever a pairing
 * without one exists. A bye goes to one player when their number is odd.
 */

export type Pair = readonly [string, string];

export interface RoundPairing {
  pairs: Pair[];
  /** The player who sits this round out (odd numbers of players), else null. */
  bye: string | null;
}

/** The key of an unordered pair. */
export const pairKey = (a: string, b: string): string => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

/**
 * Every round of a round-robin (the circle method): each pair of players meets exactly
 * once, each player at most once a round; n − 1 rounds for an even n, n for an odd n (one
 * bye a round, each player's once).
 */
export function roundRobin(players: readonly string[]): RoundPairing[] {
  const ring: (string | null)[] = [...players];
  if (ring.length % 2 === 1) ring.push(null);
  const n = ring.length;
  const rounds: RoundPairing[] = [];
  for (let r = 0; r < n - 1; r++) {
    const pairs: Pair[] = [];
    let bye: string | null = null;
    for (let i = 0; i < n / 2; i++) {
      const a = ring[i] ?? null;
      const b = ring[n - 1 - i] ?? null;
      if (a === null || b === null) bye = a ?? b;
      else pairs.push(r % 2 === 0 ? [a, b] : [b, a]);
    }
    rounds.push({ pairs, bye });
    // Keep the first player fixed and rotate the rest by one.
    ring.splice(1, 0, ring.pop() as string | null);
  }
  return rounds;
}

/** What a pairing by standing knows of the tournament so far. */
export interface Standings {
  /** The players, in seeding order (ties are broken by it). */
  players: readonly string[];
  /** Each player's standing: match points (Swiss) or rating (power pairing); higher is better. */
  standing: ReadonlyMap<string, number>;
  /** Pairs that have met (pairKey). */
  met: ReadonlySet<string>;
  /** Byes each player has had. */
  byes: ReadonlyMap<string, number>;
}

/*
 * What pairing a set of players costs, compared term by term in this order: second byes
 * (a bye is a round not played), then rematches, then the total gap in standing between
 * paired players, then how far above the lowest standing the player given the bye stands
 * (among equally close pairings the bye goes to the lowest standing). The terms are kept
 * apart rather than weighted into one sum, where a small one is lost in the rounding of a
 * large one.
 */

/** Sums of standings are floats: values this close are the same. */
const same = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * Pairs the players so that, first, no player gets a second bye while another has had
 * none, then as few pairs as possible are rematches, and then the total gap in standing
 * between paired players is the smallest possible. Exact (dynamic programming over the
 * subsets of players, up to 24 players); ties go to the earlier players in seeding order.
 * With an odd number of players the bye goes, among those with the fewest byes, to whoever
 * leaves the closest pairs, and among those to the lowest standing.
 *
 * Memory: only subsets of an even number of players are paired, and such a subset is known
 * by all its players but the first (whose presence its parity decides), so the tables hold
 * 2^(n−1) entries. Of the four terms only the rematches and the gap are sums over pairs;
 * the bye terms are those of the one player given the bye, so an entry keeps who that is
 * (a byte) instead of the terms: 11 bytes a subset (a rematch count, a gap, the partner of
 * the first player, the bye), 88 MiB at 24 players.
 */
export function pairByStanding(s: Standings): RoundPairing {
  const players = [...s.players];
  const m = players.length;
  const odd = m % 2 === 1;
  const n = m + (odd ? 1 : 0);
  if (n > 24) throw new Error(`pairing by standing is for at most 24 players (${m} given)`);
  const value = (i: number) => s.standing.get(players[i] as string) ?? 0;
  const lowest = Math.min(...players.map((_, i) => value(i)));
  // The bye terms of each player: their byes so far, and how far above the lowest they stand.
  const byes = Float64Array.from(players, (p) => s.byes.get(p) ?? 0);
  const above = Float64Array.from(players, (_, i) => value(i) - lowest);
  // The pair terms of i with j (j === m is the bye, which costs neither).
  const rematch = new Uint8Array(n * n);
  const gapOf = new Float64Array(n * n);
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      rematch[i * n + j] = s.met.has(pairKey(players[i] as string, players[j] as string)) ? 1 : 0;
      gapOf[i * n + j] = Math.abs(value(i) - value(j));
    }
  }
  const full = (1 << n) - 1;
  const size = n > 0 ? 1 << (n - 1) : 1;
  // At entry mask >>> 1, for the least cost of pairing the players in `mask` (the lowest one pairs first):
  const rematches = new Uint8Array(size); // at most n / 2 = 12
  const gap = new Float64Array(size);
  const choice = new Int8Array(size).fill(-1); // the first player's partner
  const byeOf = new Int8Array(size).fill(-1); // the player given the bye, −1 for none
  for (let mask = 1; mask <= full; mask++) {
    if (popcount(mask) % 2 === 1) continue;
    const i = 31 - Math.clz32(mask & -mask);
    const rest = mask & ~(1 << i);
    let bestBye = -1;
    let bestRematches = 0;
    let bestGap = 0;
    let bestJ = -1;
    for (let left = rest; left; left &= left - 1) {
      const j = 31 - Math.clz32(left & -left);
      const from = (rest & ~(1 << j)) >>> 1;
      const bye = j === m ? i : (byeOf[from] as number);
      const r = (rematches[from] as number) + (rematch[i * n + j] as number);
      const g = (gap[from] as number) + (gapOf[i * n + j] as number);
      if (bestJ !== -1) {
        // Term by term: second byes, rematches, gap, the bye's standing (subsets with the bye slot all give one).
        const byeNow = bye === -1 ? 0 : (byes[bye] as number);
        const byeBest = bestBye === -1 ? 0 : (byes[bestBye] as number);
        if (!same(byeNow, byeBest)) {
          if (byeNow > byeBest) continue;
        } else if (r !== bestRematches) {
          if (r > bestRematches) continue;
        } else if (!same(g, bestGap)) {
          if (g > bestGap) continue;
        } else {
          const aboveNow = bye === -1 ? 0 : (above[bye] as number);
          const aboveBest = bestBye === -1 ? 0 : (above[bestBye] as number);
          if (same(aboveNow, aboveBest) || aboveNow > aboveBest) continue;
        }
      }
      bestBye = bye;
      bestRematches = r;
      bestGap = g;
      bestJ = j;
    }
    const at = mask >>> 1;
    rematches[at] = bestRematches;
    gap[at] = bestGap;
    choice[at] = bestJ;
    byeOf[at] = bestBye;
  }
  const pairs: Pair[] = [];
  let bye: string | null = null;
  for (let mask = full; mask; ) {
    const i = 31 - Math.clz32(mask & -mask);
    const j = choice[mask >>> 1] as number;
    if (j === m) bye = players[i] as string;
    else pairs.push([players[i] as string, players[j] as string]);
    mask &= ~((1 << i) | (1 << j));
  }
  return { pairs, bye };
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
