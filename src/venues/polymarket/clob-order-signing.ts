/**
 * Polymarket CLOB orders (CTF Exchange V2, the order the client's
 * `orderToJsonV2` posts), built so the same copy always makes the same
 * order: the CLOB has no client order id, and its order id is the order's
 * EIP-712 hash. The client's own builders draw a random salt and stamp
 * `Date.now()`; here the salt is the copy's client order id (52 bits of
 * SHA-256 of (follow, leader trade): `salt` travels as a JSON number) and the
 * timestamp is when the copy was planned, so a re-send of a copy signs the
 * very same order (ECDSA signatures are deterministic, RFC 6979) and its
 * hash finds it after a lost acknowledgement.
 */
import { createHash } from 'node:crypto';
import { Chain, getContractConfig, Side, SignatureTypeV2 } from '@polymarket/clob-client-v2';
import { hashTypedData, type LocalAccount } from 'viem';
import { type Exact, exact, formatExact } from '../../domain/decimal.js';

/** The Order struct of CTF Exchange V2 (as `ctfExchangeV2TypedData` in the client). */
export const ORDER_V2_TYPES = {
  Order: [
    { name: 'salt', type: 'uint256' },
    { name: 'maker', type: 'address' },
    { name: 'signer', type: 'address' },
    { name: 'tokenId', type: 'uint256' },
    { name: 'makerAmount', type: 'uint256' },
    { name: 'takerAmount', type: 'uint256' },
    { name: 'side', type: 'uint8' },
    { name: 'signatureType', type: 'uint8' },
    { name: 'timestamp', type: 'uint256' },
    { name: 'metadata', type: 'bytes32' },
    { name: 'builder', type: 'bytes32' },
  ],
} as const;

const ZERO32 = `0x${'0'.repeat(64)}` as const;
/** USDC and outcome tokens both have 6 decimals. */
const UNITS = 6;

/** The EIP-712 domain orders of a market are signed for (neg-risk markets settle on their own exchange). */
export function orderDomain(negRisk: boolean, chainId: number = Chain.POLYGON) {
  const c = getContractConfig(chainId);
  return {
    name: 'Polymarket CTF Exchange',
    version: '2',
    chainId,
    verifyingContract: (negRisk ? c.negRiskExchangeV2 : c.exchangeV2) as `0x${string}`,
  };
}

/** The decimal salt of a copy: 52 bits of SHA-256 of (follow, leader trade), below 2^53. */
export function polymarketClientOrderId(traderId: number, tradeId: string): string {
  const h = createHash('sha256').update(`${traderId}:${tradeId}`).digest();
  return String(h.readBigUInt64BE(0) >> 12n);
}

/** The signed order as `orderToJsonV2` reads it (a type, not an interface: the client's has an index signature). */
export type SignedClobOrder = {
  salt: string;
  maker: string;
  signer: string;
  taker: string;
  tokenId: string;
  makerAmount: string;
  takerAmount: string;
  side: Side;
  signatureType: SignatureTypeV2;
  timestamp: string;
  expiration: string;
  metadata: string;
  builder: string;
  signature: string;
};

export interface OrderTerms {
  salt: string;
  tokenId: string;
  side: 'buy' | 'sell';
  /** Outcome tokens. */
  size: Exact;
  /** The limit: the worst price the order may fill at. */
  limit: Exact;
  timestamp: number;
  negRisk: boolean;
}

const baseUnits = (x: Exact): string =>
  formatExact(exact.round(exact.mul(x, { m: 10n ** BigInt(UNITS), s: 0 }), 0));

/** The message a CLOB order signs: a buy gives USDC (size × limit) for tokens, a sell the reverse. */
export function orderMessage(t: OrderTerms, address: string) {
  const tokens = baseUnits(t.size);
  const usdc = baseUnits(exact.mul(t.size, t.limit));
  return {
    salt: t.salt,
    maker: address,
    signer: address,
    tokenId: t.tokenId,
    makerAmount: t.side === 'buy' ? usdc : tokens,
    takerAmount: t.side === 'buy' ? tokens : usdc,
    side: t.side === 'buy' ? 0 : 1,
    signatureType: SignatureTypeV2.EOA as number,
    timestamp: String(t.timestamp),
    metadata: ZERO32 as string,
    builder: ZERO32 as string,
  };
}

type Message = ReturnType<typeof orderMessage>;

const typed = (m: Message, negRisk: boolean) => ({
  domain: orderDomain(negRisk),
  types: ORDER_V2_TYPES,
  primaryType: 'Order' as const,
  message: {
    ...m,
    salt: BigInt(m.salt),
    tokenId: BigInt(m.tokenId),
    makerAmount: BigInt(m.makerAmount),
    takerAmount: BigInt(m.takerAmount),
    timestamp: BigInt(m.timestamp),
    maker: m.maker as `0x${string}`,
    signer: m.signer as `0x${string}`,
    metadata: m.metadata as `0x${string}`,
    builder: m.builder as `0x${string}`,
  },
});

/** The order id the CLOB gives an order: its EIP-712 hash. */
export function orderHash(m: Message, negRisk: boolean): string {
  return hashTypedData(typed(m, negRisk));
}

/** The order signed by `account`, and its id. */
export async function signOrder(
  account: LocalAccount,
  t: OrderTerms,
): Promise<{ order: SignedClobOrder; hash: string }> {
  const m = orderMessage(t, account.address);
  const signature = await account.signTypedData(typed(m, t.negRisk));
  const order: SignedClobOrder = {
    ...m,
    taker: '0x0000000000000000000000000000000000000000',
    side: t.side === 'buy' ? Side.BUY : Side.SELL,
    signatureType: SignatureTypeV2.EOA,
    expiration: '0',
    signature,
  };
  return { order, hash: orderHash(m, t.negRisk) };
}
