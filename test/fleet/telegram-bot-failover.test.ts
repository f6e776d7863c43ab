/**
 * A fleet of real servers (child processes) sharing one database and one
 * bot token, long-polling the loopback Bot API: exactly one polls at a time
 * (the server counts clients with a getUpdates open) and answers chats; the
 * other is `standby` in /readyz (still 200) and /metrics. After `kill -9` of
 * the poller, the other polls within the failover time (~1.33 x
 * FLEET_LEASE_MS) and answers; a clean stop hands the bot over at once (the
 * lease is released, not left to expire). SQLite only: on PostgreSQL,
 * test/fleet/fleet.test.ts kills the poller among the other fleet roles.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotApiServer } from '../fakes/telegram/bot-api-server.js';
import { type ChildServer, startChildServer } from '../support/child-server.js';
import { databaseTargets } from '../support/databases.js';
import { stopChild } from '../support/fleet.js';

const LEASE_MS = 1_500;
const TOKEN = '515151:fleet-test-token';

// On PostgreSQL the fleet suite (fleet.test.ts) runs the bot's failover among the other fleet roles.
const sqliteOnly = (await databaseTargets()).filter((t) => t.name === 'sqlite');

describe.each(sqliteOnly)('Telegram bot in a fleet on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let tg: BotApiServer;
  const servers = new Map<string, ChildServer>();
  const dirs: string[] = [];

  async function start(label: string): Promise<ChildServer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradeloop-tg-fleet-'));
    dirs.push(dir);
    const s = await startChildServer({
      DATA_DIR: dir,
      DATABASE_URL: db.url,
      FLEET_LEASE_MS: String(LEASE_MS),
      PRICE_STREAM: 'off',
      COPY_ENGINE: 'off',
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: tg.apiRootFor(label),
    });
    servers.set(label, s);
    return s;
  }

  beforeAll(async () => {
    db = await target.create();
    tg = await BotApiServer.start({ token: TOKEN, waitTimeoutMs: 15_000 });
    await start('a');
    await start('b');
  }, 60_000);

  afterAll(async () => {
    await Promise.all([...servers.values()].map(stopChild));
    await tg?.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    await db?.drop();
  });

  const readyz = async (label: string) => {
    const r = await fetch(`${servers.get(label)!.url}/readyz`);
    return { status: r.status, body: (await r.json()) as { telegram?: { role: string } } };
  };
  const metrics = async (label: string) => (await fetch(`${servers.get(label)!.url}/metrics`)).text();
  /** The one instance with a getUpdates open, once there is one. */
  const poller = async () => {
    await tg.waitFor(() => tg.pollers().length === 1, 'one poller');
    return tg.pollers()[0]!;
  };
  /** Who answered a chat message. */
  const answerer = async (chatId: number) => {
    const sent = (await tg.exchange(tg.sendText(chatId, '/help'))).filter((c) => c.method === 'sendMessage');
    expect(sent).toHaveLength(1);
    expect(String(sent[0]!.params['text'])).toMatch(/\/positions/);
    return sent[0]!.client;
  };

  it('one instance polls and answers; the other stands by, ready', async () => {
    const holder = await poller();
    const other = holder === 'a' ? 'b' : 'a';
    expect(await answerer(11)).toBe(holder);
    expect(await readyz(holder)).toEqual({
      status: 200,
      body: expect.objectContaining({
        status: 'ready',
        telegram: expect.objectContaining({ role: 'polling' }),
      }),
    });
    expect(await readyz(other)).toEqual({
      status: 200,
      body: expect.objectContaining({
        status: 'ready',
        telegram: expect.objectContaining({ role: 'standby' }),
      }),
    });
    expect(await metrics(holder)).toMatch(/^tradeloop_telegram_polling 1$/m);
    expect(await metrics(other)).toMatch(/^tradeloop_telegram_polling 0$/m);
    expect(await metrics(holder)).toMatch(/^tradeloop_fleet_lease_held\{role="telegram-bot"\} 1$/m);
    expect(await metrics(other)).toMatch(/^tradeloop_telegram_poll_errors_total\{kind="conflict"\} 0$/m);
    expect(tg.callsTo('getUpdates', other)).toEqual([]);
    expect(tg.maxConcurrentPollers).toBe(1);
  });

  it('kill -9 of the poller: the other polls within the failover time and answers', async () => {
    const holder = await poller();
    const other = holder === 'a' ? 'b' : 'a';
    const s = servers.get(holder)!;
    s.child.kill('SIGKILL');
    await s.exited;
    servers.delete(holder);
    const killedAt = Date.now();
    await tg.waitFor(() => tg.pollers().includes(other), `${other} to poll`);
    const tookOverMs = Date.now() - killedAt;
    expect(tookOverMs).toBeLessThan(LEASE_MS * 1.34 + 1_000);
    expect(await answerer(12)).toBe(other);
    expect((await readyz(other)).body.telegram?.role).toBe('polling');
    expect(tg.maxConcurrentPollers).toBe(1);
  }, 30_000);

  it('a clean stop releases the lease: a standby takes over before the lease would have expired', async () => {
    const holder = await poller();
    await start('c');
    expect((await readyz('c')).body.telegram?.role).toBe('standby');
    const s = servers.get(holder)!;
    expect((await stopChild(s)).code).toBe(0);
    servers.delete(holder);
    const stoppedAt = Date.now();
    await tg.waitFor(() => tg.pollers().includes('c'), 'c to poll');
    // Released: taken at c's next round (every LEASE_MS / 3), not after the grant ran out.
    expect(Date.now() - stoppedAt).toBeLessThan(LEASE_MS);
    expect(await answerer(13)).toBe('c');
    expect(tg.maxConcurrentPollers).toBe(1);
  }, 40_000);
});
