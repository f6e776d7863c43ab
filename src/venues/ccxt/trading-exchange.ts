/**
 * A ccxt exchange instance for trading: its own instance, holding the API
 * credentials (the shared market-data instance of `exchange-registry.ts`
 * never does), with the same REST origin override as market data so tests
 * and proxies reach a loopback server. The exchange class and the rewritten
 * URLs are taken from the registry's instance rather than rebuilt here;
 * the exchange profile's trading options are set on it.
 */
import type { Exchange } from 'ccxt';
import { exchangeProfile } from './exchange-profiles.js';
import { getExchange } from './exchange-registry.js';

export interface TradingExchangeOptions {
  exchangeId: string;
  apiKey?: string;
  secret?: string;
  /** The passphrase some exchanges add to a key pair. */
  password?: string;
  /** A wallet's private key (Hyperliquid); its address is `walletAddress`. */
  privateKey?: string;
  walletAddress?: string;
  /** e.g. `http://127.0.0.1:4321` for a loopback fake. */
  apiOrigin?: string;
  /** @default 10000 */
  timeoutMs?: number;
  /** Milliseconds between requests in ccxt's throttle. @default the exchange's own */
  rateLimitMs?: number;
}

type ExchangeClass = new (config: Record<string, unknown>) => Exchange;

/**
 * @example
 * const ex = createTradingExchange({ exchangeId: 'bingx', apiKey, secret });
 * await ex.fetchBalance();
 */
export function createTradingExchange(o: TradingExchangeOptions): Exchange {
  const shared = getExchange(o.exchangeId, o.apiOrigin ? { apiOrigin: o.apiOrigin } : {});
  const Cls = shared.constructor as ExchangeClass;
  const profile = exchangeProfile(o.exchangeId);
  const ex = new Cls({
    ...(o.apiKey ? { apiKey: o.apiKey } : {}),
    ...(o.secret ? { secret: o.secret } : {}),
    ...(o.password ? { password: o.password } : {}),
    ...(o.privateKey ? { privateKey: o.privateKey } : {}),
    ...(o.walletAddress ? { walletAddress: o.walletAddress } : {}),
    enableRateLimit: true,
    timeout: o.timeoutMs ?? 10_000,
  });
  if (o.rateLimitMs !== undefined) ex.rateLimit = o.rateLimitMs;
  ex.urls['api'] = structuredClone(shared.urls['api']);
  Object.assign(ex.options, profile.tradingOptions);
  const methods = ex as unknown as Record<string, unknown>;
  for (const name of profile.skippedSetup ?? []) methods[name] = async () => true;
  return ex;
}
