/**
 * What a key may do on its exchange, read after the balance read proved the
 * keys work — only where the exchange tells, never guessed:
 * - an endpoint listing the key's permission codes (BingX);
 * - Hyperliquid's account roles: a private key signs either for its own
 *   address (the account's owner key: it can trade, transfer and withdraw)
 *   or as an API wallet ("agent") the account approved (it can trade, and by
 *   Hyperliquid's design cannot withdraw or transfer). Info `userRole` of the
 *   key's address says which, and for which account; a key that is neither
 *   the account's nor its agent is refused with that answer.
 * Elsewhere the permissions are `["read", "unknown"]`: the keys read a
 * balance, and nothing more is known.
 */
import type { Exchange } from 'ccxt';
import { UnavailableError, ValidationError } from '../../domain/errors.js';
import { exchangeProfile } from './exchange-profiles.js';

export interface KeyCheck {
  permissions: string[];
  withdraw: boolean;
}

type Implicit = Record<string, (p: object) => Promise<unknown>>;

export async function readKeyPermissions(
  venue: string,
  ex: Exchange,
  keys: { walletAddress?: string; privateKey?: string },
): Promise<KeyCheck> {
  const how = exchangeProfile(venue).keyPermissions;
  if (!how) return { permissions: ['read', 'unknown'], withdraw: false };
  if (how.kind === 'hyperliquid-roles') return hyperliquidRole(ex, keys);
  const call = (ex as unknown as Implicit)[how.method]!;
  const answer = (await call.call(ex, {})) as { data?: { permissions?: unknown } } | undefined;
  const codes = answer?.data?.permissions;
  const permissions = (Array.isArray(codes) ? codes : []).map((c) => how.names[String(c)] ?? `code-${c}`);
  return { permissions, withdraw: permissions.includes('withdraw') };
}

async function hyperliquidRole(
  ex: Exchange,
  keys: { walletAddress?: string; privateKey?: string },
): Promise<KeyCheck> {
  const account = (keys.walletAddress ?? '').toLowerCase();
  const signer = ex.ethGetAddressFromPrivateKey(keys.privateKey ?? '').toLowerCase();
  if (signer === account) return { permissions: ['trade', 'transfer', 'withdraw'], withdraw: true };
  const info = (ex as unknown as Implicit)['publicPostInfo']!;
  const answer = (await info.call(ex, { type: 'userRole', user: signer })) as {
    role?: unknown;
    data?: { user?: unknown };
  } | null;
  const role = answer?.role;
  if (typeof role !== 'string') throw new UnavailableError('hyperliquid: userRole answered without a role');
  const of = typeof answer?.data?.user === 'string' ? answer.data.user.toLowerCase() : null;
  if (role === 'agent' && of === account) return { permissions: ['trade'], withdraw: false };
  throw new ValidationError(
    `the private key signs for ${signer}, which is neither ${account} nor an API wallet approved by it ` +
      `(Hyperliquid's userRole: ${role}${of ? ` of ${of}` : ''})`,
  );
}
