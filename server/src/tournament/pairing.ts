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

/**
 * What pairing a set of players costs, compared term by term in this order: second byes
 * (a bye is a round not played), then rematches, then the total gap in standing between
 * paired players, then how far above the lowest standing the player given the bye stands
 * (among equally close pairings the bye goes to the lowest standing). The terms are kept
 * apart rather than weighted into one sum, where a small one is lost in the rounding of a
 * large one.
 */
const TERMS = 4;

/** Sums of standings are floats: values this close are the same. */
const same = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** Whether cost `a` is less than cost `b`, term by term (both given as their terms). */
function cheaper(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  for (let k = 0; k < TERMS; k++) {
    const x = a[k] as number;
    const y = b[k] as number;
    if (same(x, y)) continue;
    return x < y;
  }
  return false;
}

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
  /** The terms of pairing i with j into `out`; j === players.length is the bye. */
  const cost = (i: number, j: number, out: Float64Array): void => {
    if (j === players.length) {
      out[0] = s.byes.get(players[i] as string) ?? 0;
      out[1] = 0;
      out[2] = 0;
      out[3] = value(i) - lowest;
    } else {
      out[0] = 0;
      out[1] = s.met.has(pairKey(players[i] as string, players[j] as string)) ? 1 : 0;
      out[2] = Math.abs(value(i) - value(j));
      out[3] = 0;
    }
  };
  const full = (1 << n) - 1;
  // best[TERMS * mask + k]: term k of the least cost of pairing the players in `mask`; the lowest one pairs first.
  const best = new Float64Array(TERMS << n);
  const choice = new Int8Array(1 << n).fill(-1);
  const step = new Float64Array(TERMS);
  const candidate = new Float64Array(TERMS);
  for (let mask = 1; mask <= full; mask++) {
    if (popcount(mask) % 2 === 1) continue;
    const i = 31 - Math.clz32(mask & -mask);
    const rest = mask & ~(1 << i);
    const at = TERMS * mask;
    for (let j = i + 1; j < n; j++) {
      if (!(rest & (1 << j))) continue;
      const from = TERMS * (rest & ~(1 << j));
      cost(i, j, step);
      for (let k = 0; k < TERMS; k++) candidate[k] = (best[from + k] as number) + (step[k] as number);
      if (choice[mask] === -1 || cheaper(candidate, best.subarray(at, at + TERMS))) {
        best.set(candidate, at);
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
