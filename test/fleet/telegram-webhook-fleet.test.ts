/**
 * Webhook mode in a fleet: two real servers (child processes) on one
 * PostgreSQL database, behind a loopback round-robin load balancer whose URL
 * is TELEGRAM_WEBHOOK_URL, and the loopback Bot API delivering updates to
 * it. Only the `telegram-bot` lease holder calls setWebhook; nobody polls;
 * updates reach both instances and either answers. After `kill -9` of the
 * holder, the other sets the webhook again (the failover) and answers
 * everything.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookSecret } from '../../src/telegram/webhook-secret.js';
import { BotApiServer } from '../fakes/telegram/bot-api-server.js';
import { type ChildServer, startChildServer } from '../support/child-server.js';
import { databaseTargets } from '../support/databases.js';
import { stopChild } from '../support/fleet.js';
import { RoundRobinProxy } from '../support/round-robin-proxy.js';

const LEASE_MS = 1_500;
const TOKEN = '535353:webhook-fleet-token';
const postgres = (await databaseTargets()).find((t) => t.name === 'postgres');

// A suite is declared either way: `describe.each([])` declares none, and a file without one fails.
describe.skipIf(postgres === undefined)('Telegram webhook in a fleet on postgres', () => {
  const target = postgres!;
  let db: { url: string; drop(): Promise<void> };
  let tg: BotApiServer;
  let lb: RoundRobinProxy;
  const servers = new Map<string, ChildServer>();
  const dirs: string[] = [];
  let webhookUrl: string;

  async function start(label: string): Promise<ChildServer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradeloop-tg-webhook-fleet-'));
    dirs.push(dir);
    const s = await startChildServer({
      DATA_DIR: dir,
      DATABASE_URL: db.url,
      FLEET_LEASE_MS: String(LEASE_MS),
      PRICE_STREAM: 'off',
      COPY_ENGINE: 'off',
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: tg.apiRootFor(label),
      TELEGRAM_WEBHOOK_URL: webhookUrl,
    });
    servers.set(label, s);
    lb.backends.push(s.url);
    return s;
  }

  beforeAll(async () => {
    db = await target.create();
    tg = await BotApiServer.start({ token: TOKEN, waitTimeoutMs: 15_000, webhookRetryMs: 100 });
    lb = await RoundRobinProxy.start();
    webhookUrl = `${lb.url}/telegram/webhook`;
    await start('a');
    await start('b');
  }, 60_000);

  afterAll(async () => {
    await Promise.all([...servers.values()].map(stopChild));
    await lb?.close();
    await tg?.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    await db?.drop();
  });

  const readyz = async (label: string) =>
    (await (await fetch(`${servers.get(label)!.url}/readyz`)).json()) as {
      telegram?: { mode: string; role: string };
    };
  /** Who answered a chat message. */
  const answerer = async (chatId: number) => {
    const sent = (await tg.exchange(tg.sendText(chatId, '/help'))).filter((c) => c.method === 'sendMessage');
    expect(sent).toHaveLength(1);
    return sent[0]!.client;
  };

  it('one instance sets the webhook, nobody polls, and either instance answers', async () => {
    const [set] = await tg.waitForCalls('setWebhook', 1);
    const holder = set!.client;
    const other = holder === 'a' ? 'b' : 'a';
    expect(set!.params).toMatchObject({ url: webhookUrl, secret_token: webhookSecret(TOKEN) });
    const answered = new Set<string>();
    for (let chat = 31; chat < 35; chat++) answered.add(await answerer(chat));
    expect([...answered].sort()).toEqual(['a', 'b']);
    expect(tg.callsTo('setWebhook').map((c) => c.client)).toEqual([holder]);
    expect(tg.callsTo('getUpdates')).toEqual([]);
    expect((await readyz(holder)).telegram).toMatchObject({ mode: 'webhook', role: 'webhook' });
    expect((await readyz(other)).telegram).toMatchObject({ mode: 'webhook', role: 'standby' });
  });

  it('kill -9 of the holder: the other sets the webhook again and answers every update', async () => {
    const holder = tg.callsTo('setWebhook')[0]!.client;
    const other = holder === 'a' ? 'b' : 'a';
    const s = servers.get(holder)!;
    s.child.kill('SIGKILL');
    await s.exited;
    servers.delete(holder);
    await tg.waitFor(() => tg.callsTo('setWebhook', other).length === 1, `${other} to set the webhook`);
    for (let chat = 41; chat < 44; chat++) expect(await answerer(chat)).toBe(other);
    expect((await readyz(other)).telegram).toMatchObject({ mode: 'webhook', role: 'webhook' });
    expect(tg.callsTo('getUpdates')).toEqual([]);
  }, 30_000);
});
