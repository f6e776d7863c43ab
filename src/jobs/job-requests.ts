/**
 * Validates what a client submits before anything is written: the job
 * options (priority, timeout) and each type's parameters, with every
 * problem reported by field. A Monte Carlo request takes trade returns
 * either inline (`tradeReturns`) or from a finished backtest of the same
 * user (`fromJob`): the returns are copied into the job, so the job is
 * self-contained and a worker anywhere needs nothing else. With `fromJob`,
 * the backtest's initial capital comes along too (unless the request names
 * one): the returns are fractions of that backtest's equity, so the paths
 * start where it started, whichever client asked.
 */
import { ForbiddenError, ValidationError } from '../domain/errors.js';
import { JOB_PRIORITIES, type JobPriority } from '../domain/job.js';
import type { AddressCheck } from '../domain/trader.js';
import { Problems } from '../domain/validation.js';
import { withDeadline } from '../lib/deadline.js';
import {
  type BacktestRequest,
  type CopyBacktestRequest,
  isCopyBacktest,
  type ModelReplayAsk,
  parseBacktestRequest,
  parseCopyBacktestRequest,
  parseMonteCarloRequest,
} from '../research/index.js';
import type { Job } from '../store/job-records.js';

export const MIN_TIMEOUT_MS = 100;

export interface JobOptions {
  priority: JobPriority;
  timeoutMs: number;
}

/** `priority` and `timeoutMs` (at most `maxTimeoutMs`, the configured JOB_TIMEOUT_MS, which is also the default). */
export function parseJobOptions(
  raw: { priority?: unknown; timeoutMs?: unknown },
  maxTimeoutMs: number,
): JobOptions {
  const p = new Problems();
  const priority = raw.priority ?? 'normal';
  if (typeof priority !== 'string' || !JOB_PRIORITIES.includes(priority as JobPriority))
    p.add('priority', `must be one of ${JOB_PRIORITIES.join(', ')}`);
  const timeoutMs = raw.timeoutMs ?? maxTimeoutMs;
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs))
    p.add('timeoutMs', 'must be an integer number of milliseconds');
  else if (timeoutMs < MIN_TIMEOUT_MS || timeoutMs > maxTimeoutMs)
    p.add('timeoutMs', `must be from ${MIN_TIMEOUT_MS} to ${maxTimeoutMs} (JOB_TIMEOUT_MS)`);
  p.throwIfAny('invalid job options');
  return { priority: priority as JobPriority, timeoutMs: timeoutMs as number };
}

/** Whether a parsed backtest request is a copy backtest. */
export const isCopyRequest = (r: BacktestRequest | CopyBacktestRequest): r is CopyBacktestRequest =>
  (r as { kind?: unknown }).kind === 'copy';

/** A backtest as submitted: the client's fields (what the job shows) and the request they parse to (what runs). */
export interface BacktestSubmission {
  body: unknown;
  /** A strategy backtest's `modelReplay` is still the ask: `resolveModelReplay` reads its answers. */
  request: BacktestRequest<ModelReplayAsk> | CopyBacktestRequest;
}

/**
 * Parses a backtest request once, at submission; the worker runs `request` as
 * it is. A copy backtest (`kind: "copy"`) shows its request with the defaults
 * filled in (the venue, the timeframe, the follow options).
 */
export function parseBacktestSubmission(
  raw: unknown,
  venues: readonly string[],
  copy: { defaultVenue?: string; checkAddress?: AddressCheck } = {},
): BacktestSubmission {
  if (isCopyBacktest(raw)) {
    const request = parseCopyBacktestRequest(raw, { venues, ...copy });
    const body = {
      ...request,
      from: new Date(request.from).toISOString(),
      to: new Date(request.to).toISOString(),
    };
    return { body, request };
  }
  return { body: raw, request: parseBacktestRequest(raw, { venues }) };
}

/** The symbols a venue lists; undefined when it cannot tell (then a worker reports an unknown symbol). */
export type VenueSymbols = (venue: string) => Promise<ReadonlySet<string> | undefined>;

/**
 * Refuses a backtest of a symbol its venue does not list, naming both. A
 * listing slower than `waitMs` (an upstream venue's first listing) checks
 * nothing: the worker reports an unknown symbol then.
 */
export async function checkBacktestSymbol(
  { venue, symbol }: Pick<BacktestRequest, 'venue' | 'symbol'>,
  symbols: VenueSymbols,
  waitMs: number,
): Promise<void> {
  const listed = await withDeadline(symbols(venue), waitMs, () => undefined);
  if (!listed || listed.has(symbol)) return;
  const message = `venue ${venue} has no market ${JSON.stringify(symbol)}`;
  throw new ValidationError(`symbol: ${message}`, { details: [{ path: 'symbol', message }] });
}

/** Looks up a job for `fromJob` (undefined when there is none). */
export type JobLookup = (id: number) => Promise<Job | undefined>;

/**
 * The Monte Carlo params to store: the client's fields with `tradeReturns`
 * resolved (inline, or the returns of backtest `fromJob`), asking for at
 * most `maxSteps` paths x trades (MONTECARLO_MAX_STEPS).
 */
export async function checkMonteCarloParams(
  raw: unknown,
  userId: number,
  lookup: JobLookup,
  limits: { maxSteps?: number } = {},
): Promise<Record<string, unknown>> {
  const params = await resolveMonteCarloParams(raw, userId, lookup);
  if (limits.maxSteps !== undefined) checkMonteCarloWork(params, limits.maxSteps);
  return params;
}

/** A 400 naming MONTECARLO_MAX_STEPS when the request asks for more paths x trades than it allows. */
function checkMonteCarloWork(params: Record<string, unknown>, maxSteps: number): void {
  const req = parseMonteCarloRequest(monteCarloFields(params));
  const steps = req.paths * (req.method === 'reshuffle' ? req.tradeReturns.length : req.tradesPerPath);
  if (steps <= maxSteps) return;
  const fmt = (n: number) => n.toLocaleString('en-US');
  const message = `paths x trades per path must be at most ${fmt(maxSteps)} (MONTECARLO_MAX_STEPS); this request asks for ${fmt(req.paths)} x ${fmt(steps / req.paths)} = ${fmt(steps)}`;
  throw new ValidationError(`invalid Monte Carlo request: ${message}`, {
    details: [{ path: 'paths', message }],
  });
}

/** The fields parseMonteCarloRequest reads (without the `fromJob` reference). */
function monteCarloFields(params: Record<string, unknown>): Record<string, unknown> {
  const { fromJob: _from, ...rest } = params;
  return rest;
}

async function resolveMonteCarloParams(
  raw: unknown,
  userId: number,
  lookup: JobLookup,
): Promise<Record<string, unknown>> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ValidationError('a Monte Carlo request must be a JSON object', {
      details: [{ path: 'body', message: 'must be an object' }],
    });
  }
  const { fromJob, ...rest } = raw as Record<string, unknown>;
  if (fromJob === undefined) {
    parseMonteCarloRequest(rest);
    return rest;
  }
  const fail = (message: string) => {
    throw new ValidationError(`fromJob ${message}`, { details: [{ path: 'fromJob', message }] });
  };
  if (rest.tradeReturns !== undefined) fail('and tradeReturns exclude each other: give one');
  if (typeof fromJob !== 'number' || !Number.isSafeInteger(fromJob) || fromJob < 1)
    fail('must be the id of a backtest job');
  const source = await lookup(fromJob as number);
  if (!source) fail(`must be the id of a backtest job; job ${fromJob} does not exist`);
  if (source!.userId !== userId) throw new ForbiddenError(`job ${fromJob} belongs to another user`);
  if (source!.type !== 'backtest') fail(`must be a backtest job; job ${fromJob} is a ${source!.type} job`);
  if (source!.status !== 'succeeded')
    fail(`must be a succeeded backtest; job ${fromJob} is ${source!.status}`);
  if (source!.resultNote)
    fail(`must be a backtest whose result is kept; job ${fromJob}'s ${source!.resultNote}`);
  const tradeReturns = (source!.result as { tradeReturns?: unknown } | null)?.tradeReturns;
  if (!Array.isArray(tradeReturns) || tradeReturns.length === 0)
    fail(`must be a backtest that made trades; job ${fromJob} made none`);
  // The returns are fractions of the backtest's equity: its capital comes with them unless the client names one.
  const capital = backtestCapital(source!);
  const params = {
    ...rest,
    tradeReturns,
    ...(rest.initialCapital === undefined && capital !== undefined ? { initialCapital: capital } : {}),
  };
  parseMonteCarloRequest(params);
  return { ...params, fromJob };
}

/** The initial capital a finished backtest ran with: its metrics, else its request. */
function backtestCapital(job: Job): number | undefined {
  const fromResult = (job.result as { metrics?: { initialCapital?: unknown } } | null)?.metrics
    ?.initialCapital;
  const fromParams = (job.params as { initialCapital?: unknown } | null)?.initialCapital;
  for (const v of [fromResult, fromParams])
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
  return undefined;
}
