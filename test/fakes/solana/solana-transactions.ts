/**
 * Confirmed Solana transactions as a node serves them from `getTransaction`
 * with `encoding: "jsonParsed"` (solana.com/docs/rpc/http/gettransaction):
 * `{ slot, blockTime, version, meta: { err, status, fee, preBalances,
 * postBalances, preTokenBalances, postTokenBalances, innerInstructions,
 * logMessages, rewards, loadedAddresses, computeUnitsConsumed }, transaction:
 * { signatures, message: { accountKeys: [{ pubkey, signer, source, writable }],
 * instructions, recentBlockhash, addressTableLookups } } }`; token balances are
 * `{ accountIndex, mint, owner, programId, uiTokenAmount: { amount, decimals,
 * uiAmount, uiAmountString } }`. A swap moves the wallet's token account and
 * its SOL (native lamports) or USDC account the opposite way.
 */
import { randomBytes } from 'node:crypto';
import { getBase58Decoder } from '@solana/kit';

export const TOKEN_PROGRAM = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
export const USDC = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
export const WSOL = 'So11111111111111111111111111111111111111112';
const POOL_PROGRAM = 'JUP6LkbZbjS1jKKwapdHNy74zcZ3tLUZoi5QNyVTaV4';

const base58 = getBase58Decoder();
/** A random 32-byte key, base58 (an address). */
export const randomAddress = (): string => base58.decode(randomBytes(32));
/** A random 64-byte signature, base58. */
export const randomSignature = (): string => base58.decode(randomBytes(64));

/** What a test asks for: the wallet gives or gets `tokenUnits` of `mint` for `quoteUnits` of SOL (lamports) or USDC (micro). */
export interface SwapSpec {
  side: 'buy' | 'sell';
  mint: string;
  tokenUnits: bigint;
  tokenDecimals: number;
  quote: 'SOL' | 'USDC';
  quoteUnits: bigint;
  /** A failed transaction (`meta.err` set, balances unchanged but the fee). */
  failed?: boolean;
  /** `version: 0` (default) or `"legacy"`. */
  version?: 0 | 'legacy';
}

const ui = (units: bigint, decimals: number) => {
  const s = units.toString().padStart(decimals + 1, '0');
  const text = decimals === 0 ? s : `${s.slice(0, -decimals)}.${s.slice(-decimals)}`.replace(/\.?0+$/, '');
  return {
    amount: units.toString(),
    decimals,
    uiAmount: units === 0n ? null : Number(text),
    uiAmountString: text,
  };
};

const tokenBalance = (
  accountIndex: number,
  mint: string,
  owner: string,
  units: bigint,
  decimals: number,
) => ({
  accountIndex,
  mint,
  owner,
  programId: TOKEN_PROGRAM,
  uiTokenAmount: ui(units, decimals),
});

/** A transaction of `wallet` (fee payer, account 0) as jsonParsed `getTransaction` returns it. */
export function swapTransaction(
  wallet: string,
  spec: SwapSpec,
  at: { signature: string; slot: number; blockTime: number },
): Record<string, unknown> {
  const fee = 5000n;
  const pool = randomAddress();
  const walletToken = randomAddress();
  const walletQuote = randomAddress();
  const poolToken = randomAddress();
  const poolQuote = randomAddress();
  const ok = !spec.failed;
  const sign = spec.side === 'buy' ? 1n : -1n;
  const tokenMove = ok ? sign * spec.tokenUnits : 0n;
  const quoteMove = ok ? -sign * spec.quoteUnits : 0n;
  const tokenBefore = spec.side === 'buy' ? 0n : spec.tokenUnits * 2n;
  const usdcBefore = 1_000_000_000_000n;
  const solBefore = 50_000_000_000n;
  const solMove = spec.quote === 'SOL' ? quoteMove : 0n;
  const usdcMove = spec.quote === 'USDC' ? quoteMove : 0n;
  const keys = [wallet, walletToken, walletQuote, poolToken, poolQuote, pool, POOL_PROGRAM, TOKEN_PROGRAM];
  const pre = [solBefore, 2_039_280n, 2_039_280n, 2_039_280n, 2_039_280n, 1_000_000_000n, 1n, 1n];
  const post = [solBefore + solMove - fee, ...pre.slice(1)];
  post[5] = pre[5]! - solMove;
  const poolTokens = 10n ** 15n;
  const balances = (after: boolean) => [
    tokenBalance(1, spec.mint, wallet, tokenBefore + (after ? tokenMove : 0n), spec.tokenDecimals),
    ...(spec.quote === 'USDC'
      ? [tokenBalance(2, USDC, wallet, usdcBefore + (after ? usdcMove : 0n), 6)]
      : []),
    tokenBalance(3, spec.mint, pool, poolTokens - (after ? tokenMove : 0n), spec.tokenDecimals),
    ...(spec.quote === 'USDC' ? [tokenBalance(4, USDC, pool, usdcBefore - (after ? usdcMove : 0n), 6)] : []),
  ];
  const err = ok ? null : { InstructionError: [0, { Custom: 6001 }] };
  return {
    slot: at.slot,
    blockTime: at.blockTime,
    version: spec.version ?? 0,
    meta: {
      err,
      status: ok ? { Ok: null } : { Err: err },
      fee: Number(fee),
      preBalances: pre.map(Number),
      postBalances: post.map(Number),
      preTokenBalances: balances(false),
      postTokenBalances: balances(true),
      innerInstructions: [],
      logMessages: [
        `Program ${POOL_PROGRAM} invoke [1]`,
        `Program ${POOL_PROGRAM} ${ok ? 'success' : 'failed'}`,
      ],
      rewards: [],
      loadedAddresses: { writable: [], readonly: [] },
      computeUnitsConsumed: 84_512,
    },
    transaction: {
      signatures: [at.signature],
      message: {
        accountKeys: keys.map((pubkey, i) => ({
          pubkey,
          signer: i === 0,
          source: 'transaction',
          writable: i < 6,
        })),
        instructions: [
          {
            programId: POOL_PROGRAM,
            accounts: keys.slice(0, 6),
            data: '3Bxs4Bc3VYuGVB19',
            stackHeight: null,
          },
        ],
        recentBlockhash: randomAddress(),
        addressTableLookups: [],
      },
    },
  };
}

/** A plain SOL transfer from `wallet` (not a swap). */
export function transferTransaction(
  wallet: string,
  lamports: bigint,
  at: { signature: string; slot: number; blockTime: number },
): Record<string, unknown> {
  const to = randomAddress();
  return {
    slot: at.slot,
    blockTime: at.blockTime,
    version: 'legacy',
    meta: {
      err: null,
      status: { Ok: null },
      fee: 5000,
      preBalances: [10_000_000_000, 0, 1],
      postBalances: [10_000_000_000 - Number(lamports) - 5000, Number(lamports), 1],
      preTokenBalances: [],
      postTokenBalances: [],
      innerInstructions: [],
      logMessages: [
        'Program 11111111111111111111111111111111 invoke [1]',
        'Program 11111111111111111111111111111111 success',
      ],
      rewards: [],
      computeUnitsConsumed: 150,
    },
    transaction: {
      signatures: [at.signature],
      message: {
        accountKeys: [
          { pubkey: wallet, signer: true, source: 'transaction', writable: true },
          { pubkey: to, signer: false, source: 'transaction', writable: true },
          {
            pubkey: '11111111111111111111111111111111',
            signer: false,
            source: 'transaction',
            writable: false,
          },
        ],
        instructions: [
          {
            parsed: {
              info: { destination: to, lamports: Number(lamports), source: wallet },
              type: 'transfer',
            },
            program: 'system',
            programId: '11111111111111111111111111111111',
            stackHeight: null,
          },
        ],
        recentBlockhash: randomAddress(),
      },
    },
  };
}
