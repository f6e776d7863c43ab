/**
 * A recorded price-polling workload: users each polling their own watchlist
 * on a fixed period, staggered within it, and a scanner reading a wide list
 * on a longer period. Watchlists overlap the way real ones do: symbols are
 * drawn without replacement with Zipf weights over the listing order (majors
 * first), so popular pairs are on most lists and the tail on few. Seeded.
 */
import { rng } from './order-inputs.js';

export interface Poll {
  /** Milliseconds from the start of the workload. */
  at: number;
  symbols: readonly string[];
  scanner: boolean;
}

export interface WorkloadSpec {
  users: number;
  perUser: number;
  userPeriodMs: number;
  scannerSymbols: number;
  scannerPeriodMs: number;
  durationMs: number;
  /** Zipf exponent of symbol popularity. */
  skew: number;
  seed: number;
}

/** `k` of `items` without replacement, item i weighted `weight(i)` (Efraimidis–Spirakis). */
function weightedSample(
  items: readonly string[],
  k: number,
  weight: (i: number) => number,
  random: () => number,
): string[] {
  return items
    .map((s, i) => ({ s, key: Math.log(1 - random()) / weight(i) }))
    .sort((a, b) => b.key - a.key)
    .slice(0, k)
    .map((x) => x.s);
}

/** Every poll of the workload over `symbols`, in time order. */
export function pollWorkload(symbols: readonly string[], w: WorkloadSpec): Poll[] {
  const random = rng(w.seed);
  const polls: Poll[] = [];
  const jitterMs = 100;
  for (let u = 0; u < w.users; u++) {
    const list = weightedSample(symbols, w.perUser, (i) => (i + 1) ** -w.skew, random);
    const offset = Math.floor(random() * (w.userPeriodMs - jitterMs));
    for (let t = offset; t < w.durationMs; t += w.userPeriodMs)
      polls.push({ at: t + Math.floor(random() * jitterMs), symbols: list, scanner: false });
  }
  const wide = weightedSample(symbols, w.scannerSymbols, () => 1, random);
  for (let t = Math.floor(random() * w.scannerPeriodMs); t < w.durationMs; t += w.scannerPeriodMs)
    polls.push({ at: t, symbols: wide, scanner: true });
  return polls.sort((a, b) => a.at - b.at);
}
