/**
 * Collects field problems so one bad request reports all of them at once,
 * each with the path of the field, and throws a single ValidationError.
 */
import { type Decimal, dec, tryParseDecimal } from './decimal.js';
import { type ErrorDetail, ValidationError } from './errors.js';

/**
 * Refuses a batch that is empty or longer than `max`: a batch is one
 * transaction, and its size is the one rule every batch entry point shares
 * (the API schemas state the same bounds from the same constants, so
 * OpenAPI shows them and a too-long list is refused before its items are read).
 */
export function checkBatchSize(items: readonly unknown[], max: number, path: string): void {
  if (items.length === 0)
    throw new ValidationError(`${path} must not be empty`, {
      details: [{ path, message: 'must not be empty' }],
    });
  if (items.length > max)
    throw new ValidationError(`${path} has ${items.length} items; at most ${max} are allowed`, {
      details: [{ path, message: `at most ${max} items` }],
    });
}

export class Problems {
  readonly list: ErrorDetail[] = [];

  add(path: string, message: string): void {
    this.list.push({ path, message });
  }

  /** Parses an amount, recording a problem (and returning undefined) when it is bad or out of range. */
  amount(
    value: unknown,
    path: string,
    range: { min?: Decimal; minExclusive?: boolean; max?: Decimal } = {},
  ): Decimal | undefined {
    const r = tryParseDecimal(value);
    if (!r.ok) {
      this.add(path, r.error);
      return undefined;
    }
    if (range.min !== undefined) {
      const c = dec.cmp(r.value, range.min);
      if (range.minExclusive ? c <= 0 : c < 0) {
        this.add(path, `must be ${range.minExclusive ? 'greater than' : 'at least'} ${range.min}`);
        return undefined;
      }
    }
    if (range.max !== undefined && dec.cmp(r.value, range.max) > 0) {
      this.add(path, `must be at most ${range.max}`);
      return undefined;
    }
    return r.value;
  }

  text(
    value: unknown,
    path: string,
    opts: { max: number; pattern?: RegExp; patternDoc?: string },
  ): string | undefined {
    if (typeof value !== 'string') {
      this.add(path, 'must be a string');
      return undefined;
    }
    const v = value.trim();
    if (v.length === 0) this.add(path, 'must not be empty');
    else if (v.length > opts.max) this.add(path, `must be at most ${opts.max} characters`);
    else if (opts.pattern && !opts.pattern.test(v))
      this.add(path, `must be ${opts.patternDoc ?? `like ${opts.pattern}`}`);
    else return v;
    return undefined;
  }

  throwIfAny(summary: string): void {
    if (this.list.length === 0) return;
    const first = this.list[0]!;
    const more = this.list.length > 1 ? ` (and ${this.list.length - 1} more)` : '';
    throw new ValidationError(`${summary}: ${first.path} ${first.message}${more}`, { details: this.list });
  }
}
