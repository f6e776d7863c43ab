/**
 * A fleet of two real servers (child processes) on one PostgreSQL database
 * with PRICE_STREAM=auto: exactly one streams; a position opened through the
 * other one is repriced all the same; after `kill -9` of the streaming one,
 * the other takes the lease and repricing resumes within the failover time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildServer, runCli, startChildServer } from '../support/child-server.js';
import { databaseTargets } from '../support/databases.js';

const postgres = (await databaseTargets()).find((t) => t.name === 'postgres');
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

describe.skipIf(!postgres)('price stream in a fleet of two on PostgreSQL (PRICE_STREAM=auto)', () => {
  let db: { url: string; drop(): Promise<void> };
  const servers: ChildServer[] = [];
  const dirs: string[] = [];
  let headers: Record<string, string>;

  const env = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradeloop-fleet-'));
    dirs.push(dir);
    return {
      DATA_DIR: dir,
      DATABASE_URL: db.url,
      PRICE_STREAM: 'auto',
      FLEET_LEASE_MS: String(LEASE_MS),
      COPY_ENGINE: 'off',
      RATE_LIMIT_MAX: '100000000',
    };
  };

  beforeAll(async () => {
    db = await postgres!.create();
    const first = env();
    const created = runCli(['users', 'create', 'fleet-user'], first);
    expect(created.status, created.stderr).toBe(0);
    headers = {
      authorization: `Bearer ${JSON.parse(created.stdout).token}`,
      'content-type': 'application/json',
    };
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
    // Opened on the instance that does not stream: repriced by the one that does.
    await repricedThrough(other, spot[0]!, 10_000);

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
});
