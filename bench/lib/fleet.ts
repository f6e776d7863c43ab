/**
 * A fleet of real `tradeloop serve` processes for the fleet benchmarks, run
 * as an operator would: child processes of the benchmark (the CLI through
 * tsx, like test/support/child-server.ts), one throwaway PostgreSQL schema
 * (TEST_DATABASE_URL) and the Redis at TEST_REDIS_URL, PRICE_STREAM=auto,
 * everything on 127.0.0.1. Instances, the schema and the temp directories
 * go when the benchmark ends (ctx.defer).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import WebSocket from 'ws';
import { postgresTarget } from '../../test/support/databases.js';
import { until as untilSettled } from '../../test/support/fleet.js';
import { redisAnswers } from '../cache-redis.js';
import { type ChildServer, startChild } from './child-server.js';
import type { BenchContext } from './context.js';
import { type BenchResult, result } from './result.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts')];

export interface FleetDeps {
  databaseUrl: string;
  redisUrl: string;
}

/** TEST_DATABASE_URL and TEST_REDIS_URL when both answer, else why the fleet cannot run. */
export async function fleetDeps(): Promise<FleetDeps | string> {
  const databaseUrl = process.env['TEST_DATABASE_URL'];
  const redisUrl = process.env['TEST_REDIS_URL'];
  if (!databaseUrl?.startsWith('postgres')) return 'TEST_DATABASE_URL=postgres://... is not set';
  if (!redisUrl) return 'TEST_REDIS_URL=redis://... is not set';
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2_000 });
  const pgOk = await client.connect().then(
    () => client.query('select 1').then(() => true),
    () => false,
  );
  await client.end().catch(() => {});
  if (!pgOk) return `PostgreSQL at ${databaseUrl} does not answer`;
  if (!(await redisAnswers(redisUrl))) return `Redis at ${redisUrl} does not answer`;
  return { databaseUrl, redisUrl };
}

export interface Fleet {
  /** A bearer token of the one user. */
  token: string;
  /** Starts one more instance of the fleet (its own DATA_DIR). */
  start(label: string): Promise<Instance>;
}

export interface Instance {
  label: string;
  server: ChildServer;
  /** GET/POST on the API as the fleet's user; throws on a non-2xx answer. */
  call<T = unknown>(url: string, init?: RequestInit): Promise<T>;
  /** Whether this instance holds the price-stream lease now (its /metrics say so). */
  streams(): Promise<boolean>;
  /** A WebSocket client of this instance, subscribed to `topics`, handing every update frame to `onUpdate`. */
  subscribe(topics: string[], onUpdate: (m: UpdateFrame, receivedAt: number) => void): Promise<WebSocket>;
}

export interface UpdateFrame {
  type: 'update';
  topic: string;
  key: string;
  data: Record<string, unknown>;
  ts: number;
}

/** A fresh schema, one user (created by `tradeloop users create`), and a starter for instances. */
export async function openFleet(
  ctx: BenchContext,
  deps: FleetDeps,
  env: Record<string, string> = {},
): Promise<Fleet> {
  const db = await postgresTarget(deps.databaseUrl).create();
  ctx.defer(() => db.drop());
  const base = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '',
    DATABASE_URL: db.url,
    REDIS_URL: deps.redisUrl,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    PRICE_STREAM: 'auto',
    COPY_ENGINE: 'off',
    JOB_EXECUTOR: 'embedded',
    RATE_LIMIT_MAX: '100000000',
    ...env,
  };
  const created = spawnSync(process.execPath, [...CLI, 'users', 'create', 'fleet-bench'], {
    cwd: ROOT,
    env: { ...base, DATA_DIR: ctx.tempDir('fleet-cli') },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (created.status !== 0) throw new Error(`users create failed: ${created.stderr}`);
  const token = (JSON.parse(created.stdout) as { token: string }).token;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  return {
    token,
    async start(label) {
      const server = await startChild([...CLI, 'serve'], {
        cwd: ROOT,
        env: { ...base, DATA_DIR: ctx.tempDir(`fleet-${label}`) },
        timeoutMs: 60_000,
      });
      ctx.defer(() => server.stop(5_000));
      const call = async <T>(url: string, init: RequestInit = {}): Promise<T> => {
        const r = await fetch(`${server.url}${url}`, { ...init, headers });
        const text = await r.text();
        if (!r.ok) throw new Error(`${label}: ${init.method ?? 'GET'} ${url}: ${r.status} ${text}`);
        return (text.startsWith('{') ? JSON.parse(text) : text) as T;
      };
      return {
        label,
        server,
        call,
        streams: async () =>
          /^tradeloop_fleet_lease_held\{role="price-stream"\} 1$/m.test(await call<string>('/metrics')),
        subscribe: (topics, onUpdate) => subscribe(server.url, token, topics, onUpdate),
      };
    },
  };
}

function subscribe(
  url: string,
  token: string,
  topics: string[],
  onUpdate: (m: UpdateFrame, receivedAt: number) => void,
): Promise<WebSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/stream`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no subscription on ${url} within 10 s`)), 10_000);
    ws.on('error', reject);
    ws.on('message', (raw) => {
      const receivedAt = Date.now();
      const m = JSON.parse(String(raw)) as { type: string };
      if (m.type === 'ready') ws.send(JSON.stringify({ type: 'subscribe', topics }));
      else if (m.type === 'subscribed') {
        clearTimeout(timer);
        resolve(ws);
      } else if (m.type === 'update') onUpdate(m as UpdateFrame, receivedAt);
    });
  });
}

/**
 * Polls `probe` until it returns a value (test/support's `until`); a probe that
 * throws (an instance restarting) counts as not yet.
 */
export function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  return untilSettled(what, () => probe().catch(() => undefined), timeoutMs);
}

/** What a fleet benchmark records when PostgreSQL or Redis is missing (`why`). */
export function skippedFleet(ctx: BenchContext, name: string, target: string, why: string): BenchResult[] {
  ctx.log(`skipped: needs PostgreSQL and Redis (${why})`);
  return [
    result({
      name,
      value: Number.NaN,
      unit: 'ms',
      target,
      pass: false,
      notes: `SKIPPED: ${why}; set TEST_DATABASE_URL=postgres://... and TEST_REDIS_URL=redis://... to measure`,
    }),
  ];
}

export function streamingOne(instances: Instance[], timeoutMs: number): Promise<Instance> {
  return until(
    'one instance holding the price-stream lease',
    async () => {
      const held = await Promise.all(instances.map((i) => i.streams()));
      return held.filter(Boolean).length === 1 ? instances[held.indexOf(true)] : undefined;
    },
    timeoutMs,
  );
}

/** Spot markets of the simulated venue (their prices tick on every stream interval). */
export async function spotMarkets(i: Instance, n: number): Promise<{ id: string }[]> {
  const { items } = await i.call<{ items: { id: string; kind: string }[] }>('/api/v1/markets?limit=50');
  return items.filter((m) => m.kind !== 'binary').slice(0, n);
}
