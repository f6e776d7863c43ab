/**
 * The copy watchdog reaches admins in Telegram: a stall is announced once in
 * every chat linked to an admin (not in other users' chats), and announced
 * again when it clears. Other alerts stay off the phones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/observability/alerts.js';
import { AlertAnnouncer } from '../../src/telegram/alert-announcer.js';
import { databaseTargets } from '../support/databases.js';
import { type BotHarness, startBotHarness } from './bot-harness.js';

const ADMIN_CHAT = 501;
const USER_CHAT = 502;

const stalled: Alert = {
  id: 'copy-stalled:polymarket:0xabc',
  metric: 'copy_watcher_stalled',
  labels: { source: 'polymarket', address: '0xabc' },
  value: 95,
  threshold: 60,
  breach: 'above',
  since: 0,
  message:
    'Copying polymarket leader 0xabc has stalled: its source has not answered for 95 s (503 from the data API)',
};
const slowRoute: Alert = {
  id: 'route:GET /api/v1/traders',
  metric: 'route_p99_ms',
  labels: { route: 'GET /api/v1/traders' },
  value: 900,
  threshold: 500,
  breach: 'above',
  since: 0,
  message: 'GET /api/v1/traders p99 is 900 ms',
};

for (const target of await databaseTargets()) {
  describe(`telegram alerts to admins (${target.name})`, () => {
    let h: BotHarness;
    beforeAll(async () => {
      h = await startBotHarness(target);
      const admin = await h.services.users.create('operator', { admin: true });
      await h.link(ADMIN_CHAT, admin.user.id);
      await h.link(USER_CHAT, h.users.alice.id);
    });
    afterAll(async () => {
      expect(h.errors).toEqual([]);
      await h.close();
    });

    it('announces a stalled copy watcher once to admin chats, then its recovery', async () => {
      let active: Alert[] = [stalled, slowRoute];
      const errors: unknown[] = [];
      const a = new AlertAnnouncer(
        h.telegram.bot.api,
        h.telegram.links,
        () => active,
        (e) => errors.push(e),
      );
      const sent = () =>
        h.tg
          .callsTo('sendMessage')
          .map((c) => ({ chat: String(c.params['chat_id']), text: String(c.params['text']) }));
      const start = sent().length;

      await a.check();
      expect(sent().slice(start)).toEqual([{ chat: String(ADMIN_CHAT), text: `🚨 ${stalled.message}` }]);

      await a.check(); // still firing: said once
      expect(sent().slice(start)).toHaveLength(1);

      active = [slowRoute];
      await a.check();
      expect(sent().slice(start + 1)).toEqual([
        { chat: String(ADMIN_CHAT), text: '✅ Resolved: copying polymarket leader 0xabc is running again' },
      ]);
      expect(errors).toEqual([]);
    });
  });
}
