/**
 * One ccxt instance per exchange (module-level), so markets are loaded once
 * and ccxt's own request throttle (`enableRateLimit`) sees all traffic to that
 * exchange. An `apiOrigin` override (tests, proxies) gets its own instance.
 */
import ccxt, { type Exchange } from 'ccxt';
import { ValidationError } from '../../domain/errors.js';

export interface ExchangeOptions {
  /**
   * Replaces scheme, host and port of every `urls.api` entry, keeping paths;
   * e.g. `http://127.0.0.1:4321` for a loopback fake.
   */
  apiOrigin?: string;
  /** Milliseconds between requests in ccxt's throttle. @default the exchange's own `rateLimit` */
  rateLimitMs?: number;
  /** Request timeout in ms. @default 10000 */
  timeoutMs?: number;
}

type ExchangeClass = new (config: Record<string, unknown>) => Exchange;

const instances = new Map<string, Exchange>();

function exchangeClass(id: string): ExchangeClass {
  const table = ccxt as unknown as Record<string, unknown>;
  const cls = ccxt.exchanges.includes(id) ? table[id] : undefined;
  if (typeof cls !== 'function') throw new ValidationError(`ccxt has no exchange ${JSON.stringify(id)}`);
  return cls as ExchangeClass;
}

/** Rewrites the origin of every URL in a ccxt `urls.api` value (string or nested record). */
function withOrigin(api: unknown, origin: string, hostname: string): unknown {
  if (typeof api === 'string') {
    const url = new URL(api.replaceAll('{hostname}', hostname));
    return `${origin}${url.pathname === '/' ? '' : url.pathname}`;
  }
  if (api && typeof api === 'object') {
    return Object.fromEntries(Object.entries(api).map(([k, v]) => [k, withOrigin(v, origin, hostname)]));
  }
  return api;
}

/** The shared instance for `id` (and `apiOrigin`), created on first use. */
export function getExchange(id: string, opts: ExchangeOptions = {}): Exchange {
  const key = `${id}|${opts.apiOrigin ?? ''}`;
  let ex = instances.get(key);
  if (!ex) {
    const Cls = exchangeClass(id);
    ex = new Cls({ enableRateLimit: true, timeout: opts.timeoutMs ?? 10_000 });
    if (opts.rateLimitMs !== undefined) ex.rateLimit = opts.rateLimitMs;
    if (opts.apiOrigin !== undefined) {
      const origin = new URL(opts.apiOrigin).origin;
      const hostname = typeof ex.hostname === 'string' ? ex.hostname : '';
      ex.urls['api'] = withOrigin(ex.urls['api'], origin, hostname) as Exchange['urls']['api'];
    }
    instances.set(key, ex);
  }
  return ex;
}

/** Drops every shared instance (tests, shutdown). */
export async function closeExchanges(): Promise<void> {
  const all = [...instances.values()];
  instances.clear();
  await Promise.all(all.map((ex) => ex.close()));
}
