/**
 * A pipeline setting never stops the server: with VENUE=replay (daily candles
 * and up) and the default PIPELINE_TIMEFRAME=1h the service starts, and the
 * pipeline trades on the venue's closest timeframe and says so in its status.
 */
import { describe, expect, it } from 'vitest';
import { pipelineTimeframe } from '../../src/pipeline/create-pipeline.js';
import { sqliteTarget } from '../support/databases.js';
import { testServices } from '../support/services.js';

describe('the pipeline timeframe', () => {
  it('is PIPELINE_TIMEFRAME when the venue offers it', () => {
    expect(pipelineTimeframe('4h', 'simulated', ['1m', '1h', '4h'])).toEqual({
      timeframe: '4h',
      ms: 14_400_000,
    });
  });

  it("otherwise is the venue's closest timeframe, with a note", () => {
    expect(pipelineTimeframe('1h', 'replay', ['1d', '1w', '1M'])).toEqual({
      timeframe: '1d',
      ms: 86_400_000,
      note: 'PIPELINE_TIMEFRAME 1h is not offered by replay, using 1d',
    });
    expect(pipelineTimeframe('5d', 'replay', ['1d', '1w']).timeframe).toBe('1w');
  });

  it('VENUE=replay with the default PIPELINE_TIMEFRAME starts, and the status says which timeframe is used', async () => {
    const ctx = await testServices(sqliteTarget, { venue: 'replay' });
    try {
      const status = await ctx.services.pipeline.status();
      expect(status.timeframe).toBe('1d');
      expect(status.modeReason).toMatch(/PIPELINE_TIMEFRAME 1h is not offered by replay, using 1d/);
    } finally {
      await ctx.close();
    }
  });
});
