/**
 * The follow form's fields: labels, hints, the checks made beside each field
 * before anything is sent (the server's rules, in words: "Stop loss must be
 * above 0 and at most 100 %"), and the POST /traders body. The server checks
 * again; its refusals land beside the same fields.
 */
import type { CopyMode, FollowOptionsChange, NewTrader } from '../../api/types';

export interface FollowDraft {
  name: string;
  source: string;
  address: string;
  allocation: string;
  copyMode: CopyMode;
  fixedAmount: string;
  copyRatio: string;
  takeProfitPct: string;
  stopLossPct: string;
  trailingStopPct: string;
  maxPositionSize: string;
  minTradeSize: string;
  allowMarkets: string;
  denyMarkets: string;
}

export type FollowField = keyof FollowDraft;

export const LABELS: Record<FollowField, string> = {
  name: 'Name',
  source: 'Source',
  address: 'Address',
  allocation: 'Allocation',
  copyMode: 'Sizing mode',
  fixedAmount: 'Fixed amount',
  copyRatio: 'Copy ratio',
  takeProfitPct: 'Take profit %',
  stopLossPct: 'Stop loss %',
  trailingStopPct: 'Trailing stop %',
  maxPositionSize: 'Max position size',
  minTradeSize: 'Min trade size',
  allowMarkets: 'Only these markets',
  denyMarkets: 'Never these markets',
};

export const HINTS: Partial<Record<FollowField, string>> = {
  address: 'simulated: a leader id such as sim-momentum-3; Polymarket: 0x + 40 hex',
  allocation: 'capital for this follow',
  fixedAmount: 'quote amount per copy',
  copyRatio: 'copy size = leader size × ratio',
  takeProfitPct: 'empty: none',
  stopLossPct: 'empty: none',
  trailingStopPct: 'below the best price since entry; empty: none',
  maxPositionSize: 'largest copy position; empty: no cap',
  minTradeSize: 'smaller copies are skipped; empty: none',
  allowMarkets: 'market ids, comma separated; empty: all',
  denyMarkets: 'market ids, comma separated',
};

/** A field of the POST /traders body, follow options by their dotted path. */
type BodyPath = Exclude<keyof NewTrader, 'followOptions'> | `followOptions.${keyof FollowOptionsChange}`;

/** Where each field goes in the request body (and so which server error path names it). */
export const PATHS: Record<FollowField, BodyPath> = {
  name: 'name',
  source: 'source',
  address: 'address',
  allocation: 'allocation',
  copyMode: 'followOptions.copyMode',
  fixedAmount: 'followOptions.fixedAmount',
  copyRatio: 'followOptions.copyRatio',
  takeProfitPct: 'followOptions.takeProfitPct',
  stopLossPct: 'followOptions.stopLossPct',
  trailingStopPct: 'followOptions.trailingStopPct',
  maxPositionSize: 'followOptions.maxPositionSize',
  minTradeSize: 'followOptions.minTradeSize',
  allowMarkets: 'followOptions.allowMarkets',
  denyMarkets: 'followOptions.denyMarkets',
};

export function emptyDraft(over: Partial<FollowDraft> = {}): FollowDraft {
  return {
    name: '',
    source: 'simulated',
    address: '',
    allocation: '1000',
    copyMode: 'fixed',
    fixedAmount: '100',
    copyRatio: '0.1',
    takeProfitPct: '',
    stopLossPct: '',
    trailingStopPct: '',
    maxPositionSize: '',
    minTradeSize: '',
    allowMarkets: '',
    denyMarkets: '',
    ...over,
  };
}

const DECIMAL = /^\d{1,20}(\.\d{1,18})?$/;
const MARKET = /^[A-Za-z0-9._:/-]{1,128}$/;

const list = (v: string) =>
  v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** Checks a number field (`max` for percentages); the problem in words, or null. */
function amount(
  label: string,
  v: string,
  opts: { required?: boolean; zeroOk?: boolean; max?: number; pct?: boolean },
): string | null {
  const t = v.trim();
  if (t === '') return opts.required ? `${label} is required` : null;
  if (!DECIMAL.test(t)) return `${label} must be a number such as 12.5 (no sign, no exponent)`;
  const n = Number(t);
  const what = label.replace(/ %$/, '');
  if (opts.max !== undefined && (n > opts.max || n === 0))
    return `${what} must be between 0 and ${opts.max}${opts.pct ? ' %' : ''}`;
  if (!opts.zeroOk && n === 0) return `${what} must be above 0`;
  return null;
}

/** Every problem with the draft, by field, in words (empty when it may be sent). */
export function checkDraft(
  d: FollowDraft,
  shown: readonly FollowField[],
): Partial<Record<FollowField, string>> {
  const out: Partial<Record<FollowField, string>> = {};
  const put = (f: FollowField, problem: string | null) => {
    if (problem && shown.includes(f)) out[f] = problem;
  };
  const name = d.name.trim();
  put(
    'name',
    name === '' ? 'Name is required' : name.length > 100 ? 'Name must be at most 100 characters' : null,
  );
  put('address', d.address.trim() === '' ? 'Address is required' : null);
  put(
    'allocation',
    amount('Allocation', d.allocation, {
      zeroOk: d.copyMode !== 'proportional',
      required: d.copyMode === 'proportional',
    }),
  );
  put('fixedAmount', amount('Fixed amount', d.fixedAmount, { required: true }));
  put('copyRatio', amount('Copy ratio', d.copyRatio, { required: true, max: 100 }));
  put('takeProfitPct', amount('Take profit %', d.takeProfitPct, { max: 100_000, pct: true }));
  put('stopLossPct', amount('Stop loss %', d.stopLossPct, { max: 100, pct: true }));
  put('trailingStopPct', amount('Trailing stop %', d.trailingStopPct, { max: 100, pct: true }));
  put('maxPositionSize', amount('Max position size', d.maxPositionSize, {}));
  put('minTradeSize', amount('Min trade size', d.minTradeSize, { zeroOk: true }));
  for (const f of ['allowMarkets', 'denyMarkets'] as const) {
    const bad = list(d[f]).find((m) => !MARKET.test(m));
    put(f, bad ? `${LABELS[f]}: "${bad}" is not a market id (letters, digits and ._:/-)` : null);
  }
  return out;
}

export function bodyOf(d: FollowDraft): NewTrader {
  const opt = (v: string) => (v.trim() === '' ? undefined : v.trim());
  const markets = (v: string) => (list(v).length > 0 ? list(v) : undefined);
  const followOptions: FollowOptionsChange = {
    copyMode: d.copyMode,
    takeProfitPct: opt(d.takeProfitPct),
    stopLossPct: opt(d.stopLossPct),
    trailingStopPct: opt(d.trailingStopPct),
    maxPositionSize: opt(d.maxPositionSize),
    minTradeSize: opt(d.minTradeSize),
    allowMarkets: markets(d.allowMarkets),
    denyMarkets: markets(d.denyMarkets),
  };
  if (d.copyMode === 'fixed') followOptions.fixedAmount = opt(d.fixedAmount) ?? null;
  if (d.copyMode === 'ratio') followOptions.copyRatio = opt(d.copyRatio);
  return {
    name: d.name.trim(),
    source: d.source,
    address: d.address.trim(),
    allocation: opt(d.allocation),
    enabled: true,
    followOptions,
  };
}
