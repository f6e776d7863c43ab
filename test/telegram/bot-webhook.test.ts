/**
 * Webhook mode through the real server composition (`startServer`, in this
 * process) and the loopback Bot API: the instance sets the webhook (its URL,
 * the derived secret, the update types) and never polls; an update Telegram
 * posts reaches the bot and gets its answer; a request without the right
 * secret is a 401 and nothing happens; /readyz and /metrics say webhook.
 * Restarted without TELEGRAM_WEBHOOK_URL, the bot deletes the webhook and
 * polls again.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { type RunningServer, startServer } from '../../src/main.js';
import { SECRET_HEADER, webhookSecret } from '../../src/telegram/webhook-secret.js';
import { BotApiServer, WEBHOOK_ACTIVE } from '../fakes/telegram/bot-api-server.js';
import { databaseTargets } from '../support/databases.js';

const TOKEN = '626262:webhook-test-token';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.each(await databaseTargets())('Telegram webhook mode on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let tg: BotApiServer;
  let server: RunningServer | undefined;
  let dir: string;
  let webhookUrl: string;
  const secret = webhookSecret(TOKEN);

  async function start(env: Record<string, string>, port = 0): Promise<RunningServer> {
    const config = loadConfig(
      {
        DATA_DIR: dir,
        DATABASE_URL: db.url,
        PORT: String(port),
        LOG_LEVEL: 'silent',
        PRICE_STREAM: 'off',
        COPY_ENGINE: 'off',
        FLEET_LEASE_MS: '1500',
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: tg.apiRoot,
        ...env,
      },
      { jobExecutor: 'embedded' },
    );
    server = await startServer(config, { quiet: true });
    return server;
  }

  const post = (body: unknown, headers: Record<string, string>) =>
    fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    db = await target.create();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradeloop-tg-webhook-'));
    tg = await BotApiServer.start({ token: TOKEN });
    const port = await freePort();
    webhookUrl = `http://127.0.0.1:${port}/telegram/webhook`;
    await start({ TELEGRAM_WEBHOOK_URL: webhookUrl }, port);
  }, 30_000);

  afterAll(async () => {
    await server?.stop();
    await tg?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  it('sets the webhook once, with the secret and the update types, and never polls', async () => {
    const [set] = await tg.waitForCalls('setWebhook', 1);
    expect(set!.params).toMatchObject({
      url: webhookUrl,
      secret_token: secret,
      allowed_updates: ['message', 'callback_query'],
    });
    expect(tg.webhook.settings).toMatchObject({ url: webhookUrl, secretToken: secret });
    expect(tg.callsTo('getUpdates')).toEqual([]);
  });

  it('hands a posted update to the bot, which answers it', async () => {
    const calls = await tg.exchange(tg.sendText(21, '/help'));
    expect(calls.map((c) => c.method)).toEqual(['sendMessage']);
    expect(String(calls[0]!.params['text'])).toMatch(/^tradeloop bot commands:/);
    expect(tg.webhook.deliveries.at(-1)).toMatchObject({ url: webhookUrl, status: 200 });
    expect(tg.callsTo('getUpdates')).toEqual([]);
  });

  it('refuses a request without the right secret (401) and handles nothing', async () => {
    const before = tg.calls.length;
    const update = {
      update_id: 999_001,
      message: {
        message_id: 1,
        date: 1,
        chat: { id: 21, type: 'private', first_name: 'Mallory' },
        from: { id: 21, is_bot: false, first_name: 'Mallory' },
        text: '/help',
        entities: [{ type: 'bot_command', offset: 0, length: 5 }],
      },
    };
    const refused: Record<string, string>[] = [
      {},
      { [SECRET_HEADER]: `${secret}x` },
      { [SECRET_HEADER]: 'wrong' },
    ];
    for (const headers of refused) {
      const res = await post(update, headers);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    }
    const invalid = await post({ hello: 'world' }, { [SECRET_HEADER]: secret });
    expect(invalid.status).toBe(400);
    expect(tg.calls.slice(before)).toEqual([]);
    // The same update with the secret is handled: the refusals were about the secret only.
    const ok = await post(update, { [SECRET_HEADER]: secret });
    expect(ok.status).toBe(200);
    expect(tg.calls.slice(before).map((c) => c.method)).toEqual(['sendMessage']);
  });

  it('says webhook in /readyz and /metrics', async () => {
    const ready = await (await fetch(`${server!.url}/readyz`)).json();
    expect(ready).toMatchObject({
      status: 'ready',
      telegram: {
        mode: 'webhook',
        role: 'webhook',
        webhook: {
          url: webhookUrl,
          setAt: expect.any(String),
          requests: { handled: 2, unauthorized: 3, invalid: 1, unavailable: 0 },
        },
      },
    });
    const metrics = await (await fetch(`${server!.url}/metrics`)).text();
    expect(metrics).toMatch(/^tradeloop_telegram_mode\{mode="webhook"\} 1$/m);
    expect(metrics).toMatch(/^tradeloop_telegram_mode\{mode="polling"\} 0$/m);
    expect(metrics).toMatch(/^tradeloop_telegram_webhook_set 1$/m);
    expect(metrics).toMatch(/^tradeloop_telegram_polling 0$/m);
    expect(metrics).toMatch(/^tradeloop_telegram_webhook_requests_total\{outcome="unauthorized"\} 3$/m);
  });

  it('refuses getUpdates while the webhook is set, as Telegram does', async () => {
    const res = await fetch(`${tg.apiRoot}/bot${TOKEN}/getUpdates`, { method: 'POST' });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ ok: false, error_code: 409, description: WEBHOOK_ACTIVE });
  });

  it('back in polling mode, deletes the webhook and polls', async () => {
    await server!.stop();
    server = undefined;
    const setCalls = tg.callsTo('setWebhook').length;
    await start({});
    await tg.waitForCalls('deleteWebhook', 1);
    expect(tg.webhook.settings).toBeUndefined();
    const calls = await tg.exchange(tg.sendText(22, '/help'));
    expect(calls.map((c) => c.method)).toEqual(['sendMessage']);
    expect(tg.callsTo('getUpdates').some((c) => c.ok)).toBe(true);
    expect(tg.callsTo('setWebhook')).toHaveLength(setCalls);
    const ready = await (await fetch(`${server!.url}/readyz`)).json();
    expect(ready).toMatchObject({ telegram: { mode: 'polling', role: 'polling', webhook: null } });
    expect(
      (await fetch(webhookUrl.replace(/:\d+\//, `:${new URL(server!.url).port}/`), { method: 'POST' }))
        .status,
    ).toBe(404);
  });
});
