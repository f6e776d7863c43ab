/**
 * The loopback Bot API's webhooks, as Telegram runs them: setWebhook checks
 * the URL and the secret, updates are POSTed as JSON with the secret header
 * and delivered again until the endpoint answers 2xx (getWebhookInfo shows
 * the last error and what is pending), allowed_updates filters,
 * deleteWebhook (optionally dropping what is pending) stops deliveries, and
 * getUpdates is refused with 409 while a webhook is set, a held one ended
 * by setWebhook.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BotApiServer, WEBHOOK_ACTIVE } from '../fakes/telegram/bot-api-server.js';

const TOKEN = '123456:webhook-fake';

/** An endpoint that records what it receives and answers with the next status of `answers` (then 200). */
async function endpoint(answers: number[]) {
  const received: { headers: IncomingMessage['headers']; body: Record<string, unknown> }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(answers.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/telegram/webhook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('loopback Bot API webhooks', () => {
  let tg: BotApiServer;
  beforeEach(async () => {
    tg = await BotApiServer.start({ token: TOKEN, webhookRetryMs: 10 });
  });
  afterEach(() => tg.close());

  const call = async (method: string, body: unknown = {}) => {
    const r = await fetch(`${tg.apiRoot}/bot${TOKEN}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };

  it('refuses a URL that is not http(s) and a secret with characters Telegram does not allow', async () => {
    expect(await call('setWebhook', { url: 'ftp://x.example/telegram/webhook' })).toMatchObject({
      status: 400,
      body: { ok: false, description: expect.stringContaining('An HTTPS URL must be provided') },
    });
    expect(
      await call('setWebhook', { url: 'https://x.example/telegram/webhook', secret_token: 'no spaces' }),
    ).toMatchObject({ status: 400 });
    expect((await call('getWebhookInfo')).body).toMatchObject({ ok: true, result: { url: '' } });
  });

  it('POSTs updates with the secret header, and delivers again until the answer is 2xx', async () => {
    const ep = await endpoint([500, 401]);
    try {
      expect((await call('setWebhook', { url: ep.url, secret_token: 's3cret' })).body).toEqual({
        ok: true,
        result: true,
      });
      const update = tg.sendText(5, 'hello');
      await tg.waitUntilHandled(update);
      expect(ep.received.map((r) => r.body['update_id'])).toEqual([1, 1, 1]);
      expect(ep.received[0]!.headers['x-telegram-bot-api-secret-token']).toBe('s3cret');
      expect(ep.received[0]!.headers['content-type']).toBe('application/json');
      expect(ep.received[0]!.body).toMatchObject({ message: { text: 'hello', chat: { id: 5 } } });
      expect(tg.webhook.deliveries.map((d) => d.status)).toEqual([500, 401, 200]);
      expect((await call('getWebhookInfo')).body['result']).toMatchObject({
        url: ep.url,
        pending_update_count: 0,
        last_error_message: 'Wrong response from the webhook: 401',
        max_connections: 40,
      });
    } finally {
      await ep.close();
    }
  });

  it('delivers only the allowed update types', async () => {
    const ep = await endpoint([]);
    try {
      await call('setWebhook', { url: ep.url, allowed_updates: ['callback_query'] });
      const skipped = tg.sendText(5, 'not delivered');
      await tg.waitUntilHandled(skipped);
      expect(ep.received).toEqual([]);
    } finally {
      await ep.close();
    }
  });

  it('refuses getUpdates while a webhook is set, and ends a held one when it is set', async () => {
    const held = call('getUpdates', { timeout: 30 });
    await tg.waitForHeldPoll();
    await call('setWebhook', { url: 'https://x.example/telegram/webhook' });
    expect(await held).toEqual({
      status: 409,
      body: { ok: false, error_code: 409, description: 'Conflict: terminated by setWebhook request' },
    });
    expect(await call('getUpdates')).toEqual({
      status: 409,
      body: { ok: false, error_code: 409, description: WEBHOOK_ACTIVE },
    });
  });

  it('deleteWebhook stops deliveries (dropping what is pending when asked) and allows getUpdates again', async () => {
    await call('setWebhook', { url: 'http://127.0.0.1:9/telegram/webhook' }); // nobody listens
    tg.sendText(5, 'pending');
    await tg.waitFor(() => tg.webhook.deliveries.length > 0, 'a failed delivery');
    expect(tg.webhook.deliveries[0]!.status).toBe(0);
    expect((await call('getWebhookInfo')).body['result']).toMatchObject({
      pending_update_count: 1,
      last_error_message: 'Connection refused',
    });
    expect((await call('deleteWebhook', { drop_pending_updates: true })).body).toEqual({
      ok: true,
      result: true,
    });
    expect((await call('getWebhookInfo')).body['result']).toMatchObject({ url: '', pending_update_count: 0 });
    expect(await call('getUpdates')).toEqual({ status: 200, body: { ok: true, result: [] } });
  });
});
