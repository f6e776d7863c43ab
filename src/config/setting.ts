/**
 * How one setting is declared: its variable, its default, the form it expects
 * (for error messages) and its parser; plus the parsers settings share.
 */
export interface Setting<T> {
  /** Environment variable name. */
  env: string;
  /** Human description of the expected form, used in error messages. */
  form: string;
  default: T;
  parse(raw: string): T | undefined;
  doc: string;
  /** Never echoed in error messages (a token, a secret). */
  secret?: boolean;
}

export const int =
  (min: number, max: number) =>
  (raw: string): number | undefined => {
    if (!/^\d+$/.test(raw)) return undefined;
    const n = Number(raw);
    return n >= min && n <= max ? n : undefined;
  };

export const oneOf =
  <T extends string>(...values: T[]) =>
  (raw: string): T | undefined =>
    (values as string[]).includes(raw.toLowerCase()) ? (raw.toLowerCase() as T) : undefined;

export const text = (raw: string): string | undefined => (raw.length > 0 ? raw : undefined);

/** A decimal number (not exponent notation) from `min` to `max`. */
export const num =
  (min: number, max: number) =>
  (raw: string): number | undefined => {
    if (!/^\d+(\.\d+)?$/.test(raw)) return undefined;
    const n = Number(raw);
    return n >= min && n <= max ? n : undefined;
  };

export function setting<T>(s: Setting<T>): Setting<T> {
  return s;
}
