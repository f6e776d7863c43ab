/**
 * The three Solana JSON-RPC calls the wallet source makes, through
 * `@solana/kit`: `getSignaturesForAddress`, `getTransaction` (jsonParsed, v0
 * transactions accepted) and `logsSubscribe` over the WebSocket. Each HTTP
 * call waits for our own rate limit, is bounded by a timeout and fails as a
 * domain error: 429 is RATE_LIMITED (with Retry-After), a slow answer
 * TIMEOUT, anything else DEPENDENCY_UNAVAILABLE naming the method.
 *
 * The kit (about 50 modules, ~10 MiB resident) is loaded on the first call,
 * so a service that never watches a Solana wallet does not carry it.
 */
import type { Address, createSolanaRpc, createSolanaRpcSubscriptions } from '@solana/kit';
import type { Clock } from '../../domain/clock.js';
import { RateLimitedError, TimeoutError, UnavailableError } from '../../domain/errors.js';
import { TokenBucket } from '../../lib/token-bucket.js';
import { retryAfterMs } from '../http-json.js';

/** One row of `getSignaturesForAddress`, as the source uses it. */
export interface SignatureRow {
  signature: string;
  slot: number;
  /** Seconds since the epoch, null when the node does not know it. */
  blockTime: number | null;
  failed: boolean;
}

export interface SolanaRpcOptions {
  rpcUrl: string;
  /** WebSocket URL for `logsSubscribe`; null = none (polling only). */
  wsUrl: string | null;
  clock: Clock;
  rateLimit: { requestsPerSecond: number; burst: number };
  timeoutMs: number;
}

const COMMITMENT = 'confirmed' as const;

/** Retry-After from the transport error's headers; 1 s when absent. */
const retryAfter = (headers: unknown, now: number): number =>
  retryAfterMs(headers instanceof Headers ? headers.get('retry-after') : null, now);

type Kit = typeof import('@solana/kit');

interface Clients {
  kit: Kit;
  rpc: ReturnType<typeof createSolanaRpc>;
  subscriptions: ReturnType<typeof createSolanaRpcSubscriptions> | null;
}

export class SolanaRpc {
  private clients: Promise<Clients> | undefined;
  private readonly bucket: TokenBucket;

  constructor(private readonly o: SolanaRpcOptions) {
    this.bucket = new TokenBucket(o.clock, o.rateLimit.requestsPerSecond, Math.max(1, o.rateLimit.burst));
  }

  get canSubscribe(): boolean {
    return this.o.wsUrl !== null;
  }

  /** The kit and its clients, loaded once on first use. */
  private load(): Promise<Clients> {
    this.clients ??= import('@solana/kit').then((kit) => ({
      kit,
      rpc: kit.createSolanaRpc(this.o.rpcUrl),
      subscriptions: this.o.wsUrl ? kit.createSolanaRpcSubscriptions(this.o.wsUrl) : null,
    }));
    return this.clients;
  }

  /** Signatures of transactions that mention `wallet`, newest first (`until` exclusive, `before` exclusive). */
  async signatures(
    wallet: string,
    opts: { limit: number; before?: string | undefined; until?: string | undefined },
  ): Promise<SignatureRow[]> {
    const rows = await this.call('getSignaturesForAddress', ({ kit, rpc }, abortSignal) =>
      rpc
        .getSignaturesForAddress(kit.address(wallet), {
          commitment: COMMITMENT,
          limit: opts.limit,
          ...(opts.before ? { before: kit.signature(opts.before) } : {}),
          ...(opts.until ? { until: kit.signature(opts.until) } : {}),
        })
        .send({ abortSignal }),
    );
    return rows.map((r) => ({
      signature: r.signature,
      slot: Number(r.slot),
      blockTime: r.blockTime === null ? null : Number(r.blockTime),
      failed: r.err !== null,
    }));
  }

  /** The confirmed transaction, jsonParsed, or null when the node does not have it (yet). */
  async transaction(sig: string): Promise<unknown> {
    return this.call('getTransaction', ({ kit, rpc }, abortSignal) =>
      rpc
        .getTransaction(kit.signature(sig), {
          commitment: COMMITMENT,
          encoding: 'jsonParsed',
          maxSupportedTransactionVersion: 0,
        })
        .send({ abortSignal }),
    );
  }

  /**
   * Calls `onSignature` with each successful transaction mentioning `wallet`
   * as `logsNotification`s arrive, until `signal` aborts. Resolves once the
   * subscription is acknowledged; rejects when it cannot be made.
   */
  async logs(
    wallet: Address | string,
    signal: AbortSignal,
    onSignature: (sig: string) => void,
  ): Promise<void> {
    const { kit, subscriptions } = await this.load();
    if (!subscriptions) throw new UnavailableError('solana logsSubscribe: no WebSocket URL configured');
    const stream = await subscriptions
      .logsNotifications({ mentions: [kit.address(wallet)] }, { commitment: COMMITMENT })
      .subscribe({ abortSignal: signal });
    void (async () => {
      try {
        for await (const n of stream) if (n.value.err === null) onSignature(n.value.signature);
      } catch {
        // The socket closed or the subscription was aborted: the caller's poll goes on.
      }
    })();
  }

  private async call<T>(method: string, run: (c: Clients, signal: AbortSignal) => Promise<T>): Promise<T> {
    const clients = await this.load();
    const { kit } = clients;
    for (let wait = this.bucket.take(1); wait > 0; wait = this.bucket.take(1)) await this.o.clock.sleep(wait);
    const what = `solana ${method}`;
    try {
      return await run(clients, AbortSignal.timeout(this.o.timeoutMs));
    } catch (err) {
      if (kit.isSolanaError(err, kit.SOLANA_ERROR__RPC__TRANSPORT_HTTP_ERROR)) {
        const { statusCode, headers } = err.context;
        if (statusCode === 429)
          throw new RateLimitedError(
            `${what}: rate limited (HTTP 429)`,
            retryAfter(headers, this.o.clock.now()),
          );
        throw new UnavailableError(`${what}: HTTP ${statusCode}`, { cause: err });
      }
      if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))
        throw new TimeoutError(`${what}: no answer within ${this.o.timeoutMs} ms`, { cause: err });
      throw new UnavailableError(`${what}: ${err instanceof Error ? err.message : String(err)}`, {
        cause: err,
      });
    }
  }
}
