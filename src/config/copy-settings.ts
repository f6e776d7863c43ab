/**
 * Settings of the copy engine: whether this instance runs watchers, the
 * simulated leaders, the Polymarket data API, lag and lease limits, the paper
 * fill model and the paper account.
 */
import { type Decimal, dec, decimal, tryParseDecimal } from '../domain/decimal.js';
import { int, oneOf, setting } from './setting.js';

/** A non-negative decimal text (no exponent), e.g. "100000" or "0.001", as a canonical Decimal ("0.0010" is "0.001"). */
const decimalText = (raw: string): Decimal | undefined => {
  if (!/^\d{1,20}(\.\d{1,18})?$/.test(raw)) return undefined;
  const r = tryParseDecimal(raw);
  return r.ok ? r.value : undefined;
};

/** A decimal text at most `max`, compared exactly (0.1000000000000000001 is above 0.1). */
const decimalAtMost = (max: Decimal) => (raw: string) => {
  const d = decimalText(raw);
  return d !== undefined && dec.cmp(d, max) <= 0 ? d : undefined;
};
const TEN_PERCENT = decimal('0.1');

export const copySettings = {
  copyEngine: setting({
    env: 'COPY_ENGINE',
    form: 'on or off',
    default: 'on' as 'on' | 'off',
    parse: oneOf('on', 'off'),
    doc: 'Run copy watchers in this instance. In a fleet every instance may: each leader is watched by one lease holder at a time.',
  }),
  copyMaxLagMs: setting({
    env: 'COPY_MAX_LAG_MS',
    form: 'an integer from 1000 to 86400000',
    default: 60_000,
    parse: int(1000, 86_400_000),
    doc: 'A leader trade seen later than this after it happened is recorded `too_old` and not copied.',
  }),
  copyLeaseMs: setting({
    env: 'COPY_LEASE_MS',
    form: 'an integer from 1000 to 600000',
    default: 9_000,
    parse: int(1000, 600_000),
    doc: 'A watcher whose instance stopped renewing its lease this long is taken over by another instance.',
  }),
  copyWatchdogMs: setting({
    env: 'COPY_WATCHDOG_MS',
    form: 'an integer from 1000 to 86400000',
    default: 120_000,
    parse: int(1000, 86_400_000),
    doc: 'A watcher not polled, or a source failing, for longer than this raises an alert.',
  }),
  copyFeeRate: setting({
    env: 'COPY_FEE_RATE',
    form: 'a decimal from 0 to 0.1, e.g. 0.001',
    default: '0.001',
    parse: decimalAtMost(TEN_PERCENT),
    doc: 'Paper fee of a copy, as a share of its notional (0.001 = 0.1 %).',
  }),
  copySlippage: setting({
    env: 'COPY_SLIPPAGE',
    form: 'a decimal from 0 to 0.1, e.g. 0.0005',
    default: '0.0005',
    parse: decimalAtMost(TEN_PERCENT),
    doc: 'Paper slippage of a copy: buys fill this share above the current price, sells below.',
  }),
  paperInitialBalance: setting({
    env: 'PAPER_INITIAL_BALANCE',
    form: 'a decimal from 0 to 10^20',
    default: '100000',
    parse: decimalText,
    doc: 'Starting balance of each user’s paper account per venue, in the quote currency.',
  }),
  simLeaders: setting({
    env: 'SIM_LEADERS',
    form: 'an integer from 0 to 10000',
    default: 60,
    parse: int(0, 10_000),
    doc: 'How many seeded leaders the simulated source grows (0 = none).',
  }),
  simLeaderIntervalMs: setting({
    env: 'SIM_LEADER_INTERVAL_MS',
    form: 'an integer from 100 to 86400000',
    default: 30_000,
    parse: int(100, 86_400_000),
    doc: 'Mean time between two trades of one simulated leader.',
  }),
  polymarketDataApi: setting({
    env: 'POLYMARKET_DATA_API',
    form: 'an http(s) URL',
    default: 'https://data-api.polymarket.com',
    parse: (raw: string) => (/^https?:\/\/[^\s]+$/.test(raw) ? raw.replace(/\/+$/, '') : undefined),
    doc: 'Polymarket data API origin, where followed wallets’ trades and the leaderboard are read.',
  }),
};
