/** Webhook settings are checked at start: a bad URL or secret is a config error naming the variable. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/domain/errors.js';

describe('Telegram webhook settings', () => {
  it('accepts an https URL ending in the route, and http only on loopback', () => {
    for (const url of [
      'https://bots.example.com/telegram/webhook',
      'https://lb.example.com:8443/tradeloop/telegram/webhook',
      'http://127.0.0.1:8080/telegram/webhook',
      'http://localhost:9000/telegram/webhook',
      'http://[::1]:9000/telegram/webhook',
    ]) {
      expect(loadConfig({ TELEGRAM_WEBHOOK_URL: url }).telegramWebhookUrl).toBe(url);
    }
    expect(loadConfig({}).telegramWebhookUrl).toBe('');
  });

  it('refuses anything else, naming the variable and the form', () => {
    for (const url of [
      'http://bots.example.com/telegram/webhook',
      'https://bots.example.com/webhook',
      'https://bots.example.com/telegram/webhook?x=1',
      'https://user:pw@bots.example.com/telegram/webhook',
      'ftp://bots.example.com/telegram/webhook',
      'bots.example.com/telegram/webhook',
    ]) {
      expect(() => loadConfig({ TELEGRAM_WEBHOOK_URL: url })).toThrow(ConfigError);
      expect(() => loadConfig({ TELEGRAM_WEBHOOK_URL: url })).toThrow(
        /TELEGRAM_WEBHOOK_URL must be an https URL ending in \/telegram\/webhook/,
      );
    }
  });

  it('accepts a secret of 1-256 allowed characters and refuses others', () => {
    expect(loadConfig({ TELEGRAM_WEBHOOK_SECRET: 'Ab9_-' }).telegramWebhookSecret).toBe('Ab9_-');
    expect(loadConfig({ TELEGRAM_WEBHOOK_SECRET: 'a'.repeat(256) }).telegramWebhookSecret).toHaveLength(256);
    for (const bad of ['a'.repeat(257), 'has space', 'semi;colon', 'ünï']) {
      expect(() => loadConfig({ TELEGRAM_WEBHOOK_SECRET: bad })).toThrow(
        `TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -, got a value of ${bad.length} characters`,
      );
    }
  });
});
