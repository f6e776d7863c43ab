/**
 * Settings of live copies with users' own exchange keys: how the keys are
 * sealed at rest, which keys are accepted, where the venues are (tests point
 * them at loopback fakes), and the limits on live orders.
 */
import { type Decimal, tryParseDecimal } from '../domain/decimal.js';
import { int, oneOf, setting } from './setting.js';

/** `venue=origin` pairs, comma-separated, e.g. `bingx=http://127.0.0.1:4321`. */
const origins = (raw: string): Record<string, string> | undefined => {
  const out: Record<string, string> = {};
  for (const part of raw.split(',')) {
    const m = /^([a-z0-9]{2,32})=(https?:\/\/[^\s,]+)$/.exec(part.trim());
    if (!m) return undefined;
    try {
      out[m[1]!] = new URL(m[2]!).origin;
    } catch {
      return undefined;
    }
  }
  return out;
};

const amount = (raw: string): Decimal | undefined => {
  if (!/^\d{1,20}(\.\d{1,18})?$/.test(raw)) return undefined;
  const r = tryParseDecimal(raw);
  return r.ok ? r.value : undefined;
};

export const liveSettings = {
  secretsKey: setting({
    env: 'SECRETS_KEY',
    form: '64 hex digits or base64 of 32 bytes',
    default: '',
    parse: (raw) => (/^([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/.test(raw) ? raw : undefined),
    doc: 'Key that seals users’ exchange credentials (AES-256-GCM). Unset: a key generated in `<DATA_DIR>/secrets.key` (mode 0600) — back it up; in a fleet set the same SECRETS_KEY on every instance.',
    secret: true,
  }),
  allowWithdrawKeys: setting({
    env: 'ALLOW_WITHDRAW_KEYS',
    form: 'on or off',
    default: 'off' as 'on' | 'off',
    parse: oneOf('on', 'off'),
    doc: 'Accept exchange keys that may withdraw funds (`off`: such keys are refused with 400; use a trade-only key).',
  }),
  liveVenueOrigins: setting({
    env: 'LIVE_VENUE_ORIGINS',
    form: 'venue=origin pairs separated by commas, e.g. bingx=http://127.0.0.1:4321',
    default: {} as Record<string, string>,
    parse: origins,
    doc: 'Overrides the REST origin of venues used with users’ keys (credential checks, live copies): a proxy, or a loopback fake in tests.',
  }),
  liveOrderTimeoutMs: setting({
    env: 'LIVE_ORDER_TIMEOUT_MS',
    form: 'an integer from 100 to 600000',
    default: 10_000,
    parse: int(100, 600_000),
    doc: 'A live copy order not acknowledged within this is looked up on the venue by its client order id (and recorded, never sent twice).',
  }),
  liveDailyLossLimit: setting({
    env: 'LIVE_DAILY_LOSS_LIMIT',
    form: 'a decimal amount of quote currency (0 = off)',
    default: '0' as Decimal,
    parse: amount,
    doc: 'Realised loss (net of fees) of a user’s live copies in one UTC day that stops their new live entries until the next day; exits still run. 0 = no limit.',
  }),
};
