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

/** A cost far above any gap between standings: one more rematch (or second bye) always costs more. */
const REMATCH = 1e9;
/** A second bye costs more than any number of rematches: a bye is a round not played. */
const SECOND_BYE = 1e11;
/** Among equally close pairings, the bye goes to the lowest standing. */
const BYE_TIE_BREAK = 1e-7;

/**
 * Pairs the players so that, first, no player gets a second bye while another has had
 * none, then as few pairs as possible are rematches, and then the total gap in standing
 * between paired players is the smallest possible. Exact (dynamic programming over the
 * subsets of players, fine up to about twenty players); ties go to the earlier players in
 * seeding order. With an odd number of players the bye goes, among those with the fewest
 * byes, to whoever leaves the closest pairs, and among those to the lowest standing.
 */
export function pairByStanding(s: Standings): RoundPairing {
  const players = [...s.players];
  const odd = players.length % 2 === 1;
  const n = players.length + (odd ? 1 : 0);
  if (n > 24) throw new Error(`pairing by standing is for at most 24 players (${players.length} given)`);
  const value = (i: number) => s.standing.get(players[i] as string) ?? 0;
  const lowest = Math.min(...players.map((_, i) => value(i)));
  const cost = (i: number, j: number): number => {
    // j === players.length is the bye.
    if (j === players.length) return SECOND_BYE * (s.byes.get(players[i] as string) ?? 0) + BYE_TIE_BREAK * (value(i) - lowest);
    return (s.met.has(pairKey(players[i] as string, players[j] as string)) ? REMATCH : 0) + Math.abs(value(i) - value(j));
  };
  const full = (1 << n) - 1;
  const best = new Float64Array(1 << n).fill(Number.POSITIVE_INFINITY);
  const choice = new Int8Array(1 << n).fill(-1);
  best[0] = 0;
  // best[mask]: the least cost of pairing the players in `mask`; the lowest one pairs first.
  for (let mask = 1; mask <= full; mask++) {
    if (popcount(mask) % 2 === 1) continue;
    const i = 31 - Math.clz32(mask & -mask);
    const rest = mask & ~(1 << i);
    for (let j = i + 1; j < n; j++) {
      if (!(rest & (1 << j))) continue;
      const c = (best[rest & ~(1 << j)] as number) + cost(i, j);
      if (c < (best[mask] as number) - 1e-12) {
        best[mask] = c;
        choice[mask] = j;
      }
    }
  }
  const pairs: Pair[] = [];
  let bye: string | null = null;
  for (let mask = full; mask; ) {
    const i = 31 - Math.clz32(mask & -mask);
    const j = choice[mask] as number;
    if (j === players.length) bye = players[i] as string;
    else pairs.push([players[i] as string, players[j] as string]);
    mask &= ~((1 << i) | (1 << j));
  }
  return { pairs, bye };
}

function popcount(x: number): number {
  let c = 0;
  for (let v = x; v; v &= v - 1) c++;
  return c;
}
