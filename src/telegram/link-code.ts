/**
 * One-time link codes: short enough to type from a phone, from an alphabet
 * without look-alikes (no 0/O, 1/I/L), drawn with a CSPRNG. Only a SHA-256 of
 * a code is ever stored. Typed codes are read leniently (case, spaces, dashes).
 */
import { createHash, randomInt } from 'node:crypto';

export const LINK_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const LINK_CODE_LENGTH = 8;

const SHAPE = new RegExp(`^[${LINK_CODE_ALPHABET}]{${LINK_CODE_LENGTH}}$`);

/** A fresh random code, e.g. `K7QM4XPA`. */
export function generateLinkCode(): string {
  let code = '';
  for (let i = 0; i < LINK_CODE_LENGTH; i++) code += LINK_CODE_ALPHABET[randomInt(LINK_CODE_ALPHABET.length)];
  return code;
}

/** The canonical form of a typed code (`k7qm-4xpa` -> `K7QM4XPA`), or null when it cannot be one. */
export function normalizeLinkCode(input: string): string | null {
  const code = input.replace(/[\s-]/g, '').toUpperCase();
  return SHAPE.test(code) ? code : null;
}

export const hashLinkCode = (code: string): string => createHash('sha256').update(code).digest('hex');
