/**
 * Cursor pagination (never OFFSET): a cursor is the opaque, URL-safe encoding
 * of the last row's sort key (src/lib/cursor.ts). A cursor that does not decode is a 400.
 */
import { cursorCodec } from '../lib/cursor.js';

export interface KeysetCursor {
  createdAt: number;
  id: number;
}

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 500;

/** Lists by creation time then id: the cursor is the last row's (createdAt, id). */
const keyset = cursorCodec('k', ['int', 'int']);

export function encodeCursor(c: KeysetCursor): string {
  return keyset.encode(c.createdAt, c.id);
}

export function decodeCursor(raw: string | undefined): KeysetCursor | null {
  const parts = keyset.decode(raw);
  return parts && { createdAt: parts[0], id: parts[1] };
}

/** `{ items, nextCursor }` for a page fetched with `limit + 1` rows. */
export function page<T extends { createdAt: number; id: number }, O>(
  rows: T[],
  limit: number,
  toJson: (r: T) => O,
): { items: O[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { items: items.map(toJson), nextCursor: more && last ? encodeCursor(last) : null };
}
