import { describe, expect, it } from 'vitest';
import { cursorCodec } from '../../src/lib/cursor.js';

describe('cursorCodec', () => {
  const trades = cursorCodec('t', ['int', 'text']);
  const ids = cursorCodec('p', ['int']);

  it('round-trips the parts, URL-safe', () => {
    const raw = trades.encode(1_767_225_600_000, 'trade:0x1/é');
    expect(raw).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(trades.decode(raw)).toEqual([1_767_225_600_000, 'trade:0x1/é']);
    expect(ids.decode(ids.encode(0))).toEqual([0]);
  });

  it('reads no cursor as the first page', () => {
    for (const none of [undefined, null, '']) expect(ids.decode(none)).toBeNull();
  });

  it("refuses another list's cursor, edited ones and garbage with a 400 naming query.cursor", () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    for (const raw of [
      trades.encode(1, 'x'), // another list
      b64(['p', -1]),
      b64(['p', 1.5]),
      b64(['p', '1']),
      b64(['p', 1, 2]),
      b64({ p: 1 }),
      Buffer.from('not json').toString('base64url'),
      'a+b/c=',
      'x'.repeat(601),
    ]) {
      expect(() => ids.decode(raw)).toThrow(
        expect.objectContaining({
          code: 'VALIDATION_FAILED',
          details: [expect.objectContaining({ path: 'query.cursor' })],
        }),
      );
    }
  });
});
