/**
 * A fleet of two real servers (child processes) on one PostgreSQL database
 * and one Redis, with PRICE_STREAM=auto: exactly one streams; a position
 * opened through the other one is repriced all the same, and a WebSocket
 * client of that other instance gets the pushes of the streaming one; after
 * `kill -9` of the streaming one, the other takes the lease and repricing
 * resumes within the failover time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type ChildServer, runCli, startChildServer } from '../support/child-server.js';
import { databaseTargets } from '../support/databases.js';
import { redisUrlForTests } from '../support/redis.js';
import { Client, type Msg } from '../support/ws-client.js';

const postgres = (await databaseTargets()).find((t) => t.name === 'postgres');
const redisUrl = await redisUrlForTests();
const LEASE_MS = 2_000;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `p`, or a failure naming `what` after `ms`. */
function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

describe.skipIf(!postgres || !redisUrl)(
  'price stream and pushes in a fleet of two on PostgreSQL and Redis (PRICE_STREAM=auto)',
  () => {
    let db: { url: string; drop(): Promise<void> };
    const servers: ChildServer[] = [];
    const dirs: string[] = [];
    let headers: Record<string, string>;
    let token: string;

    const env = () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradeloop-fleet-'));
      dirs.push(dir);
      return {
        DATA_DIR: dir,
        DATABASE_URL: db.url,
        PRICE_STREAM: 'auto',
        FLEET_LEASE_MS: String(LEASE_MS),
        COPY_ENGINE: 'off',
        REDIS_URL: redisUrl!,
        JOB_EXECUTOR: 'embedded',
        RATE_LIMIT_MAX: '100000000',
      };
    };

    beforeAll(async () => {
      db = await postgres!.create();
      const first = env();
      const created = runCli(['users', 'create', 'fleet-user'], first);
      expect(created.status, created.stderr).toBe(0);
      token = JSON.parse(created.stdout).token;
      headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      servers.push(await startChildServer(first));
      servers.push(await startChildServer(env()));
    }, 60_000);

    afterAll(async () => {
      for (const s of servers) {
        if (s.child.exitCode === null && s.child.signalCode === null) {
          s.child.kill('SIGTERM');
          await s.exited;
        }
      }
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
      await db?.drop();
    });

    const call = async (base: string, url: string, init: RequestInit = {}) => {
      const r = await fetch(`${base}${url}`, { ...init, headers });
      const text = await r.text();
      if (!r.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${r.status} ${text}`);
      return text.startsWith('{') ? JSON.parse(text) : text;
    };
    const holds = async (s: ChildServer) =>
      /tradeloop_fleet_lease_held\{role="price-stream"\} 1\b/.test(await call(s.url, '/metrics'));

    /** Opens a position through `s` and waits until its price moves (a flush repriced it). */
    async function repricedThrough(s: ChildServer, market: { id: string }, timeoutMs: number) {
      const p = await call(s.url, '/api/v1/positions', {
        method: 'POST',
        body: JSON.stringify({ marketId: market.id, side: 'long', size: '1' }),
      });
      return until(
        `position ${p.id} repriced`,
        async () => {
          const now = await call(s.url, `/api/v1/positions/${p.id}`);
          return now.updatedAt !== p.updatedAt && now.currentPrice !== p.entryPrice ? now : undefined;
        },
        timeoutMs,
      );
    }

    it('one instance streams; positions opened on the other are repriced; failover after kill -9', async () => {
      const [a, b] = servers as [ChildServer, ChildServer];
      const holder = await until(
        'a holder',
        async () => ((await holds(a)) ? a : (await holds(b)) ? b : undefined),
        10_000,
      );
      const other = holder === a ? b : a;
      expect(await holds(other)).toBe(false);

      const markets = (await call(other.url, '/api/v1/markets?limit=20')).items as {
        id: string;
        kind: string;
      }[];
      const spot = markets.filter((m) => m.kind !== 'binary');
      // A dashboard connected to the instance that does not stream.
      const ws = new Client(
        new WebSocket(`${other.url.replace('http', 'ws')}/api/v1/stream`, {
          headers: { authorization: `Bearer ${token}` },
        }),
      );
      try {
        await ws.next((m) => m.type === 'ready');
        await ws.subscribe('positions');
        // Opened on the instance that does not stream: repriced by the one that does...
        const repriced = await repricedThrough(other, spot[0]!, 10_000);
        // ...and that repricing (updatedAt later than the open) reaches this instance's client.
        const pushed = await within(
          10_000,
          'the repricing pushed to the other instance',
          ws.next((m: Msg) => {
            const d = m.data as { id: number; updatedAt: string; openedAt: string } | undefined;
            return (
              m.type === 'update' &&
              m.topic === 'positions' &&
              d?.id === repriced.id &&
              d !== undefined &&
              d.updatedAt !== d.openedAt
            );
          }),
        );
        expect((pushed.data as { currentPrice: string }).currentPrice).toMatch(/^\d/);
        // ...counted on both sides of the bus.
        const counter = async (srv: ChildServer, name: string) =>
          Number(new RegExp(`^${name} (\\d+)`, 'm').exec(await call(srv.url, '/metrics'))?.[1] ?? 0);
        expect(await counter(other, 'tradeloop_push_bus_messages_received_total')).toBeGreaterThan(0);
        expect(await counter(holder, 'tradeloop_push_bus_messages_sent_total')).toBeGreaterThan(0);
      } finally {
        ws.ws.terminate();
      }

      holder.child.kill('SIGKILL');
      await holder.exited;
      const killedAt = Date.now();
      await until(
        'the survivor to take the price stream',
        async () => ((await holds(other)) ? true : undefined),
        10_000,
      );
      const tookOverMs = Date.now() - killedAt;
      expect(tookOverMs).toBeLessThan(10_000);
      // Repricing resumes: for a market nobody streamed before, and for the first one.
      await repricedThrough(other, spot[1]!, 10_000);
    }, 60_000);
  },
);
