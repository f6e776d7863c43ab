/** The webhook intake: secret first, then the body, then whether the bot is attached; counted by outcome. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { TelegramStatus } from '../../src/telegram/telegram-status.js';
import { TelegramWebhookIntake } from '../../src/telegram/webhook-intake.js';

describe('TelegramWebhookIntake', () => {
  const update = { update_id: 7, message: { text: '/help' } };

  it('answers 503 until the bot attaches, then hands updates over; 503 again once detached', async () => {
    const status = new TelegramStatus(new ManualClock(0));
    const intake = new TelegramWebhookIntake(status, 'secret');
    expect(await intake.receive('secret', update)).toEqual({ status: 503, outcome: 'unavailable' });
    const seen: unknown[] = [];
    const detach = intake.attach(async (u) => void seen.push(u));
    expect(await intake.receive('secret', update)).toEqual({ status: 200, outcome: 'handled' });
    expect(seen).toEqual([update]);
    detach();
    expect(await intake.receive('secret', update)).toMatchObject({ status: 503 });
    expect(status.webhookRequests).toEqual({ handled: 1, unauthorized: 0, invalid: 0, unavailable: 2 });
  });

  it('refuses a wrong secret before looking at the body, and a body that is not an update', async () => {
    const status = new TelegramStatus(new ManualClock(0));
    const intake = new TelegramWebhookIntake(status, 'secret');
    const seen: unknown[] = [];
    intake.attach(async (u) => void seen.push(u));
    for (const header of [undefined, '', 'Secret', 'secret ', ['secret']]) {
      expect(await intake.receive(header, update)).toEqual({ status: 401, outcome: 'unauthorized' });
    }
    for (const body of [null, [], 'text', {}, { update_id: '7' }, { update_id: -1 }, { update_id: 1.5 }]) {
      expect(await intake.receive('secret', body)).toEqual({ status: 400, outcome: 'invalid' });
    }
    expect(seen).toEqual([]);
    expect(status.webhookRequests).toMatchObject({ unauthorized: 5, invalid: 7, handled: 0 });
  });
});
