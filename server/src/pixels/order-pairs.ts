/**
 * The pixel experiment's two move orders compared on the same images: per (k, precommit),
 * each image is debated honest-first and liar-first, so the orders' accuracies differ by a
 * paired difference. Reported with the 2 × 2 table of per-image outcomes, McNemar's exact
 * test and a paired bootstrap interval over images. Pure.
 */
import { mcnemarExact, mcnemarInterval, pairedBootstrap } from '@arena/shared';

/** Below this many discordant images the interval is the exact one that goes with McNemar's test, not the bootstrap. */
export const FEW_DISCORDANT = 25;

/** One image's outcome under both move orders (null when that order was not run). */
export interface ImageOutcome {
  k: number;
  precommit: boolean;
  digitId: number;
  honestFirst: boolean | null;
  liarFirst: boolean | null;
}

export interface OrderComparison {
  k: number;
  precommit: boolean;
  /** Images debated under both orders. */
  images: number;
  /** Honest debater won under both / honest-first only / liar-first only / neither. */
  both: number;
  honestFirstOnly: number;
  liarFirstOnly: number;
  neither: number;
  /** Accuracy honest-first − liar-first over the paired images. */
  difference: number;
  /** 95% interval: exact (McNemar's, Clopper–Pearson on the discordant images) when they are fewer than 25, else paired bootstrap over images (10,000 resamples, seeded). */
  low: number;
  high: number;
  interval: 'exact' | 'paired bootstrap';
  /** The paired bootstrap interval over images (10,000 resamples, seeded), whichever is reported. */
  bootstrap: { low: number; high: number };
  /** McNemar's exact two-sided p-value on the discordant images. */
  mcnemarP: number;
}

/** Compares the two orders per (k, precommit) over the images run under both. */
export function compareOrders(images: readonly ImageOutcome[], seed = 'pixels-orders'): OrderComparison[] {
  const groups = new Map<string, ImageOutcome[]>();
  for (const im of images) {
    if (im.honestFirst === null || im.liarFirst === null) continue;
    const key = `${im.k}/${im.precommit}`;
    groups.set(key, [...(groups.get(key) ?? []), im]);
  }
  const out: OrderComparison[] = [];
  for (const items of groups.values()) {
    const first = items[0] as ImageOutcome;
    const count = (hf: boolean, lf: boolean) => items.filter((i) => i.honestFirst === hf && i.liarFirst === lf).length;
    const honestFirstOnly = count(true, false);
    const liarFirstOnly = count(false, true);
    const boot = pairedBootstrap(
      items.map((i) => ({ key: String(i.digitId).padStart(8, '0'), a: i.honestFirst ? 1 : 0, b: i.liarFirst ? 1 : 0 })),
      { seed: `${seed}/k${first.k}/${first.precommit ? 'pre' : 'nopre'}` },
    );
    out.push({
      k: first.k,
      precommit: first.precommit,
      images: items.length,
      both: count(true, true),
      honestFirstOnly,
      liarFirstOnly,
      neither: count(false, false),
      difference: boot.difference,
      ...(honestFirstOnly + liarFirstOnly < FEW_DISCORDANT
        ? { ...mcnemarInterval(honestFirstOnly, liarFirstOnly, items.length), interval: 'exact' as const }
        : { low: boot.low, high: boot.high, interval: 'paired bootstrap' as const }),
      bootstrap: { low: boot.low, high: boot.high },
      mcnemarP: mcnemarExact(honestFirstOnly, liarFirstOnly).p,
    });
  }
  return out.sort((a, b) => a.k - b.k || Number(b.precommit) - Number(a.precommit));
}
