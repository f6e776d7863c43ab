/**
 * How long the bot waits before its next `getUpdates` after `attempt`
 * consecutive failures: doubling from `minMs`, capped at `maxMs`, with
 * "equal jitter" (a random point in the upper half of the step), so two
 * instances that failed together do not retry in lockstep and a wait never
 * collapses to zero.
 *
 * @example
 * pollBackoff(1); // 500-1000 ms
 * pollBackoff(9); // 15-30 s
 */
export interface BackoffRange {
  /** @default 1000 */
  minMs: number;
  /** @default 30000 */
  maxMs: number;
}

export const DEFAULT_POLL_BACKOFF: BackoffRange = { minMs: 1_000, maxMs: 30_000 };

export function pollBackoff(
  attempt: number,
  range: BackoffRange = DEFAULT_POLL_BACKOFF,
  random: () => number = Math.random,
): number {
  const step = Math.min(range.maxMs, range.minMs * 2 ** Math.min(Math.max(attempt, 1) - 1, 30));
  return Math.round(step / 2 + (random() * step) / 2);
}
