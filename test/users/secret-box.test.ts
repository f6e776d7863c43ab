/**
 * The box that seals users' exchange keys: what it seals opens with the same
 * key and context only; a changed byte, another context or another key
 * throws instead of returning text.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/users/secret-box.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));
  const plain = JSON.stringify({ apiKey: 'k'.repeat(64), secret: 's'.repeat(64) });

  it('opens what it sealed, with a fresh IV each time', () => {
    const a = box.seal(plain, '1:bingx');
    const b = box.seal(plain, '1:bingx');
    expect(a).not.toBe(b);
    expect(box.open(a, '1:bingx')).toBe(plain);
    expect(box.open(b, '1:bingx')).toBe(plain);
  });

  it('refuses a changed byte, another context and another key', () => {
    const sealed = box.seal(plain, '1:bingx');
    const raw = Buffer.from(sealed, 'base64url');
    raw[raw.length - 1]! ^= 1;
    expect(() => box.open(raw.toString('base64url'), '1:bingx')).toThrow();
    expect(() => box.open(sealed, '2:bingx')).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, '1:bingx')).toThrow();
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow('The secrets key must be 32 bytes');
  });
});
