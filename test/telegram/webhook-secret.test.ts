/** The webhook secret: configured or derived alike on every instance, valid for Telegram, checked exactly. */
import { describe, expect, it } from 'vitest';
import { WEBHOOK_SECRET_PATTERN } from '../../src/config/telegram-settings.js';
import { secretMatches, webhookSecret } from '../../src/telegram/webhook-secret.js';

describe('webhook secret', () => {
  it('is derived from the token: the same for the same token, different for another, valid for Telegram', () => {
    const a = webhookSecret('123:abc');
    expect(a).toBe(webhookSecret('123:abc'));
    expect(a).not.toBe(webhookSecret('123:abd'));
    expect(a).toMatch(WEBHOOK_SECRET_PATTERN);
    expect(a).not.toContain('abc');
  });

  it('is the configured one when set', () => {
    expect(webhookSecret('123:abc', 'my-secret_1')).toBe('my-secret_1');
  });

  it('matches only the exact header', () => {
    const s = webhookSecret('123:abc');
    expect(secretMatches(s, s)).toBe(true);
    for (const wrong of [undefined, '', `${s}x`, s.slice(1), s.toUpperCase(), [s, s]]) {
      expect(secretMatches(wrong, s)).toBe(false);
    }
  });
});
