/**
 * The webhook registrar against the loopback Bot API: a refused setWebhook
 * is retried with backoff until Telegram accepts it, the outage is reported
 * once when it starts and once when it ends, nothing polls, and stopping
 * the bot leaves the webhook set (the other instances still answer it).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/domain/clock.js';
import { TelegramStatus } from '../../src/telegram/telegram-status.js';
import { TelegramWebhookIntake } from '../../src/telegram/webhook-intake.js';
import { sqliteTarget } from '../support/databases.js';
import { type BotHarness, startBotHarness } from './bot-harness.js';

const URL = 'https://bots.example.com/telegram/webhook';
const BAD_WEBHOOK = 'Bad Request: bad webhook: Failed to resolve host: Name or service not known';

describe('webhook registrar', () => {
  let h: BotHarness;
  const outages: string[] = [];
  const recoveries: number[] = [];
  const status = new TelegramStatus(systemClock);
  const intake = new TelegramWebhookIntake(status, 'fixed-secret');

  beforeAll(async () => {
    h = await startBotHarness(
      sqliteTarget,
      {
        status,
        webhook: { url: URL, intake },
        backoff: { minMs: 5, maxMs: 20 },
        onOutage: (_err, kind) => void outages.push(kind),
        onRecovery: (_ms, failures) => void recoveries.push(failures),
      },
      (tg) => tg.refuse('setWebhook', { errorCode: 400, description: BAD_WEBHOOK }, 3),
    );
  });
  afterAll(async () => {
    await h.close();
  });

  it('retries a refused setWebhook until it is accepted, reporting the outage once', async () => {
    const calls = await h.tg.waitForCalls('setWebhook', 4);
    expect(calls.map((c) => c.ok)).toEqual([false, false, false, true]);
    // The recovery is reported once the accepted answer reaches the bot, after the server recorded it.
    await vi.waitFor(() => expect(recoveries).toHaveLength(1));
    expect(outages).toEqual(['api']);
    expect(recoveries).toEqual([3]);
    expect(status.toJSON()).toMatchObject({
      mode: 'webhook',
      role: 'webhook',
      failingSince: null,
      lastError: { kind: 'api', message: expect.stringContaining('bad webhook') },
      webhook: { url: URL, setAt: expect.any(String) },
    });
    expect(status.pollErrors.api).toBe(3);
    expect(h.tg.webhook.settings).toMatchObject({ url: URL, secretToken: 'fixed-secret' });
    expect(h.tg.callsTo('getUpdates')).toEqual([]);
  });

  it('leaves the webhook set when the bot stops, and answers 503 from then on', async () => {
    await h.telegram.stop();
    expect(status.role).toBe('off');
    expect(h.tg.webhook.settings).toMatchObject({ url: URL });
    expect(h.tg.callsTo('deleteWebhook')).toEqual([]);
    expect(await intake.receive('fixed-secret', { update_id: 1 })).toMatchObject({ status: 503 });
  });
});
