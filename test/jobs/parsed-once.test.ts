/**
 * A request is parsed once: a backtest at submission, its parsed request
 * stored beside the client's fields and handed to the worker as it is; only a
 * row an older version wrote (fields alone) is parsed by the runner.
 */
import { describe, expect, it, vi } from 'vitest';
import { backtestRequestOf } from '../../src/jobs/job-runner.js';
import { parseBacktestRequest } from '../../src/research/index.js';
import { type JobRow, packParams, toJob } from '../../src/store/job-records.js';
import { SPX_BACKTEST } from './harness.js';

const row = (params: string): JobRow => ({
  id: 1,
  user_id: 1,
  type: 'backtest',
  status: 'queued',
  priority: 2,
  progress: 0,
  params,
  result: null,
  result_gzip: null,
  result_note: null,
  error_code: null,
  error_message: null,
  timeout_ms: 1000,
  attempts: 0,
  submitted_at: 0,
  started_at: null,
  finished_at: null,
  updated_at: 0,
});

describe('a backtest request is parsed once', () => {
  it('stores the client fields and the parsed request side by side', () => {
    const request = parseBacktestRequest(SPX_BACKTEST);
    const job = toJob(row(packParams(SPX_BACKTEST, request)));
    expect(job.params).toEqual(SPX_BACKTEST);
    expect(job.request).toEqual(request);
  });

  it('runs the stored request as it is, without parsing the fields again', () => {
    const stored = { ...parseBacktestRequest(SPX_BACKTEST), initialCapital: 123 };
    const job = toJob(row(packParams(SPX_BACKTEST, stored)));
    expect(backtestRequestOf(job, ['replay'])).toEqual(stored);
  });

  it('parses the fields of a row written before requests were stored', () => {
    const job = toJob(row(JSON.stringify(SPX_BACKTEST)));
    expect(job.request).toBeUndefined();
    expect(backtestRequestOf(job, ['replay'])).toEqual(parseBacktestRequest(SPX_BACKTEST));
  });
});

describe('a result is parsed only when read', () => {
  it('keeps the stored text, and parses it on the first read of `result` only', () => {
    const text = '{"metrics":{"trades":3},"curve":[1,2,3]}';
    const job = toJob({ ...row('{}'), status: 'succeeded', result: text });
    expect(job.resultJson).toBe(text);
    const parse = vi.spyOn(JSON, 'parse');
    try {
      expect(job.status).toBe('succeeded');
      expect(parse).not.toHaveBeenCalled();
      expect(job.result).toEqual({ metrics: { trades: 3 }, curve: [1, 2, 3] });
      expect(job.result).toBe(job.result);
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
    }
  });

  it('a job without a result reads null, with no text', () => {
    const job = toJob(row('{}'));
    expect(job.result).toBeNull();
    expect(job.resultJson).toBeNull();
  });
});
