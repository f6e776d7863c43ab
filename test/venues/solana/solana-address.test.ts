import { getBase58Decoder, getBase58Encoder, isAddress } from '@solana/kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSolanaAddress } from '../../../src/venues/solana/solana-address.js';

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const base58 = getBase58Decoder();

describe('isSolanaAddress', () => {
  it('accepts real addresses and the system program', () => {
    for (const a of [
      '11111111111111111111111111111111',
      'So11111111111111111111111111111111111111112',
      'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA',
      'JUP6LkbZbjS1jKKwapdHNy74zcZ3tLUZoi5QNyVTaV4',
    ])
      expect(isSolanaAddress(a), a).toBe(true);
  });

  it('refuses wrong lengths, characters outside base58 and 31 or 33 bytes', () => {
    const b31 = base58.decode(new Uint8Array(31).fill(7));
    const b33 = base58.decode(new Uint8Array(33).fill(7));
    for (const a of [
      '',
      '1111',
      `${'1'.repeat(31)}0`,
      `${'2'.repeat(43)}O`,
      'Il'.repeat(20),
      b31,
      b33,
      `${'z'.repeat(45)}`,
    ])
      expect(isSolanaAddress(a), a).toBe(false);
  });

  it('agrees with @solana/kit on any 32-byte key and on random base58 strings', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const a = base58.decode(bytes);
        expect(isSolanaAddress(a)).toBe(true);
        expect(isAddress(a)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(...ALPHABET, '0', 'O', 'I', 'l', '+'),
          minLength: 28,
          maxLength: 48,
        }),
        (s) => {
          expect(isSolanaAddress(s)).toBe(isAddress(s));
        },
      ),
      { numRuns: 5_000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 29, maxLength: 35 }), (bytes) => {
        const s = base58.decode(bytes);
        expect(isSolanaAddress(s)).toBe(isAddress(s));
        if (s.length >= 32 && s.length <= 44)
          expect(getBase58Encoder().encode(s).length === 32).toBe(isSolanaAddress(s));
      }),
      { numRuns: 2_000 },
    );
  });
});
