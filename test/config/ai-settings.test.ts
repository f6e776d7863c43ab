/**
 * The AI settings as loadConfig reads them: defaults that ask no model, each
 * bad value named with the form it needs, and the API key never echoed.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { callCost, parsePriceTable } from '../../src/pipeline/ai/price-table.js';

describe('AI settings', () => {
  it('default to the rules, with budgets and no provider', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      pipelineAnalyst: 'rules',
      pipelineDecider: 'rules',
      aiBaseUrl: '',
      aiApiKey: '',
      aiMaxCallsPerHour: 600,
      aiMaxTokensPerDay: 2_000_000,
      aiConcurrency: 4,
      aiTimeoutMs: 30_000,
      aiResponseFormat: 'json_schema',
    });
  });

  it('reads a provider, models, modes and a price table', () => {
    const c = loadConfig({
      AI_BASE_URL: 'http://127.0.0.1:8000/v1/',
      PIPELINE_ANALYST: 'ai',
      PIPELINE_DECIDER: 'both',
      AI_ANALYST_MODEL: 'qwen2.5:7b',
      AI_PRICES: 'gpt-4o-mini=0.15/0.6,qwen2.5:7b=0/0',
    });
    expect(c).toMatchObject({
      aiBaseUrl: 'http://127.0.0.1:8000/v1',
      pipelineDecider: 'both',
      aiAnalystModel: 'qwen2.5:7b',
    });
    const prices = parsePriceTable(c.aiPrices);
    expect(callCost(prices, 'gpt-4o-mini', 1_000_000, 500_000)).toBe('0.45');
    expect(callCost(prices, 'gpt-4o-mini', 1234, 56)).toBe('0.0002187');
    expect(callCost(prices, 'qwen2.5:7b', 1000, 1000)).toBe('0');
    expect(callCost(prices, 'unknown', 1000, 1000)).toBeNull();
  });

  it('names every bad value and its form, and never echoes the key', () => {
    const key = 'sk-has a space';
    const bad = () =>
      loadConfig({
        AI_BASE_URL: 'ftp://x',
        PIPELINE_DECIDER: 'maybe',
        AI_PRICES: 'gpt=cheap',
        AI_CONCURRENCY: '0',
        AI_API_KEY: key,
      });
    expect(bad).toThrow(/AI_BASE_URL must be an http\(s\) URL/);
    expect(bad).toThrow(/PIPELINE_DECIDER must be rules, ai or both, got "maybe"/);
    expect(bad).toThrow(/AI_PRICES must be model=input\/output pairs/);
    expect(bad).toThrow(/AI_CONCURRENCY must be an integer from 1 to 64/);
    expect(bad).toThrow(
      /AI_API_KEY must be the API key of the AI_BASE_URL server, got a value of 14 characters/,
    );
    try {
      bad();
    } catch (err) {
      expect(JSON.stringify(err) + String(err)).not.toContain(key);
    }
  });
});
