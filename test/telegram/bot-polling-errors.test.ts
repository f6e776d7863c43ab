/**
 * Polling survives what used to stop it for good: the real grammY client,
 * long-polling the loopback Bot API, is answered with Telegram's 409 Conflict
 * (another poller on the token) or loses its connection, keeps retrying with
 * backoff, logs the outage once and the recovery once, and answers a chat
 * message when Telegram lets it poll again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PollErrorKind } from '../../src/telegram/telegram-status.js';
import { CONFLICT } from '../fakes/telegram/bot-api-server.js';
import { sqliteTarget } from '../support/databases.js';
import { type BotHarness, startBotHarness } from './bot-harness.js';

describe('bot polling through conflicts and network errors', () => {
  let h: BotHarness;
  const outages: PollErrorKind[] = [];
  const recoveries: number[] = [];
  const start = async () => {
    outages.length = 0;
    recoveries.length = 0;
    h = await startBotHarness(sqliteTarget, {
      backoff: { minMs: 100, maxMs: 400 },
      onOutage: (_err, kind) => void outages.push(kind),
      onRecovery: (ms) => void recoveries.push(ms),
    });
    await h.tg.waitForHeldPoll();
  };
  afterEach(() => h?.close());

  it('keeps retrying through 409 Conflict and answers once the other poller is gone', async () => {
    await start();
    h.tg.conflictFor(1_500);
    await h.tg.waitFor(() => conflicts().length >= 3, 'three 409 answers');
    expect(h.telegram.status.toJSON()).toMatchObject({
      role: 'polling',
      lastError: { kind: 'conflict', message: expect.stringContaining(CONFLICT.description) },
    });
    expect(h.telegram.status.failingSince).toBeDefined();

    const reply = await h.ask(7, '/help');
    expect(reply.text).toMatch(/\/positions/);
    const n = conflicts().length;
    // Backing off: 1.5 s of conflict at 100-400 ms per retry, not a tight loop.
    expect(n).toBeGreaterThanOrEqual(3);
    expect(n).toBeLessThan(20);
    expect(h.telegram.status.pollErrors.conflict).toBe(n);
    expect(outages).toEqual(['conflict']); // once per outage, not per retry
    expect(recoveries).toHaveLength(1);
    expect(recoveries[0]).toBeGreaterThanOrEqual(1_000);
    expect(h.telegram.status.toJSON()).toMatchObject({ role: 'polling', failingSince: null });
    expect(h.errors).toEqual([]);
  });

  it('keeps polling after its connection drops (grammY retries; the outage is seen and logged once)', async () => {
    await start();
    h.tg.disconnectFor(500);
    await h.tg.waitFor(() => h.telegram.status.pollErrors.network > 0, 'a network error');
    expect(outages).toEqual(['network']);
    const reply = await h.ask(8, '/help');
    expect(reply.text).toMatch(/\/positions/);
    expect(recoveries).toHaveLength(1);
    expect(h.telegram.status.toJSON()).toMatchObject({
      role: 'polling',
      failingSince: null,
      lastError: { kind: 'network' },
    });
  });

  const conflicts = () => h.tg.callsTo('getUpdates').filter((c) => c.error?.error_code === 409);
});
