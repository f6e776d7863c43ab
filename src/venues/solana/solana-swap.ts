/**
 * A Solana transaction (as `getTransaction` returns it with `jsonParsed`) read
 * as a swap of one wallet: the wallet's token balance changes (`meta.pre/
 * postTokenBalances` of accounts it owns) and its native SOL change
 * (`meta.pre/postBalances` at its account index, the fee given back when it
 * paid it). One token up and the quote (USDC, else SOL/wrapped SOL) down is a
 * buy; the reverse a sell; anything else (transfers, several tokens, no quote
 * leg) is no trade. Pure: amounts are exact integers of base units.
 */
import { type Exact, exact, formatExact } from '../../domain/decimal.js';
import { UnavailableError } from '../../domain/errors.js';
import type { LeaderTrade } from '../leader-source.js';

/** Wrapped SOL: its token balance moves count as SOL. */
export const WSOL_MINT = 'So11111111111111111111111111111111111111112';
/** Circle's USDC on mainnet-beta. */
export const USDC_MINT = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
const SOL_DECIMALS = 9;
/** Places kept in a derived price (quote per token). */
const PRICE_PLACES = 12;

/** An amount of base units with its decimals: `units / 10^decimals`. */
interface Amount {
  units: bigint;
  decimals: number;
}

const what = 'solana getTransaction';

function bad(field: string, value: unknown): UnavailableError {
  const shown = (() => {
    try {
      return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? String(v) : v))?.slice(0, 60);
    } catch {
      return String(value);
    }
  })();
  return new UnavailableError(`${what}: unexpected ${field} ${shown}`);
}

function obj(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(field, v);
  return v as Record<string, unknown>;
}

/** A u64 the client may hand over as a bigint, a safe integer or digits. */
function integer(v: unknown, field: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^\d{1,30}$/.test(v)) return BigInt(v);
  throw bad(field, v);
}

/** The account keys as base58 strings (jsonParsed gives `{pubkey, ...}`, other encodings plain strings). */
function accountKeys(tx: Record<string, unknown>): string[] {
  const message = obj(obj(tx['transaction'], 'transaction')['message'], 'transaction.message');
  const keys = message['accountKeys'];
  if (!Array.isArray(keys)) throw bad('transaction.message.accountKeys', keys);
  return keys.map((k) => {
    if (typeof k === 'string') return k;
    const pubkey = obj(k, 'accountKeys[]')['pubkey'];
    if (typeof pubkey !== 'string') throw bad('accountKeys[].pubkey', pubkey);
    return pubkey;
  });
}

/** Sum of the wallet's token balances per mint, from one of `preTokenBalances`/`postTokenBalances`. */
function tokenBalances(list: unknown, wallet: string, field: string): Map<string, Amount> {
  const out = new Map<string, Amount>();
  if (list === undefined || list === null) return out;
  if (!Array.isArray(list)) throw bad(field, list);
  for (const raw of list) {
    const b = obj(raw, field);
    if (b['owner'] !== wallet) continue;
    const mint = b['mint'];
    if (typeof mint !== 'string') throw bad(`${field}[].mint`, mint);
    const ui = obj(b['uiTokenAmount'], `${field}[].uiTokenAmount`);
    const decimals = Number(ui['decimals']);
    if (!Number.isInteger(decimals) || decimals < 0 || decimals > 30) throw bad('decimals', ui['decimals']);
    const units = integer(ui['amount'], `${field}[].uiTokenAmount.amount`);
    const prev = out.get(mint);
    out.set(mint, { units: (prev?.units ?? 0n) + units, decimals });
  }
  return out;
}

const asExact = (a: Amount): Exact => ({ m: a.units, s: a.decimals });

/** The wallet's change per mint (post - pre), native SOL folded into wrapped SOL; zero changes dropped. */
export function balanceChanges(tx: Record<string, unknown>, wallet: string): Map<string, Amount> {
  const meta = obj(tx['meta'], 'meta');
  const pre = tokenBalances(meta['preTokenBalances'], wallet, 'meta.preTokenBalances');
  const post = tokenBalances(meta['postTokenBalances'], wallet, 'meta.postTokenBalances');
  const out = new Map<string, Amount>();
  for (const mint of new Set([...pre.keys(), ...post.keys()])) {
    const decimals = post.get(mint)?.decimals ?? pre.get(mint)?.decimals ?? 0;
    const units = (post.get(mint)?.units ?? 0n) - (pre.get(mint)?.units ?? 0n);
    if (units !== 0n) out.set(mint, { units, decimals });
  }
  const keys = accountKeys(tx);
  const index = keys.indexOf(wallet);
  if (index >= 0) {
    const preSol = meta['preBalances'];
    const postSol = meta['postBalances'];
    if (!Array.isArray(preSol) || !Array.isArray(postSol)) throw bad('meta.preBalances', preSol);
    let lamports =
      integer(postSol[index], 'meta.postBalances[]') - integer(preSol[index], 'meta.preBalances[]');
    // The fee is not part of the swap: the fee payer (account 0) gets it back.
    if (index === 0) lamports += integer(meta['fee'] ?? 0, 'meta.fee');
    const wsol = out.get(WSOL_MINT)?.units ?? 0n;
    const sol = lamports + wsol;
    if (sol === 0n) out.delete(WSOL_MINT);
    else out.set(WSOL_MINT, { units: sol, decimals: SOL_DECIMALS });
  }
  return out;
}

/** The quote leg: USDC when it moved, else SOL. */
function quoteOf(changes: Map<string, Amount>): { mint: string; name: 'USDC' | 'SOL' } | null {
  if (changes.has(USDC_MINT)) return { mint: USDC_MINT, name: 'USDC' };
  if (changes.has(WSOL_MINT)) return { mint: WSOL_MINT, name: 'SOL' };
  return null;
}

/**
 * The wallet's trade in a confirmed transaction, or null when it is not a
 * swap of one token against SOL or USDC (or failed). The market is
 * `<token mint>/<SOL|USDC>`, the id the signature (one trade per transaction).
 */
export function swapOf(
  tx: unknown,
  signature: string,
  wallet: string,
): (Omit<LeaderTrade, 'ts'> & { blockTime: number | null }) | null {
  const t = obj(tx, 'result');
  const meta = obj(t['meta'], 'meta');
  if (meta['err'] !== null && meta['err'] !== undefined) return null;
  const changes = balanceChanges(t, wallet);
  const quote = quoteOf(changes);
  if (!quote) return null;
  const quoteLeg = changes.get(quote.mint)!;
  const others = [...changes.entries()].filter(([mint]) => mint !== quote.mint && mint !== WSOL_MINT);
  // USDC-quoted swaps may also move SOL (rent, tips): only one other token may change.
  if (others.length !== 1) return null;
  const [mint, token] = others[0]!;
  if (token.units > 0n === quoteLeg.units > 0n) return null;
  const size = exact.abs(asExact(token));
  const paid = exact.abs(asExact(quoteLeg));
  const price = exact.div(paid, size, PRICE_PLACES);
  if (exact.sign(price) <= 0) return null;
  const blockTime = t['blockTime'];
  return {
    id: signature,
    side: token.units > 0n ? 'buy' : 'sell',
    market: `${mint}/${quote.name}`,
    outcomeIndex: null,
    size: formatExact(size),
    price: formatExact(price),
    blockTime: blockTime === null || blockTime === undefined ? null : Number(integer(blockTime, 'blockTime')),
  };
}
