import { describe, expect, it } from 'vitest';
import { onceEveryPerMessage } from '../../src/lib/once-every.js';

describe('onceEveryPerMessage', () => {
  it('passes each message on once per period, other messages independently', () => {
    let now = 0;
    const seen: string[] = [];
    const report = onceEveryPerMessage<string>(
      10_000,
      (err, ctx) => seen.push(`${ctx}: ${(err as Error).message}`),
      () => now,
    );
    report(new Error('timeout'), 'a');
    report(new Error('timeout'), 'b');
    report(new Error('refused'), 'c');
    now = 9_999;
    report(new Error('timeout'), 'd');
    now = 10_000;
    report(new Error('timeout'), 'e');
    expect(seen).toEqual(['a: timeout', 'c: refused', 'e: timeout']);
  });
});
