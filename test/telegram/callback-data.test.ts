/** Button data is untrusted input: every action round-trips, everything else decodes to null. */
import { describe, expect, it } from 'vitest';
import { type ButtonAction, decodeAction, encodeAction } from '../../src/telegram/callback-data.js';

describe('button data', () => {
  const actions: ButtonAction[] = [
    { kind: 'askClose', positionId: 12 },
    { kind: 'confirmClose', positionId: 1 },
    { kind: 'keepOpen', positionId: 999_999_999_999_999 },
    { kind: 'showTpSl', positionId: 7 },
    { kind: 'clearTakeProfit', positionId: 7 },
    { kind: 'clearStopLoss', positionId: 7 },
    { kind: 'setTrader', traderId: 3, enabled: true },
    { kind: 'setTrader', traderId: 3, enabled: false },
  ];

  it('round-trips every action within 64 bytes', () => {
    for (const a of actions) {
      const data = encodeAction(a);
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
      expect(decodeAction(data)).toEqual(a);
    }
  });

  it('refuses anything outside its grammar', () => {
    for (const data of [
      '',
      'pos:close:0',
      'pos:close:012',
      'pos:close:-1',
      'pos:close:1.5',
      'pos:close:1 ',
      'pos:nuke:1',
      'trader:maybe:1',
      'trader:on:1234567890123456',
      'pos:close:1:extra',
      'POS:CLOSE:1',
      '__proto__:x:1',
    ]) {
      expect(decodeAction(data)).toBeNull();
    }
  });
});
