/**
 * Shrinks an equity curve for transport to at most `maxPoints` points while
 * it is being produced (no full-length array): the bars are cut into equal
 * buckets and each bucket keeps its lowest and highest point in time order,
 * so drawdowns survive; the first and last points are always kept.
 */

export interface CurvePoint {
  ts: number;
  equity: number;
}

export class CurveSampler {
  readonly points: CurvePoint[] = [];
  private readonly n: number;
  private readonly keepAll: boolean;
  private readonly buckets: number;
  private i = 0;
  private bucket = 0;
  private bucketEnd = 0;
  private loTs = 0;
  private lo = Number.POSITIVE_INFINITY;
  private loAt = -1;
  private hiTs = 0;
  private hi = Number.NEGATIVE_INFINITY;
  private hiAt = -1;

  /** `n`: how many points `add` will be given. */
  constructor(n: number, maxPoints = 2000) {
    this.n = n;
    this.keepAll = n <= maxPoints;
    this.buckets = Math.max(1, Math.floor((maxPoints - 2) / 2));
    this.bucketEnd = this.boundary(1);
  }

  add(ts: number, equity: number): void {
    const i = this.i++;
    if (this.keepAll || i === 0 || i === this.n - 1) {
      if (!this.keepAll && i === this.n - 1) this.flush();
      this.points.push({ ts, equity });
      return;
    }
    if (i >= this.bucketEnd) this.nextBucket(i);
    if (equity < this.lo) {
      this.lo = equity;
      this.loTs = ts;
      this.loAt = i;
    }
    if (equity > this.hi) {
      this.hi = equity;
      this.hiTs = ts;
      this.hiAt = i;
    }
  }

  /**
   * `count` points at once: point k has time `ts[tsFrom + k]` and value
   * `values[valuesFrom + k] * scale`. The same as `add` for each in turn;
   * inside a bucket the lowest and highest are tracked in locals.
   */
  addColumn(
    ts: Float64Array,
    tsFrom: number,
    values: Float64Array,
    valuesFrom: number,
    count: number,
    scale = 1,
  ): void {
    const shift = valuesFrom - tsFrom;
    const end = tsFrom + count;
    let t = tsFrom;
    while (t < end) {
      const i = this.i;
      if (this.keepAll || i === 0 || i >= this.n - 1) {
        this.add(ts[t]!, values[t + shift]! * scale);
        t++;
        continue;
      }
      if (i >= this.bucketEnd) this.nextBucket(i);
      const start = t;
      const stop = Math.min(end, t + Math.min(this.bucketEnd, this.n - 1) - i);
      // The lowest and highest of this run, found by position in `values` (their times are read once, after it).
      let lo = this.lo;
      let loT = -1;
      let hi = this.hi;
      let hiT = -1;
      for (let k = start + shift; k < stop + shift; k++) {
        const v = values[k]! * scale;
        if (v < lo) {
          lo = v;
          loT = k;
        }
        if (v > hi) {
          hi = v;
          hiT = k;
        }
      }
      t = stop;
      if (loT >= 0) {
        this.lo = lo;
        this.loTs = ts[loT - shift]!;
        this.loAt = i + loT - shift - start;
      }
      if (hiT >= 0) {
        this.hi = hi;
        this.hiTs = ts[hiT - shift]!;
        this.hiAt = i + hiT - shift - start;
      }
      this.i = i + stop - start;
    }
  }

  /** Index where bucket `b` (1-based end) ends, over the inner points 1..n-2. */
  private boundary(b: number): number {
    return 1 + Math.floor((b * (this.n - 2)) / this.buckets);
  }

  private nextBucket(i: number): void {
    this.flush();
    while (i >= this.bucketEnd) this.bucketEnd = this.boundary(++this.bucket + 1);
  }

  private flush(): void {
    if (this.loAt < 0) return;
    const loFirst = this.loAt <= this.hiAt;
    this.points.push(loFirst ? { ts: this.loTs, equity: this.lo } : { ts: this.hiTs, equity: this.hi });
    if (this.loAt !== this.hiAt) {
      this.points.push(loFirst ? { ts: this.hiTs, equity: this.hi } : { ts: this.loTs, equity: this.lo });
    }
    this.lo = Number.POSITIVE_INFINITY;
    this.hi = Number.NEGATIVE_INFINITY;
    this.loAt = -1;
    this.hiAt = -1;
  }
}
