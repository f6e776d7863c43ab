/**
 * Seeded randomness, the one hash and generator of the service: a small fast
 * PRNG (sfc32) for sequential draws, and integer hashing for random access
 * (the simulated venue's "uniform for minute i of day d", a Monte Carlo
 * path's seed), so every value is a pure function of its seed.
 */

/** murmur3's 32-bit finaliser: a good avalanche for mixing integers. */
export function mix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Combines two integers into a well-mixed 32-bit hash. */
export function hash2(a: number, b: number): number {
  return mix32(Math.imul(mix32(a) ^ 0x9e3779b9, 0x01000193) ^ (b | 0) ^ Math.floor(b / 0x1_0000_0000));
}

/** Combines three integers into a well-mixed 32-bit hash. */
export function hash3(a: number, b: number, c: number): number {
  return hash2(hash2(a, b), c);
}

/** Combines four integers into a well-mixed 32-bit hash. */
export function hash4(a: number, b: number, c: number, d: number): number {
  return hash2(hash2(hash2(a, b), c), d);
}

/** FNV-1a hash of a string. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A uniform in (0, 1) derived from a hash; never exactly 0, so `Math.log` is safe. */
export function unitFromHash(h: number): number {
  return (mix32(h) + 0.5) / 0x1_0000_0000;
}

/**
 * sfc32 with a polar-method normal generator. Reseedable, so hot paths can
 * reuse one instance instead of allocating.
 */
export class Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  private spare = Number.NaN;

  constructor(seed: number) {
    this.reseed(seed);
  }

  /** Restarts the sequence from `seed`. */
  reseed(seed: number): void {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    this.spare = Number.NaN;
    for (let i = 0; i < 12; i++) this.nextUint();
  }

  /** Writes the generator's state (5 numbers) to `out` at `at`, for `load`. */
  save(out: Float64Array, at: number): void {
    out[at] = this.a;
    out[at + 1] = this.b;
    out[at + 2] = this.c;
    out[at + 3] = this.d;
    out[at + 4] = this.spare;
  }

  /** Continues the sequence from a state written by `save`. */
  load(from: Float64Array, at: number): void {
    this.a = from[at]!;
    this.b = from[at + 1]!;
    this.c = from[at + 2]!;
    this.d = from[at + 3]!;
    this.spare = from[at + 4]!;
  }

  private nextUint(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint() / 0x1_0000_0000;
  }

  /** Standard normal (Marsaglia's polar method: no trigonometry). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare;
      this.spare = Number.NaN;
      return s;
    }
    for (;;) {
      const u = 2 * this.next() - 1;
      const v = 2 * this.next() - 1;
      const q = u * u + v * v;
      if (q > 0 && q < 1) {
        const f = Math.sqrt((-2 * Math.log(q)) / q);
        this.spare = v * f;
        return u * f;
      }
    }
  }
}
