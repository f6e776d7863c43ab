/**
 * What a key may do on its exchange, read after the balance read proved the
 * keys work — only where the exchange tells (ccxt has no unified call), never
 * guessed. Each reader calls the exchange's own endpoint through ccxt's
 * implicit API and names what it grants:
 * - BingX `GET /openApi/v1/account/apiPermissions`: permission codes;
 * - Binance `GET /sapi/v1/account/apiRestrictions`: `enable…` flags;
 * - OKX `GET /api/v5/account/config`: `perm`, e.g. `read_only,trade,withdraw`;
 * - Bybit `GET /v5/user/query-api`: `readOnly` and permission lists by area;
 * - Hyperliquid info `userRole` of the private key's address: the account's
 *   own key (trades, transfers, withdraws), or an API wallet ("agent") the
 *   account approved — it trades and, by Hyperliquid's design, can neither
 *   withdraw nor transfer. A key that is neither is refused with that answer.
 * Elsewhere the permissions are `["read", "unknown"]`: the keys read a
 * balance, and nothing more is known.
 */
import type { Exchange } from 'ccxt';
import { UnavailableError, ValidationError } from '../../domain/errors.js';

export interface KeyCheck {
  permissions: string[];
  withdraw: boolean;
}

type Keys = { walletAddress?: string; privateKey?: string };
type Reader = (
  call: (method: string, params?: object) => Promise<unknown>,
  ex: Exchange,
  keys: Keys,
) => Promise<string[]>;

const BINGX_CODES: Record<string, string> = {
  '1': 'spot-trade',
  '2': 'read',
  '3': 'contract-trade',
  '4': 'transfer',
  '5': 'withdraw',
  '7': 'sub-account-transfer',
};

const BINANCE_FLAGS: Record<string, string> = {
  enableReading: 'read',
  enableSpotAndMarginTrading: 'spot-trade',
  enableMargin: 'margin',
  enableFutures: 'futures-trade',
  enableVanillaOptions: 'options-trade',
  enablePortfolioMarginTrading: 'portfolio-margin-trade',
  enableInternalTransfer: 'sub-account-transfer',
  permitsUniversalTransfer: 'transfer',
  enableWithdrawals: 'withdraw',
};

const OKX_PERMS: Record<string, string> = { read_only: 'read', trade: 'trade', withdraw: 'withdraw' };

const BYBIT_PERMS: Record<string, string> = {
  SpotTrade: 'spot-trade',
  Order: 'contract-trade',
  Position: 'contract-trade',
  DerivativesTrade: 'derivatives-trade',
  OptionsTrade: 'options-trade',
  AccountTransfer: 'transfer',
  SubMemberTransfer: 'sub-account-transfer',
  SubMemberTransferList: 'sub-account-transfer',
  Withdraw: 'withdraw',
  ExchangeHistory: 'convert',
  Earn: 'earn',
};

const record = (x: unknown): Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : {};

const READERS: Record<string, Reader> = {
  async bingx(call) {
    const codes = record(record(await call('accountV1PrivateGetAccountApiPermissions'))['data'])[
      'permissions'
    ];
    return (Array.isArray(codes) ? codes : []).map((c) => BINGX_CODES[String(c)] ?? `code-${c}`);
  },
  async binance(call) {
    const flags = record(await call('sapiGetAccountApiRestrictions'));
    return Object.entries(BINANCE_FLAGS)
      .filter(([flag]) => flags[flag] === true)
      .map(([, name]) => name);
  },
  async okx(call) {
    const data = record(await call('privateGetAccountConfig'))['data'];
    const perm = record(Array.isArray(data) ? data[0] : undefined)['perm'];
    return (typeof perm === 'string' ? perm.split(',') : []).map((p) => OKX_PERMS[p.trim()] ?? p.trim());
  },
  async bybit(call) {
    const r = record(record(await call('privateGetV5UserQueryApi'))['result']);
    if (r['readOnly'] === 1) return ['read'];
    const listed = Object.entries(record(r['permissions'])).flatMap(([area, values]) =>
      (Array.isArray(values) ? values : []).map(
        (v) => BYBIT_PERMS[String(v)] ?? `${area}:${v}`.toLowerCase(),
      ),
    );
    return ['read', ...listed];
  },
  async hyperliquid(call, ex, keys) {
    const account = (keys.walletAddress ?? '').toLowerCase();
    const signer = ex.ethGetAddressFromPrivateKey(keys.privateKey ?? '').toLowerCase();
    if (signer === account) return ['trade', 'transfer', 'withdraw'];
    const answer = record(await call('publicPostInfo', { type: 'userRole', user: signer }));
    const role = answer['role'];
    if (typeof role !== 'string') throw new UnavailableError('hyperliquid: userRole answered without a role');
    const of = record(answer['data'])['user'];
    const master = typeof of === 'string' ? of.toLowerCase() : null;
    if (role === 'agent' && master === account) return ['trade'];
    throw new ValidationError(
      `the private key signs for ${signer}, which is neither ${account} nor an API wallet approved by it ` +
        `(Hyperliquid's userRole: ${role}${master ? ` of ${master}` : ''})`,
    );
  },
};

/** The key's permissions on `venue`, as the venue states them; `["read", "unknown"]` where it does not. */
export async function readKeyPermissions(venue: string, ex: Exchange, keys: Keys): Promise<KeyCheck> {
  const reader = READERS[venue];
  if (!reader) return { permissions: ['read', 'unknown'], withdraw: false };
  const implicit = ex as unknown as Record<string, (p: object) => Promise<unknown>>;
  const call = (method: string, params: object = {}) => implicit[method]!.call(ex, params);
  const permissions = [...new Set(await reader(call, ex, keys))];
  return { permissions, withdraw: permissions.includes('withdraw') };
}
