/**
 * The one cursor codec of every paginated list. A cursor carries the sort key
 * of a page's last item — a tag naming the list, then its parts (non-negative
 * integers or short text) — as base64url JSON: opaque and URL-safe for
 * clients, and checked on the way back, so a cursor of another list or one
 * edited by hand is a 400 naming `query.cursor`, never a wrong page.
 *
 * @example
 * const byId = cursorCodec('p', ['int']);
 * const next = byId.encode(41);                 // "WyJwIiw0MV0"
 * const [afterId] = byId.decode(next) ?? [];    // 41; undefined for the first page
 */
import { ValidationError } from '../domain/errors.js';

type Kind = 'int' | 'text';
type Parts<K extends readonly Kind[]> = { -readonly [I in keyof K]: K[I] extends 'int' ? number : string };

export interface CursorCodec<P extends unknown[]> {
  encode(...parts: P): string;
  /** The parts of `raw`; null for no cursor (the first page); a ValidationError when it is not ours. */
  decode(raw: string | null | undefined): P | null;
}

const MAX_CURSOR_CHARS = 600;
const MAX_TEXT_PART = 200;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function notOurs(): ValidationError {
  return new ValidationError('query.cursor is not a cursor this API issued', {
    details: [{ path: 'query.cursor', message: 'malformed cursor; pass back nextCursor unchanged' }],
  });
}

const fits = (kind: Kind, v: unknown): boolean =>
  kind === 'int'
    ? typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
    : typeof v === 'string' && v.length > 0 && v.length <= MAX_TEXT_PART;

export function cursorCodec<const K extends readonly Kind[]>(tag: string, kinds: K): CursorCodec<Parts<K>> {
  return {
    encode: (...parts) => Buffer.from(JSON.stringify([tag, ...parts])).toString('base64url'),
    decode(raw) {
      if (raw === null || raw === undefined || raw === '') return null;
      if (raw.length > MAX_CURSOR_CHARS || !BASE64URL.test(raw)) throw notOurs();
      let value: unknown;
      try {
        value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
      } catch {
        throw notOurs();
      }
      if (!Array.isArray(value) || value.length !== kinds.length + 1 || value[0] !== tag) throw notOurs();
      const parts = value.slice(1);
      if (!kinds.every((kind, i) => fits(kind, parts[i]))) throw notOurs();
      return parts as Parts<K>;
    },
  };
}
