/**
 * The fleet suite's processes and how it talks to them: a throwaway
 * PostgreSQL schema, a redis-server of its own (stoppable by PID), the
 * loopback Bot API, and real `tradeloop serve` / `tradeloop worker` child
 * processes sharing them (BullMQ with JOB_API_WORKER=off, PRICE_STREAM=auto,
 * the bot on every instance). API instances are addressed by label; a killed
 * one leaves the map.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { BotApiServer } from '../fakes/telegram/bot-api-server.js';
import { uniquePrefix } from '../jobs/harness.js';
import { type ChildServer, runCli, startChildServer } from '../support/child-server.js';
import type { DatabaseTarget } from '../support/databases.js';
import { holdsLease, killChild, stopChild, until } from '../support/fleet.js';
import { freePort, type RedisServer, startRedisServer } from '../support/redis-server.js';
import { killWorker, startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

export interface FleetOptions {
  leaseMs: number;
  /** Bound of every wait for a takeover. */
  failoverMs: number;
  submitTimeoutMs: number;
  botToken: string;
}

export class FleetHarness {
  readonly api = new Map<string, ChildServer>();
  /** Labels of the instances killed so far. */
  readonly killed = new Set<string>();
  readonly workers: { w: WorkerProcess; metricsPort: number }[] = [];
  private readonly dirs: string[] = [];
  private readonly prefix = uniquePrefix('fleet');

  private constructor(
    private readonly o: FleetOptions,
    private readonly db: { url: string; drop(): Promise<void> },
    readonly redis: RedisServer,
    readonly tg: BotApiServer,
    readonly token: string,
  ) {}

  /** The shared dependencies and one user; no instance or worker yet. */
  static async open(target: DatabaseTarget, o: FleetOptions): Promise<FleetHarness> {
    const [db, redis, tg] = await Promise.all([
      target.create(),
      startRedisServer(),
      BotApiServer.start({ token: o.botToken, waitTimeoutMs: o.failoverMs + 5_000 }),
    ]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradeloop-fleet-'));
    const created = runCli(['users', 'create', 'fleet-user'], { DATABASE_URL: db.url, DATA_DIR: dir });
    fs.rmSync(dir, { recursive: true, force: true });
    if (created.status !== 0) {
      await Promise.all([tg.close(), redis.stop(), db.drop()]);
      throw new Error(`users create: ${created.stderr}`);
    }
    return new FleetHarness(o, db, redis, tg, (JSON.parse(created.stdout) as { token: string }).token);
  }

  private tempDir(): string {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tradeloop-fleet-'));
    this.dirs.push(d);
    return d;
  }

  private shared() {
    return {
      DATABASE_URL: this.db.url,
      REDIS_URL: this.redis.url,
      DATA_DIR: this.tempDir(),
      JOB_EXECUTOR: 'bullmq',
      JOB_QUEUE_PREFIX: this.prefix,
      JOB_STALL_MS: '1000',
      MAX_CONCURRENT_JOBS: '1',
    };
  }

  async startApi(label: string): Promise<ChildServer> {
    const s = await startChildServer({
      ...this.shared(),
      PRICE_STREAM: 'auto',
      FLEET_LEASE_MS: String(this.o.leaseMs),
      COPY_ENGINE: 'off',
      JOB_API_WORKER: 'off',
      JOB_SUBMIT_TIMEOUT_MS: String(this.o.submitTimeoutMs),
      READY_TIMEOUT_MS: '500',
      TELEGRAM_BOT_TOKEN: this.o.botToken,
      TELEGRAM_API_ROOT: this.tg.apiRootFor(label),
      RATE_LIMIT_MAX: '100000000',
    });
    this.api.set(label, s);
    return s;
  }

  async startWorker(): Promise<void> {
    const metricsPort = await freePort();
    const w = await startWorkerProcess({
      ...this.shared(),
      HOST: '127.0.0.1',
      WORKER_METRICS_PORT: String(metricsPort),
    });
    this.workers.push({ w, metricsPort });
  }

  labels(): string[] {
    return [...this.api.keys()];
  }

  /** A live instance other than `label`. */
  other(label: string): string {
    return this.labels().find((l) => l !== label)!;
  }

  /** An HTTP request to instance `label` as the fleet's user, with an Idempotency-Key when `key` is set. */
  request(label: string, url: string, init: RequestInit & { key?: string } = {}): Promise<Response> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.token}`,
      'content-type': 'application/json',
    };
    if (init.key) headers['idempotency-key'] = init.key;
    return fetch(`${this.api.get(label)!.url}${url}`, { ...init, headers });
  }

  /** The JSON (or text) of a 2xx answer; throws with the answer otherwise. */
  async call<T>(label: string, url: string, init: RequestInit = {}): Promise<T> {
    const r = await this.request(label, url, init);
    const text = await r.text();
    if (!r.ok) throw new Error(`${label}: ${init.method ?? 'GET'} ${url}: ${r.status} ${text}`);
    return (text.startsWith('{') ? JSON.parse(text) : text) as T;
  }

  async readyz(label: string): Promise<{ status: number; body: { telegram?: { role: string } } }> {
    const r = await fetch(`${this.api.get(label)!.url}/readyz`);
    return { status: r.status, body: (await r.json()) as { telegram?: { role: string } } };
  }

  /** The one live instance holding the lease of `role`, once exactly one does. */
  holder(role: string): Promise<string> {
    return until(
      `one instance holding ${role}`,
      async () => {
        const labels = this.labels();
        const held = await Promise.all(
          labels.map(async (l) => holdsLease(await this.call<string>(l, '/metrics'), role)),
        );
        return held.filter(Boolean).length === 1 ? labels[held.indexOf(true)] : undefined;
      },
      this.o.failoverMs,
    );
  }

  /** `kill -9` of instance `label`; resolves with the time it had exited. */
  async kill(label: string): Promise<number> {
    await killChild(this.api.get(label)!);
    this.api.delete(label);
    this.killed.add(label);
    return Date.now();
  }

  /** The workers still running. */
  liveWorkers(): { w: WorkerProcess; metricsPort: number }[] {
    return this.workers.filter(({ w }) => w.child.exitCode === null && w.child.signalCode === null);
  }

  /** Job rows by status, read from the database itself. */
  async jobRows(): Promise<Record<string, number>> {
    const client = new pg.Client({ connectionString: this.db.url });
    await client.connect();
    try {
      const r = await client.query<{ status: string; n: string }>(
        'select status, count(*) as n from jobs group by status',
      );
      return Object.fromEntries(r.rows.map((row) => [row.status, Number(row.n)]));
    } finally {
      await client.end();
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.api.values()].map(stopChild));
    await Promise.all(this.workers.map(({ w }) => killWorker(w)));
    await this.tg.close();
    await this.redis.stop();
    await this.db.drop();
    for (const d of this.dirs) fs.rmSync(d, { recursive: true, force: true });
  }
}
