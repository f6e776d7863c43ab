/**
 * Timing loops. Every call is timed on its own with the monotonic
 * high-resolution clock, after a warm-up that is discarded. Loops stop at a
 * sample count or a time budget, whichever comes first, so a slow build of the
 * code under test cannot make the suite run forever.
 */

export type Op = () => unknown;

/** An operation with untimed preparation run before each timed call. */
export interface PreparedOp {
  before: () => unknown;
  op: Op;
}

export interface SampleOptions {
  /** Calls made and discarded before timing. */
  warmup: number;
  /** Timed calls wanted. */
  samples: number;
  /** Budget for the timed calls, in milliseconds. */
  maxMs: number;
  /** Calls per turn when several operations are interleaved. */
  chunk?: number;
}

const nowNs = (): bigint => process.hrtime.bigint();

/** Microseconds per call of `op` (awaited when it returns a promise). */
export async function sample(op: Op | PreparedOp, opts: SampleOptions): Promise<number[]> {
  const [out] = await sampleInterleaved([op], opts);
  return out ?? [];
}

/**
 * Times several operations in alternating chunks, so that a subject and its
 * reference see the same machine conditions (page cache, checkpoints, CPU
 * frequency) over the run. Returns microseconds per call, per operation.
 */
export async function sampleInterleaved(
  ops: readonly (Op | PreparedOp)[],
  opts: SampleOptions,
): Promise<number[][]> {
  const prepared = ops.map(
    (o): PreparedOp => (typeof o === 'function' ? { before: () => undefined, op: o } : o),
  );
  for (const { before, op } of prepared) {
    for (let i = 0; i < opts.warmup; i++) {
      await before();
      await op();
    }
  }
  const chunk = opts.chunk ?? 500;
  const out = ops.map(() => [] as number[]);
  const deadline = performance.now() + opts.maxMs;
  while (out[0]!.length < opts.samples && performance.now() < deadline) {
    for (let k = 0; k < prepared.length; k++) {
      const { before, op } = prepared[k]!;
      const acc = out[k]!;
      const stop = Math.min(opts.samples, acc.length + chunk);
      while (acc.length < stop && performance.now() < deadline) {
        const b = before();
        if (b instanceof Promise) await b;
        const t0 = nowNs();
        const r = op();
        if (r instanceof Promise) await r;
        acc.push(Number(nowNs() - t0) / 1000);
      }
    }
  }
  return out;
}

/** Wall time of one call of `fn`, in milliseconds. */
export async function timeOnce<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t0 = nowNs();
  const value = await fn();
  return { ms: Number(nowNs() - t0) / 1e6, value };
}
