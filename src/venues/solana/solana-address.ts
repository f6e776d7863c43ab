/**
 * Whether a string is a Solana address: base58 (the Bitcoin alphabet) that
 * decodes to exactly 32 bytes. The same rule as `isAddress` of `@solana/kit`
 * (a test checks they agree), without loading the kit to validate a follow.
 */
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DIGIT[ALPHABET.charCodeAt(i)] = i;

export function isSolanaAddress(s: string): boolean {
  if (s.length < 32 || s.length > 44) return false;
  // Leading '1's are leading zero bytes; the rest is a big-endian base-58 number.
  let zeros = 0;
  while (zeros < s.length && s.charCodeAt(zeros) === 49) zeros++;
  const bytes: number[] = [];
  for (let i = zeros; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const d = c < 128 ? DIGIT[c]! : -1;
    if (d < 0) return false;
    let carry = d;
    for (let j = 0; j < bytes.length; j++) {
      carry += bytes[j]! * 58;
      bytes[j] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  return zeros + bytes.length === 32;
}
