/**
 * A fake Solana RPC node on 127.0.0.1: JSON-RPC 2.0 over HTTP POST and the
 * PubSub WebSocket on the same port, in the formats of
 * solana.com/docs/rpc:
 *
 * - `getSignaturesForAddress(address, { limit 1..1000 (default 1000), before,
 *   until, commitment })`: `[{ signature, slot, err, memo, blockTime,
 *   confirmationStatus }]`, newest first; `before`/`until` exclusive.
 * - `getTransaction(signature, { encoding, maxSupportedTransactionVersion,
 *   commitment })`: the transaction (see solana-transactions.ts) or null; a
 *   version-0 transaction without `maxSupportedTransactionVersion` is the
 *   node's error -32015.
 * - `logsSubscribe([{ mentions: [address] }, { commitment }])` -> a
 *   subscription id, then `logsNotification` `{ result: { context: { slot },
 *   value: { signature, err, logs } }, subscription }` per new transaction
 *   mentioning the address; `logsUnsubscribe([id])` -> true.
 *
 * Errors are JSON-RPC `{ error: { code, message } }` (-32602 invalid params,
 * -32601 unknown method). Test controls add transactions, fail the next HTTP
 * answers (status, delay) and count requests per method.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAddress } from '@solana/kit';
import { type WebSocket, WebSocketServer } from 'ws';
import {
  randomSignature,
  type SwapSpec,
  swapTransaction,
  transferTransaction,
} from './solana-transactions.js';

interface Stored {
  signature: string;
  slot: number;
  blockTime: number;
  wallet: string;
  failed: boolean;
  tx: Record<string, unknown>;
}

type Fault = { kind: 'status'; status: number; retryAfter?: string } | { kind: 'delay'; ms: number };

export class SolanaRpcLoopbackServer {
  /** Every HTTP call's method, in arrival order. */
  readonly calls: string[] = [];
  private readonly txs: Stored[] = [];
  private readonly bySig = new Map<string, Stored>();
  private readonly subs = new Map<number, { socket: WebSocket; wallet: string }>();
  private readonly faults: Fault[] = [];
  private nextSub = 1;
  private slot = 300_000_000;
  /** The fake chain's clock, epoch seconds: each transaction at least one second after the last (and not before now) unless told. */
  private second = 0;

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
  ) {}

  static async start(): Promise<SolanaRpcLoopbackServer> {
    const server = createServer();
    const wss = new WebSocketServer({ server });
    const fake = new SolanaRpcLoopbackServer(server, wss);
    server.on('request', (req, res) => void fake.http(req, res));
    wss.on('connection', (socket) => fake.socket(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get wsUrl(): string {
    return this.url.replace('http:', 'ws:');
  }

  count(method: string): number {
    return this.calls.filter((m) => m === method).length;
  }

  /** Open `logsSubscribe` subscriptions that mention `wallet`. */
  subscribers(wallet: string): number {
    return [...this.subs.values()].filter((s) => s.wallet === wallet).length;
  }

  /** Adds a swap of `wallet`; returns its signature. */
  addSwap(wallet: string, spec: SwapSpec, blockTime?: number): string {
    return this.add(wallet, !!spec.failed, (at) => swapTransaction(wallet, spec, at), blockTime);
  }

  /** Adds a SOL transfer of `wallet` (no trade). */
  addTransfer(wallet: string, lamports = 1_000_000n, blockTime?: number): string {
    return this.add(wallet, false, (at) => transferTransaction(wallet, lamports, at), blockTime);
  }

  failNext(status: number, opts: { retryAfter?: string } = {}): void {
    this.faults.push({ kind: 'status', status, ...opts });
  }

  delayNext(ms: number): void {
    this.faults.push({ kind: 'delay', ms });
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private add(
    wallet: string,
    failed: boolean,
    build: (at: { signature: string; slot: number; blockTime: number }) => Record<string, unknown>,
    blockTime?: number,
  ): string {
    this.slot += 1 + Math.floor(Math.random() * 3);
    this.second = Math.max(this.second + 1, blockTime ?? Math.floor(Date.now() / 1000));
    const at = { signature: randomSignature(), slot: this.slot, blockTime: blockTime ?? this.second };
    const stored: Stored = { ...at, wallet, failed, tx: build(at) };
    this.txs.push(stored);
    this.bySig.set(at.signature, stored);
    for (const [id, s] of this.subs) {
      if (s.wallet !== wallet) continue;
      const meta = stored.tx['meta'] as { err: unknown; logMessages: string[] };
      s.socket.send(
        JSON.stringify({
          jsonrpc: '2.0',
          method: 'logsNotification',
          params: {
            result: {
              context: { slot: at.slot },
              value: { signature: at.signature, err: meta.err, logs: meta.logMessages },
            },
            subscription: id,
          },
        }),
      );
    }
    return at.signature;
  }

  private async http(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: { id?: unknown; method?: unknown; params?: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(res, 200, { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });
    }
    const method = String(body.method);
    this.calls.push(method);
    const fault = this.faults.shift();
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
    if (fault?.kind === 'status') {
      if (fault.retryAfter) res.setHeader('retry-after', fault.retryAfter);
      return send(res, fault.status, {
        jsonrpc: '2.0',
        error: { code: -32005, message: 'Too many requests' },
        id: body.id,
      });
    }
    const params = Array.isArray(body.params) ? body.params : [];
    const answer = this.answer(method, params);
    send(res, 200, { jsonrpc: '2.0', ...answer, id: body.id ?? null });
  }

  private answer(
    method: string,
    params: unknown[],
  ): { result: unknown } | { error: { code: number; message: string } } {
    const invalid = (message: string) => ({ error: { code: -32602, message } });
    const config = (params[1] ?? {}) as Record<string, unknown>;
    if (method === 'getSignaturesForAddress') {
      const wallet = params[0];
      if (typeof wallet !== 'string' || !isAddress(wallet)) return invalid('Invalid param: Invalid');
      const limit = config['limit'] === undefined ? 1000 : Number(config['limit']);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return invalid('Invalid limit; max 1000');
      let rows = this.txs.filter((t) => t.wallet === wallet).reverse();
      const before = config['before'];
      if (typeof before === 'string') {
        const i = rows.findIndex((t) => t.signature === before);
        rows = i >= 0 ? rows.slice(i + 1) : [];
      }
      const until = config['until'];
      if (typeof until === 'string') {
        const i = rows.findIndex((t) => t.signature === until);
        if (i >= 0) rows = rows.slice(0, i);
      }
      return {
        result: rows.slice(0, limit).map((t) => ({
          signature: t.signature,
          slot: t.slot,
          err: t.failed ? (t.tx['meta'] as { err: unknown }).err : null,
          memo: null,
          blockTime: t.blockTime,
          confirmationStatus: 'confirmed',
        })),
      };
    }
    if (method === 'getTransaction') {
      const stored = typeof params[0] === 'string' ? this.bySig.get(params[0]) : undefined;
      if (!stored) return { result: null };
      if (config['encoding'] !== 'jsonParsed') return invalid('this fake serves encoding "jsonParsed" only');
      if (stored.tx['version'] === 0 && config['maxSupportedTransactionVersion'] === undefined)
        return {
          error: {
            code: -32015,
            message:
              'Transaction version (0) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": 0',
          },
        };
      return { result: stored.tx };
    }
    return { error: { code: -32601, message: 'Method not found' } };
  }

  private socket(socket: WebSocket): void {
    socket.on('message', (data) => {
      let msg: { id?: unknown; method?: unknown; params?: unknown };
      try {
        msg = JSON.parse(String(data));
      } catch {
        return;
      }
      const reply = (body: object) =>
        socket.send(JSON.stringify({ jsonrpc: '2.0', ...body, id: msg.id ?? null }));
      const params = Array.isArray(msg.params) ? msg.params : [];
      if (msg.method === 'logsSubscribe') {
        const mentions = (params[0] as { mentions?: unknown } | undefined)?.mentions;
        if (!Array.isArray(mentions) || mentions.length !== 1 || !isAddress(String(mentions[0])))
          return reply({ error: { code: -32602, message: 'Invalid Request: Only 1 address supported' } });
        const id = this.nextSub++;
        this.subs.set(id, { socket, wallet: String(mentions[0]) });
        return reply({ result: id });
      }
      if (msg.method === 'logsUnsubscribe') {
        const ok = this.subs.delete(Number(params[0]));
        return reply(
          ok ? { result: true } : { error: { code: -32602, message: 'Invalid subscription id.' } },
        );
      }
      if (msg.id !== undefined) reply({ error: { code: -32601, message: 'Method not found' } });
    });
    socket.on('close', () => {
      for (const [id, s] of this.subs) if (s.socket === socket) this.subs.delete(id);
    });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
