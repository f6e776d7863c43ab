/**
 * Checks a user's keys for a ccxt exchange before they are kept: the fields
 * the exchange needs (ccxt's `requiredCredentials`, in the form the exchange
 * profile fixes), then a balance read with the keys (wrong keys fail here
 * with the exchange's reason), then what the key may do where the exchange
 * tells (`key-permissions.ts`). Structurally the `KeyVerifier` port of
 * `users/credential-service.ts`.
 */
import ccxt from 'ccxt';
import { isAppError, UnavailableError, ValidationError } from '../../domain/errors.js';
import { ccxtClasses } from './error-mapping.js';
import { exchangeProfile } from './exchange-profiles.js';
import { getExchange } from './exchange-registry.js';
import { type KeyCheck, readKeyPermissions } from './key-permissions.js';
import { createTradingExchange } from './trading-exchange.js';

export interface CcxtKeys {
  apiKey?: string;
  secret?: string;
  password?: string;
  privateKey?: string;
  walletAddress?: string;
}

type Field = keyof CcxtKeys;
const KEPT: readonly Field[] = ['apiKey', 'secret', 'password', 'privateKey', 'walletAddress'];

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
  if (isAppError(err)) return err;
  const names = ccxtClasses(err);
  const message = err instanceof Error ? err.message : String(err);
  if (REFUSALS.some((n) => names.has(n))) return new ValidationError(message);
  return new UnavailableError(`${exchangeId}: ${message}`);
}

/** The ccxt options of a key set (only the fields given). */
export function ccxtCredentials(k: CcxtKeys): CcxtKeys {
  return Object.fromEntries(KEPT.filter((f) => k[f]).map((f) => [f, k[f]]));
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

  /** The fields `venue` needs, each with the form the exchange fixes; or why its keys cannot be kept. */
  keyFields(
    venue: string,
  ): { fields: { name: Field; pattern?: RegExp; form?: string }[] } | { problem: string } {
    if (!ccxt.exchanges.includes(venue))
      return { problem: `${JSON.stringify(venue)} is not a ccxt exchange id` };
    const origin = this.origins[venue];
    const wanted = getExchange(venue, origin ? { apiOrigin: origin } : {}).requiredCredentials;
    const required = Object.keys(wanted).filter((k) => wanted[k as keyof typeof wanted] === true);
    const unkept = required.filter((k) => !(KEPT as readonly string[]).includes(k));
    if (unkept.length > 0)
      return { problem: `${venue} needs ${unkept.join(', ')}, which tradeloop does not keep` };
    const formats = exchangeProfile(venue).keyFormats ?? {};
    return {
      fields: (required as Field[]).map((name) => ({
        name,
        ...(name in formats ? formats[name as keyof typeof formats] : {}),
      })),
    };
  }

  async verify(venue: string, keys: CcxtKeys): Promise<KeyCheck> {
    const ex = keyedExchange(venue, keys, this.origins, this.timeoutMs);
    try {
      await ex.fetchBalance();
      return await readKeyPermissions(venue, ex, keys);
    } catch (err) {
      throw keyError(err, venue);
    } finally {
      await ex.close();
    }
  }
}
