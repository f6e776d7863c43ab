/**
 * Solana wallets as leaders: a wallet's swaps (one token against SOL or USDC,
 * see solana-swap.ts) read from its signatures (`getSignaturesForAddress`)
 * and their transactions (`getTransaction`), newest first from the RPC and
 * handed out oldest first. With a WebSocket URL, `logsSubscribe` pushes each
 * new transaction of the wallet; the watcher still reads through
 * `tradesAfter`. Copies of these trades are paper, priced at the leader's
 * fill (`capabilities.pricing: 'leader-fill'`): no venue here executes them.
 *
 * The cursor is the last signature handed out (and its slot), or a time
 * (`cursorAt`): `sol1:<slot>:<second>:<signature or empty>`.
 */

import { type Clock, systemClock } from '../../domain/clock.js';
import type { Decimal } from '../../domain/decimal.js';
import { ValidationError } from '../../domain/errors.js';
import { growingLru } from '../../lib/growing-lru.js';
import type {
  LeaderSource,
  LeaderSourceCapabilities,
  LeaderStats,
  LeaderTrade,
  RecentTradesQuery,
  SourceCursor,
  TradesPage,
} from '../leader-source.js';
import type { Unsubscribe } from '../types.js';
import { isSolanaAddress } from './solana-address.js';
import { type SignatureRow, SolanaRpc } from './solana-rpc.js';
import { swapOf } from './solana-swap.js';

export interface SolanaWalletSourceOptions {
  /** @default 'https://api.mainnet-beta.solana.com' */
  rpcUrl?: string;
  /** `logsSubscribe` endpoint; null = poll only. @default null */
  wsUrl?: string | null;
  /** @default systemClock */
  clock?: Clock;
  /** Our own budget (the public mainnet endpoint allows 100 requests per 10 s). @default { requestsPerSecond: 8, burst: 8 } */
  rateLimit?: { requestsPerSecond: number; burst: number };
  /** @default 10000 */
  pollIntervalMs?: number;
  /** @default 8000 */
  timeoutMs?: number;
  /** Signatures asked per request (the RPC allows 1-1000). @default 1000 */
  signaturePage?: number;
  /** Most signature requests one call makes. @default 10 */
  maxPagesPerCall?: number;
  /** Transactions fetched at once. @default 4 */
  concurrency?: number;
}

const ADDRESS_FORM = '32 bytes in base58 (32 to 44 characters of 1-9, A-H, J-N, P-Z, a-k, m-z)';
const CURSOR = /^sol1:(\d{1,15}):(\d{1,15}):([1-9A-HJ-NP-Za-km-z]{0,100})$/;
/** Trades listed per `tradesAfter` call, also `capabilities.maxPageSize`. */
const PAGE = 100;

interface Cursor {
  slot: number;
  sec: number;
  sig: string;
}

const encode = (c: Cursor): SourceCursor => `sol1:${c.slot}:${c.sec}:${c.sig}`;

function decode(cursor: SourceCursor): Cursor {
  const m = CURSOR.exec(cursor);
  if (!m) throw new ValidationError(`not a solana cursor: ${JSON.stringify(cursor.slice(0, 40))}`);
  return { slot: Number(m[1]), sec: Number(m[2]), sig: m[3]! };
}

/**
 * @example
 * const source = new SolanaWalletSource({ rpcUrl: 'https://api.mainnet-beta.solana.com', wsUrl: 'wss://api.mainnet-beta.solana.com' });
 * let cursor = await source.currentCursor('9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM');
 * const page = await source.tradesAfter('9WzD…', cursor, source.capabilities.maxPageSize);
 */
export class SolanaWalletSource implements LeaderSource {
  readonly capabilities: LeaderSourceCapabilities;
  private readonly rpc: SolanaRpc;
  private readonly sigPage: number;
  private readonly maxPages: number;
  private readonly concurrency: number;
  /** Parsed swaps by `wallet signature` (null: not a swap): confirmed transactions never change. */
  private readonly parsed = growingLru<string, { trade: Omit<LeaderTrade, 'ts'> | null; sec: number | null }>(
    20_000,
  );
  private readonly live = new Set<AbortController>();

  constructor(opts: SolanaWalletSourceOptions = {}) {
    const clock = opts.clock ?? systemClock;
    this.rpc = new SolanaRpc({
      rpcUrl: opts.rpcUrl ?? 'https://api.mainnet-beta.solana.com',
      wsUrl: opts.wsUrl ?? null,
      clock,
      rateLimit: opts.rateLimit ?? { requestsPerSecond: 8, burst: 8 },
      timeoutMs: opts.timeoutMs ?? 8000,
    });
    this.sigPage = Math.max(1, Math.min(opts.signaturePage ?? 1000, 1000));
    this.maxPages = Math.max(1, opts.maxPagesPerCall ?? 10);
    this.concurrency = Math.max(1, opts.concurrency ?? 4);
    this.capabilities = {
      id: 'solana',
      push: this.rpc.canSubscribe,
      pollIntervalMs: opts.pollIntervalMs ?? 10_000,
      maxPageSize: PAGE,
      addressForm: ADDRESS_FORM,
      pricing: 'leader-fill',
    };
  }

  addressProblem(address: string): string | null {
    return isSolanaAddress(address)
      ? null
      : `a Solana address is ${ADDRESS_FORM}, got ${JSON.stringify(address)}`;
  }

  cursorAt(_address: string, ts: number): SourceCursor {
    return encode({ slot: 0, sec: Math.max(0, Math.floor(ts / 1000)), sig: '' });
  }

  async currentCursor(address: string): Promise<SourceCursor> {
    const [newest] = await this.rpc.signatures(this.wallet(address), { limit: 1 });
    return newest
      ? encode({ slot: newest.slot, sec: newest.blockTime ?? 0, sig: newest.signature })
      : encode({ slot: 0, sec: 0, sig: '' });
  }

  /**
   * The signatures after the cursor (oldest first), then their transactions in
   * that order until `limit` swaps are found; the cursor moves past every
   * signature read, swaps or not. A wallet more than `maxPagesPerCall` x
   * `signaturePage` transactions behind gets the oldest it could reach.
   */
  async tradesAfter(address: string, cursor: SourceCursor, limit: number): Promise<TradesPage> {
    const wallet = this.wallet(address);
    const at = decode(cursor);
    const rows = (await this.newer(wallet, at)).reverse();
    const trades: LeaderTrade[] = [];
    let last: SignatureRow | undefined;
    for (let i = 0; i < rows.length && trades.length < limit; i += this.concurrency) {
      const batch = rows.slice(i, i + this.concurrency);
      const swaps = await Promise.all(batch.map((r) => this.swap(wallet, r)));
      let pending = false;
      for (let j = 0; j < batch.length && trades.length < limit; j++) {
        const t = swaps[j];
        // Not served yet: stop before it, so the next read asks again.
        if (t === 'pending') {
          pending = true;
          break;
        }
        last = batch[j]!;
        if (t) trades.push(t);
      }
      if (pending) break;
    }
    if (!last) return { trades: [], cursor };
    return {
      trades,
      cursor: encode({ slot: last.slot, sec: last.blockTime ?? at.sec, sig: last.signature }),
    };
  }

  async recentTrades(address: string, opts: RecentTradesQuery): Promise<LeaderTrade[]> {
    const wallet = this.wallet(address);
    const since = opts.since ?? 0;
    const before = opts.before ?? Number.POSITIVE_INFINITY;
    const out: LeaderTrade[] = [];
    let page: string | undefined;
    for (let pages = 0; pages < this.maxPages && out.length < opts.limit; pages++) {
      const rows = await this.rpc.signatures(wallet, { limit: this.sigPage, before: page });
      const wanted = rows.filter((r) => !r.failed && (r.blockTime === null || r.blockTime * 1000 < before));
      for (let i = 0; i < wanted.length && out.length < opts.limit; i += this.concurrency) {
        const batch = wanted.slice(i, i + this.concurrency);
        for (const t of await Promise.all(batch.map((r) => this.swap(wallet, r))))
          if (t && t !== 'pending' && t.ts >= since && t.ts < before && out.length < opts.limit) out.push(t);
      }
      const oldest = rows.at(-1);
      if (
        !oldest ||
        rows.length < this.sigPage ||
        (oldest.blockTime !== null && oldest.blockTime * 1000 < since)
      )
        break;
      page = oldest.signature;
    }
    return out;
  }

  /** Solana has no leaderboard: wallets are followed by address. */
  async leaders(): Promise<LeaderStats[]> {
    return [];
  }

  /** Not known in one quote currency (SOL and USDC both quote): `proportional` sizing skips. */
  async equity(address: string): Promise<Decimal | null> {
    this.wallet(address);
    return null;
  }

  /**
   * Pushes each new swap of `address` once, in the order the RPC notifies
   * the transactions. The wallet's newest signature is read before
   * subscribing and what came after it is read once the subscription is
   * acknowledged, so a swap made while subscribing is not lost; each
   * notification waits for the previous one, so the order holds. A lost
   * socket is not re-opened: the watcher's poll goes on.
   */
  subscribe(address: string, onTrade: (t: LeaderTrade) => void): Unsubscribe {
    const wallet = this.wallet(address);
    if (!this.rpc.canSubscribe) return () => {};
    const ac = new AbortController();
    this.live.add(ac);
    const seen = new Set<string>();
    const emit = (t: LeaderTrade | null | 'pending') => {
      if (!t || t === 'pending' || seen.has(t.id) || ac.signal.aborted) return;
      if (seen.size > 10_000) seen.clear();
      seen.add(t.id);
      onTrade(t);
    };
    const row = (sig: string): SignatureRow => ({ signature: sig, slot: 0, blockTime: null, failed: false });
    let queue: Promise<void> = Promise.resolve();
    const enqueue = (step: () => Promise<void>) => {
      queue = queue.then(step).catch(() => {}); // a hint only: the watcher's reads have every trade
    };
    const opened = (async () => {
      const from = await this.currentCursor(wallet);
      await this.rpc.logs(wallet, ac.signal, (sig) =>
        enqueue(async () => emit(await this.swap(wallet, row(sig)))),
      );
      for (let c = from, i = 0; i < 100 && !ac.signal.aborted; i++) {
        const page = await this.tradesAfter(wallet, c, PAGE);
        page.trades.forEach(emit);
        if (page.trades.length === 0) break;
        c = page.cursor;
      }
    })();
    // First in the queue: notifications wait for the catch-up read.
    enqueue(() => opened);
    return () => {
      ac.abort();
      this.live.delete(ac);
    };
  }

  async close(): Promise<void> {
    for (const ac of this.live) ac.abort();
    this.live.clear();
  }

  private wallet(address: string): string {
    const problem = this.addressProblem(address);
    if (problem) throw new ValidationError(problem, { details: [{ path: 'address', message: problem }] });
    return address;
  }

  /** Successful signatures after `at`, newest first, paging back until the cursor (or its second) is reached. */
  private async newer(wallet: string, at: Cursor): Promise<SignatureRow[]> {
    const out: SignatureRow[] = [];
    let before: string | undefined;
    for (let pages = 0; pages < this.maxPages; pages++) {
      const rows = await this.rpc.signatures(wallet, {
        limit: this.sigPage,
        before,
        until: at.sig || undefined,
      });
      let reached = rows.length < this.sigPage;
      for (const r of rows) {
        const older = r.slot < at.slot || (at.sig === '' && r.blockTime !== null && r.blockTime < at.sec);
        if (older || r.signature === at.sig) {
          reached = true;
          break;
        }
        out.push(r);
      }
      if (reached || rows.length === 0) break;
      before = rows.at(-1)!.signature;
    }
    return out;
  }

  /** The swap in one signature's transaction (cached), with its time; null when it is none, 'pending' when the node does not serve it yet. */
  private async swap(wallet: string, row: SignatureRow): Promise<LeaderTrade | null | 'pending'> {
    if (row.failed) return null;
    const key = `${wallet} ${row.signature}`;
    let hit = this.parsed.get(key);
    if (!hit) {
      const tx = await this.rpc.transaction(row.signature);
      if (tx === null) return 'pending';
      const parsed = swapOf(tx, row.signature, wallet);
      const { blockTime, ...trade } = parsed ?? { blockTime: null };
      hit = { trade: parsed ? (trade as Omit<LeaderTrade, 'ts'>) : null, sec: blockTime ?? row.blockTime };
      this.parsed.set(key, hit);
    }
    if (!hit.trade || hit.sec === null) return null;
    return { ...hit.trade, ts: hit.sec * 1000 } as LeaderTrade;
  }
}
