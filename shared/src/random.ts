/**
 * Seeded randomness for the engine. The engine never calls Math.random(): every random
 * choice (answer order, who argues what, who speaks first) comes from the debate's seed,
 * so a transcript replays to the same state anywhere.
 */

/** 32-bit FNV-1a hash of a string; turns any seed string into PRNG state. */
function hash32(text: string, salt: number): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export type Rng = () => number;

/** A small fast PRNG (sfc32) seeded from a string. Returns floats in [0, 1). */
export function rngFromSeed(seed: string): Rng {
  let a = hash32(seed, 1), b = hash32(seed, 2), c = hash32(seed, 3), d = hash32(seed, 4);
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const r = (t + d) | 0;
    c = (c + r) | 0;
    return (r >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** Fisher–Yates shuffle into a new array. */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** A random integer in [0, n). */
export function randomInt(n: number, rng: Rng): number {
  return Math.floor(rng() * n);
}
