/**
 * Checks a user's keys for a ccxt exchange before they are kept: a balance
 * read with the keys (wrong keys fail here with the exchange's reason), then
 * the key's permissions where the exchange profile says how to read them.
 * Structurally the `KeyVerifier` port of `users/credential-service.ts`.
 */
import ccxt from 'ccxt';
import { UnavailableError, ValidationError } from '../../domain/errors.js';
import { ccxtClasses } from './error-mapping.js';
import { exchangeProfile } from './exchange-profiles.js';
import { createTradingExchange } from './trading-exchange.js';

export interface CcxtKeys {
  apiKey: string;
  secret: string;
  password?: string;
  privateKey?: string;
}

/** ccxt error classes that mean "these keys are wrong or not allowed", not "the exchange is down". */
const REFUSALS = [
  'AuthenticationError',
  'PermissionDenied',
  'AccountSuspended',
  'BadRequest',
  'AccountNotEnabled',
];

/** The exchange's answer as the API may show it: its own words, not the request that carried the keys. */
export function keyError(err: unknown, exchangeId: string): Error {
  const names = ccxtClasses(err);
  const message = err instanceof Error ? err.message : String(err);
  if (REFUSALS.some((n) => names.has(n))) return new ValidationError(message);
  return new UnavailableError(`${exchangeId}: ${message}`);
}

/** The ccxt options of a key set: Hyperliquid-style wallets sign with the private key of the `apiKey` address. */
export function ccxtCredentials(k: CcxtKeys) {
  return {
    apiKey: k.apiKey,
    secret: k.secret,
    ...(k.password ? { password: k.password } : {}),
    ...(k.privateKey ? { privateKey: k.privateKey, walletAddress: k.apiKey } : {}),
  };
}

/** A trading instance of `venue` with these keys, at its configured origin (LIVE_VENUE_ORIGINS). */
export function keyedExchange(
  venue: string,
  keys: CcxtKeys,
  origins: Readonly<Record<string, string>>,
  timeoutMs: number,
) {
  const origin = origins[venue];
  return createTradingExchange({
    exchangeId: venue,
    ...ccxtCredentials(keys),
    timeoutMs,
    ...(origin ? { apiOrigin: origin } : {}),
  });
}

export class CcxtKeyVerifier {
  constructor(
    /** REST origins by exchange id (LIVE_VENUE_ORIGINS). */
    private readonly origins: Readonly<Record<string, string>>,
    private readonly timeoutMs = 10_000,
  ) {}

  checkVenue(venue: string): string | null {
    return ccxt.exchanges.includes(venue) ? null : `${JSON.stringify(venue)} is not a ccxt exchange id`;
  }

  async verify(venue: string, keys: CcxtKeys): Promise<{ permissions: string[]; withdraw: boolean }> {
    const ex = keyedExchange(venue, keys, this.origins, this.timeoutMs);
    try {
      await ex.fetchBalance();
      const how = exchangeProfile(venue).keyPermissions;
      if (!how) return { permissions: ['read', 'unknown'], withdraw: false };
      const call = (
        ex as unknown as Record<string, (p: object) => Promise<{ data?: { permissions?: unknown } }>>
      )[how.method];
      const codes = (await call!.call(ex, {}))?.data?.permissions;
      const permissions = (Array.isArray(codes) ? codes : []).map((c) => how.names[String(c)] ?? `code-${c}`);
      return { permissions, withdraw: permissions.includes('withdraw') };
    } catch (err) {
      throw keyError(err, venue);
    } finally {
      await ex.close();
    }
  }
}
