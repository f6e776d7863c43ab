/**
 * A fake Hyperliquid info API on 127.0.0.1: `POST /info` with a JSON body, as
 * documented (hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/
 * info-endpoint):
 *
 * - `{type: "userFills", user, aggregateByTime?}`: the user's most recent
 *   fills (at most `answerLimit`, 2000 upstream), newest first.
 * - `{type: "userFillsByTime", user, startTime, endTime?, aggregateByTime?}`:
 *   fills with `startTime <= time <= endTime` (both inclusive, ms), oldest
 *   first, at most `answerLimit`; the client pages by the last fill's time.
 * - `{type: "clearinghouseState", user}`: `{ marginSummary: { accountValue,
 *   totalNtlPos, totalRawUsd, totalMarginUsed }, crossMarginSummary,
 *   crossMaintenanceMarginUsed, withdrawable, assetPositions, time }`.
 *
 * A fill is `{ coin, px, sz, side "B"|"A", time, startPosition, dir,
 * closedPnl, hash, oid, crossed, fee, feeToken, tid }` (strings for amounts).
 * A body the API cannot read is 422 with its plain-text message. Test controls
 * add fills, set account values and fail the next answers (status, delay).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HyperliquidFill {
  coin: string;
  px: string;
  sz: string;
  side: 'B' | 'A';
  time: number;
  startPosition: string;
  dir: string;
  closedPnl: string;
  hash: string;
  oid: number;
  crossed: boolean;
  fee: string;
  feeToken: string;
  tid: number;
}

export type FillInput = Partial<HyperliquidFill>;

type Fault = { kind: 'status'; status: number; retryAfter?: string } | { kind: 'delay'; ms: number };

const ADDRESS = /^0x[0-9a-f]{40}$/;

export class InfoLoopbackServer {
  readonly requests: Record<string, unknown>[] = [];
  private readonly fills = new Map<string, HyperliquidFill[]>();
  private readonly values = new Map<string, string>();
  private readonly faults: Fault[] = [];
  private nextTid = 100_000_000_000_000;
  private nextOid = 90_000_000;
  private lastTime = 0;

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    private readonly answerLimit: number,
  ) {}

  static async start(opts: { answerLimit?: number } = {}): Promise<InfoLoopbackServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const fake = new InfoLoopbackServer(server, origin, opts.answerLimit ?? 2000);
    server.on('request', (req, res) => void fake.handle(req, res));
    return fake;
  }

  count(type: string): number {
    return this.requests.filter((r) => r['type'] === type).length;
  }

  /** Adds fills of `user`; each without a time comes 1 ms after the previous fill of the server (not before now). */
  addFills(user: string, inputs: FillInput[]): HyperliquidFill[] {
    const list = this.fills.get(user.toLowerCase()) ?? [];
    const added = inputs.map((f) => {
      const time = f.time ?? Math.max(this.lastTime + 1, Date.now());
      this.lastTime = Math.max(this.lastTime, time);
      const fill: HyperliquidFill = {
        coin: 'BTC',
        px: '64012.5',
        sz: '0.015',
        side: 'B',
        time,
        startPosition: '0.0',
        dir: f.side === 'A' ? 'Close Long' : 'Open Long',
        closedPnl: '0.0',
        hash: `0x${randomBytes(32).toString('hex')}`,
        oid: this.nextOid++,
        crossed: true,
        fee: '0.432084',
        feeToken: 'USDC',
        tid: this.nextTid++,
        ...f,
      };
      list.push(fill);
      return fill;
    });
    this.fills.set(user.toLowerCase(), list);
    return added;
  }

  setAccountValue(user: string, value: string): void {
    this.values.set(user.toLowerCase(), value);
  }

  failNext(status: number, opts: { retryAfter?: string } = {}): void {
    this.faults.push({ kind: 'status', status, ...opts });
  }

  delayNext(ms: number): void {
    this.faults.push({ kind: 'delay', ms });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method !== 'POST' || req.url !== '/info') return text(res, 404, 'Not Found');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return text(res, 422, 'Failed to deserialize the JSON body into the target type');
    }
    this.requests.push(body);
    const fault = this.faults.shift();
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
    if (fault?.kind === 'status') {
      if (fault.retryAfter) res.setHeader('retry-after', fault.retryAfter);
      return text(res, fault.status, fault.status === 429 ? 'Too Many Requests' : 'Internal Server Error');
    }
    const user = body['user'];
    if (typeof user !== 'string' || !ADDRESS.test(user))
      return text(
        res,
        422,
        'Failed to deserialize the JSON body into the target type: user: invalid address',
      );
    const all = this.fills.get(user) ?? [];
    const byTime = [...all].sort((a, b) => a.time - b.time || a.tid - b.tid);
    switch (body['type']) {
      case 'userFills':
        return json(res, byTime.reverse().slice(0, this.answerLimit));
      case 'userFillsByTime': {
        const start = body['startTime'];
        const end = body['endTime'] ?? Number.MAX_SAFE_INTEGER;
        if (typeof start !== 'number' || typeof end !== 'number')
          return text(res, 422, 'Failed to deserialize the JSON body into the target type: startTime');
        return json(res, byTime.filter((f) => f.time >= start && f.time <= end).slice(0, this.answerLimit));
      }
      case 'clearinghouseState': {
        const value = this.values.get(user) ?? '0.0';
        const summary = {
          accountValue: value,
          totalNtlPos: '0.0',
          totalRawUsd: value,
          totalMarginUsed: '0.0',
        };
        return json(res, {
          marginSummary: summary,
          crossMarginSummary: summary,
          crossMaintenanceMarginUsed: '0.0',
          withdrawable: value,
          assetPositions: [],
          time: Date.now(),
        });
      }
      default:
        return text(res, 422, 'Failed to deserialize the JSON body into the target type: unknown variant');
    }
  }
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(body);
}
