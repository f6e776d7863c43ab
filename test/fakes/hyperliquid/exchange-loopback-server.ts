/**
 * A fake Hyperliquid exchange on 127.0.0.1, speaking the API ccxt's
 * `hyperliquid` class uses (hyperliquid.gitbook.io/hyperliquid-docs/
 * for-developers/api): `POST /info` with `{type, ...}` — `spotMeta`,
 * `spotMetaAndAssetCtxs`, `meta`, `metaAndAssetCtxs`, `perpDexs`, `allMids`,
 * `spotClearinghouseState`, `clearinghouseState`, `userAbstraction`,
 * `userRole`, `orderStatus` (by oid or cloid; `{"status":"unknownOid"}`),
 * `openOrders`/`frontendOpenOrders`, `userFills`, `userFillsByTime` — and
 * `POST /exchange` with a signed `order` action. The signer is recovered
 * from the EIP-712 signature of the L1 action (msgpack of the action, the
 * nonce as 8 bytes big-endian, the vault marker; an `Agent {source: "a",
 * connectionId}` on domain Exchange/1/1337), and must be an account's own
 * key or an API wallet it approved; anyone else gets `{"status": "err",
 * "response": "User or API Wallet 0x… does not exist."}`. Other actions are
 * answered with an error (the loopback trades only). Test controls: add
 * accounts, set prices, lose the next order acknowledgements (carried out,
 * connection dropped), delay answers, fail the next requests.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Packr } from 'msgpackr';
import { concat, type Hex, keccak256, recoverTypedDataAddress } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import type { Decimal } from '../../../src/domain/decimal.js';
import {
  type FakeSpotPair,
  type FakeToken,
  HyperliquidLoopbackAccount,
  type WireOrder,
} from './exchange-loopback-account.js';

export const TOKENS: FakeToken[] = [
  { name: 'USDC', szDecimals: 8, weiDecimals: 8, fullName: null },
  { name: 'PURR', szDecimals: 0, weiDecimals: 5, fullName: null },
  { name: 'UBTC', szDecimals: 5, weiDecimals: 10, fullName: 'Unit Bitcoin' },
  { name: 'UETH', szDecimals: 4, weiDecimals: 9, fullName: 'Unit Ethereum' },
  { name: 'USDT0', szDecimals: 2, weiDecimals: 8, fullName: 'USDT0' },
];
/** ccxt lists them as PURR/USDC, BTC/USDC, ETH/USDC and BTC/USDT (UBTC and USDT0 renamed). */
const PAIRS: FakeSpotPair[] = [
  { name: 'PURR/USDC', tokens: [1, 0], price: '0.2' as Decimal },
  { name: '@1', tokens: [2, 0], price: '65000' as Decimal },
  { name: '@2', tokens: [3, 0], price: '3200' as Decimal },
  { name: '@3', tokens: [2, 4], price: '65000' as Decimal },
];
const PERPS = [
  { name: 'BTC', szDecimals: 5, maxLeverage: 40, markPx: '65000.0' },
  { name: 'ETH', szDecimals: 4, maxLeverage: 25, markPx: '3200.0' },
];
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const PUBLIC = new Set([
  'spotMeta',
  'spotMetaAndAssetCtxs',
  'meta',
  'metaAndAssetCtxs',
  'perpDexs',
  'allMids',
]);
const packr = new Packr({ useRecords: false, variableMapSize: true });

export class HyperliquidExchangeServer {
  /** Every body received, with its path. */
  readonly requests: { path: string; body: Record<string, unknown> }[] = [];
  /** Milliseconds `/exchange` waits before it answers. */
  latencyMs = 0;
  private readonly accounts = new Map<string, HyperliquidLoopbackAccount>();
  private readonly agents = new Map<string, string>();
  private readonly pairs = PAIRS.map((p) => ({ ...p }));
  private readonly faults: number[] = [];
  private lostAcks = 0;
  private oid = 30_000_000_000;
  private tid = 900_000_000_000_000;

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(): Promise<HyperliquidExchangeServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const fake = new HyperliquidExchangeServer(
      server,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    );
    server.on('request', (req, res) => void fake.handle(req, res));
    return fake;
  }

  /**
   * An account with its owner key and an approved API wallet (agent), each a
   * fresh private key: the wallet address is the owner key's.
   */
  addAccount(opts: { balances?: Record<string, string>; feeRate?: string } = {}) {
    const ownerKey = `0x${randomBytes(32).toString('hex')}` as Hex;
    const agentKey = `0x${randomBytes(32).toString('hex')}` as Hex;
    const wallet = privateKeyToAddress(ownerKey).toLowerCase();
    const agent = privateKeyToAddress(agentKey).toLowerCase();
    const account = new HyperliquidLoopbackAccount(
      wallet,
      {
        tokens: TOKENS,
        pairs: this.pairs,
        nextOid: () => this.oid++,
        nextTid: () => this.tid++,
        now: Date.now,
      },
      opts,
    );
    this.accounts.set(wallet, account);
    this.agents.set(agent, wallet);
    return { account, wallet, ownerKey, agentKey, agent };
  }

  /** Sets the price of spot pair `name` (`@1` is BTC/USDC, `@3` BTC/USDT). */
  setPrice(name: string, price: string): void {
    this.pairs.find((p) => p.name === name)!.price = price as Decimal;
  }

  count(type: string): number {
    return this.requests.filter(
      (r) => (r.body['type'] ?? (r.body['action'] as { type?: string })?.type) === type,
    ).length;
  }

  /** The next `times` orders are carried out, but the connection drops before the answer. */
  loseNextAcks(times = 1): void {
    this.lostAcks += times;
  }

  failNext(status: number, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push(status);
  }

  clearFailures(): void {
    this.faults.length = 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = req.url ?? '/';
    if (req.method !== 'POST' || (path !== '/info' && path !== '/exchange'))
      return text(res, 404, 'Not Found');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return text(res, 422, 'Failed to deserialize the JSON body into the target type');
    }
    this.requests.push({ path, body });
    const fault = this.faults.shift();
    if (fault !== undefined) return text(res, fault, 'Service Unavailable');
    if (path === '/info') {
      const answer = this.info(body);
      return answer instanceof Complaint ? text(res, 422, answer.message) : json(res, answer);
    }
    const answer = await this.exchange(body);
    const lost = answer.placed && this.lostAcks > 0;
    if (lost) this.lostAcks--;
    const send = () => (lost ? req.socket.destroy() : json(res, answer.body));
    if (this.latencyMs > 0) setTimeout(send, this.latencyMs);
    else send();
  }

  /** The answer to an info request: a JSON body, or Hyperliquid's plain-text complaint (422). */
  private info(body: Record<string, unknown>): unknown | Complaint {
    const user = typeof body['user'] === 'string' ? body['user'].toLowerCase() : undefined;
    if (!PUBLIC.has(String(body['type'])) && (!user || !ADDRESS.test(user)))
      return complaint('Failed to deserialize the JSON body into the target type: user: invalid address');
    const account = user ? this.accounts.get(user) : undefined;
    switch (body['type']) {
      case 'spotMeta':
        return this.spotMeta();
      case 'spotMetaAndAssetCtxs':
        return [this.spotMeta(), this.pairs.map((p) => this.spotCtx(p))];
      case 'meta':
        return { universe: PERPS.map(({ markPx: _, ...p }) => p) };
      case 'metaAndAssetCtxs':
        return [
          { universe: PERPS.map(({ markPx: _, ...p }) => p) },
          PERPS.map((p) => ({
            ...ctx(p.markPx),
            funding: '0.0000125',
            openInterest: '100.0',
            oraclePx: p.markPx,
          })),
        ];
      case 'perpDexs':
        return [null];
      case 'allMids':
        return Object.fromEntries(this.pairs.map((p) => [p.name, p.price]));
      case 'userAbstraction':
        return 'default';
      case 'userRole':
        return this.role(user!);
      case 'spotClearinghouseState':
        return account ? account.spotState() : { balances: [] };
      case 'clearinghouseState': {
        const zero = { accountValue: '0.0', totalNtlPos: '0.0', totalRawUsd: '0.0', totalMarginUsed: '0.0' };
        return {
          marginSummary: zero,
          crossMarginSummary: zero,
          crossMaintenanceMarginUsed: '0.0',
          withdrawable: '0.0',
          assetPositions: [],
          time: Date.now(),
        };
      }
      case 'orderStatus':
        return account ? account.orderStatus(body['oid']) : { status: 'unknownOid' };
      case 'openOrders':
      case 'frontendOpenOrders':
        return account ? account.openOrders() : [];
      case 'userFills':
        return account ? [...account.fills].reverse().slice(0, 2000) : [];
      case 'userFillsByTime': {
        const start = body['startTime'];
        const end = typeof body['endTime'] === 'number' ? body['endTime'] : Number.MAX_SAFE_INTEGER;
        if (typeof start !== 'number')
          return complaint('Failed to deserialize the JSON body into the target type: startTime');
        const fills = (account?.fills ?? []).filter((f) => f.time >= start && f.time <= end);
        return fills.slice(0, 2000);
      }
      default:
        return complaint('Failed to deserialize the JSON body into the target type: unknown variant');
    }
  }

  private role(user: string): unknown {
    if (this.accounts.has(user)) return { role: 'user' };
    const of = this.agents.get(user);
    return of ? { role: 'agent', data: { user: of } } : { role: 'missing' };
  }

  /** A signed action: the signer's account places the orders (`placed` when any order reached the book). */
  private async exchange(body: Record<string, unknown>): Promise<{ body: unknown; placed: boolean }> {
    const action = body['action'] as { type?: unknown; orders?: unknown } | undefined;
    const nonce = body['nonce'];
    const sig = body['signature'] as { r?: Hex; s?: Hex; v?: number } | undefined;
    const err = (response: string) => ({ body: { status: 'err', response }, placed: false });
    if (!action || typeof nonce !== 'number' || !sig?.r || !sig.s || typeof sig.v !== 'number')
      return err('Failed to deserialize the JSON body into the target type');
    const signer = await this.signer(action, nonce, body, sig as { r: Hex; s: Hex; v: number });
    const wallet = this.accounts.has(signer) ? signer : this.agents.get(signer);
    const account = wallet ? this.accounts.get(wallet) : undefined;
    if (!account) return err(`User or API Wallet ${signer} does not exist.`);
    if (action.type !== 'order' || !Array.isArray(action.orders))
      return err(`The loopback exchange does not carry out ${String(action.type)} actions`);
    const statuses = (action.orders as WireOrder[]).map((o) => account.place(o));
    return {
      body: { status: 'ok', response: { type: 'order', data: { statuses } } },
      placed: statuses.some((s) => !('error' in s)),
    };
  }

  private async signer(
    action: object,
    nonce: number,
    body: Record<string, unknown>,
    sig: { r: Hex; s: Hex; v: number },
  ): Promise<string> {
    const nonceBytes = new Uint8Array(8);
    new DataView(nonceBytes.buffer).setBigUint64(0, BigInt(nonce));
    const vault = typeof body['vaultAddress'] === 'string' ? body['vaultAddress'].replace(/^0x/, '') : null;
    const parts: Uint8Array[] = [packr.pack(action), nonceBytes, Uint8Array.from([vault ? 1 : 0])];
    if (vault) parts.push(Buffer.from(vault, 'hex'));
    if (typeof body['expiresAfter'] === 'number') {
      const e = new Uint8Array(9);
      new DataView(e.buffer).setBigUint64(1, BigInt(body['expiresAfter']));
      parts.push(e);
    }
    try {
      const address = await recoverTypedDataAddress({
        domain: {
          name: 'Exchange',
          version: '1',
          chainId: 1337,
          verifyingContract: '0x0000000000000000000000000000000000000000',
        },
        types: {
          Agent: [
            { name: 'source', type: 'string' },
            { name: 'connectionId', type: 'bytes32' },
          ],
        },
        primaryType: 'Agent',
        message: { source: 'a', connectionId: keccak256(concat(parts)) },
        signature: { r: sig.r, s: sig.s, v: BigInt(sig.v) },
      });
      return address.toLowerCase();
    } catch {
      return '0x0000000000000000000000000000000000000000';
    }
  }

  private spotMeta() {
    return {
      universe: this.pairs.map((p, index) => ({
        tokens: p.tokens,
        name: p.name,
        index,
        isCanonical: index === 0,
      })),
      tokens: TOKENS.map((t, index) => ({
        ...t,
        index,
        tokenId: `0x${index.toString(16).padStart(32, '0')}`,
        isCanonical: true,
        evmContract: null,
        deployerTradingFeeShare: '0.0',
      })),
    };
  }

  private spotCtx(p: FakeSpotPair) {
    return {
      ...ctx(p.price),
      circulatingSupply: '1000000.0',
      coin: p.name,
      totalSupply: '1000000.0',
    };
  }
}

class Complaint {
  constructor(readonly message: string) {}
}
const complaint = (message: string) => new Complaint(message);

function ctx(price: string) {
  return { prevDayPx: price, dayNtlVlm: '1000000.0', markPx: price, midPx: price, dayBaseVlm: '100.0' };
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(body);
}
