/**
 * Two bot runners on one database (SQLite and PostgreSQL), as two instances
 * would be: only the holder of the `telegram-bot` lease polls and runs its
 * polling-only work (the alert announcer); both can send; a clean stop hands
 * polling and that work to the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseRepository } from '../../src/store/lease-repository.js';
import { type RunningTelegramBot, startTelegramBot } from '../../src/telegram/start-telegram-bot.js';
import { BotApiServer } from '../fakes/telegram/bot-api-server.js';
import { databaseTargets } from '../support/databases.js';
import { type TestContext, testServices } from '../support/services.js';
import { TOKEN } from './bot-harness.js';

describe.each(await databaseTargets())('telegram-bot lease on $name', (target) => {
  let ctx: TestContext;
  let tg: BotApiServer;
  beforeAll(async () => {
    ctx = await testServices(target);
    tg = await BotApiServer.start({ token: TOKEN });
  });
  afterAll(async () => {
    await tg.close();
    await ctx.close();
  });

  it('one runner polls and does the polling-only work; a clean stop hands both over', async () => {
    const work: string[] = [];
    const run = (owner: string) =>
      startTelegramBot(
        { ...ctx.services, copies: ctx.services.copy.service },
        {
          token: TOKEN,
          apiRoot: tg.apiRootFor(owner),
          fleet: { store: new LeaseRepository(ctx.services.db), owner, ttlMs: 1_000 },
          whileLeading: () => ({
            start: () => void work.push(`${owner} start`),
            stop: async () => void work.push(`${owner} stop`),
          }),
        },
      );
    const a: RunningTelegramBot = await run('a');
    const b: RunningTelegramBot = await run('b');
    try {
      expect([a.status.role, b.status.role]).toEqual(['polling', 'standby']);
      await tg.waitFor(() => tg.pollers().join() === 'a', 'a polling');
      expect(work).toEqual(['a start']);
      const first = await tg.exchange(tg.sendText(5, '/help'));
      expect(first.map((c) => [c.method, c.client])).toEqual([['sendMessage', 'a']]);
      await b.bot.api.sendMessage(5, 'from the standby'); // sending never needs the lease
      await a.stop();
      expect(a.status.role).toBe('off');
      await tg.waitFor(() => tg.pollers().join() === 'b', 'b polling');
      expect(work).toEqual(['a start', 'a stop', 'b start']);
      expect(b.status.role).toBe('polling');
      const second = await tg.exchange(tg.sendText(5, '/help'));
      expect(second.map((c) => [c.method, c.client])).toEqual([['sendMessage', 'b']]);
      expect(tg.maxConcurrentPollers).toBe(1);
    } finally {
      await a.stop();
      await b.stop();
    }
    expect(work.at(-1)).toBe('b stop');
  });
});
