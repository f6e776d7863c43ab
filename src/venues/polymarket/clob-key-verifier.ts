/**
 * Checks a user's Polymarket wallet key before it is kept: a private key in
 * the wallet's form (0x and 64 hex digits, a valid secp256k1 key), then the
 * CLOB's API key derived (or created) with it and its USDC balance read —
 * a key the CLOB refuses fails here with its words, a CLOB that does not
 * answer is UnavailableError. Structurally the `KeyVerifier` port of
 * `users/credential-service.ts`, for the venue `polymarket`.
 */
import { privateKeyToAccount } from 'viem/accounts';
import { ValidationError } from '../../domain/errors.js';
import { ClobLiveClient } from './clob-live-client.js';

const PRIVATE_KEY = /^0x[0-9a-fA-F]{64}$/;

export class ClobKeyVerifier {
  constructor(
    /** CLOB origin. */
    private readonly host: string,
    private readonly timeoutMs = 10_000,
  ) {}

  keyFields() {
    return { fields: [{ name: 'privateKey' as const, pattern: PRIVATE_KEY, form: '0x and 64 hex digits' }] };
  }

  /** A wallet's private key controls its funds: it may trade and also move them (`withdraw`). */
  async verify(
    _venue: string,
    keys: { privateKey?: string },
  ): Promise<{ permissions: string[]; withdraw: boolean }> {
    try {
      privateKeyToAccount(keys.privateKey as `0x${string}`);
    } catch {
      throw new ValidationError('privateKey is not a valid secp256k1 private key', {
        details: [{ path: 'body.privateKey', message: 'is not a valid secp256k1 private key' }],
      });
    }
    const client = new ClobLiveClient({
      host: this.host,
      privateKey: keys.privateKey!,
      token: () => undefined,
      timeoutMs: this.timeoutMs,
    });
    await client.freeBalance('USDC');
    return { permissions: ['read', 'trade', 'withdraw'], withdraw: true };
  }
}
