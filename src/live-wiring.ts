/**
 * Builds what live copies need from the configuration: the users' sealed
 * exchange keys (SECRETS_KEY or the key file in DATA_DIR) with the venue-side
 * check of new keys, and the live copy planner, executor and venues. ccxt is
 * loaded only when a key is first checked or a live venue first used.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from './config/schema.js';
import { CopyKillSwitch } from './copytrading/copy-kill-switch.js';
import type { FillLedger } from './copytrading/fill-ledger.js';
import { LiveCopyExecutor } from './copytrading/live-copy-executor.js';
import { LiveCopyPlanner } from './copytrading/live-copy-planner.js';
import { LiveFillWriter } from './copytrading/live-fill-writer.js';
import type { LiveVenues } from './copytrading/live-venue-port.js';
import type { Clock } from './domain/clock.js';
import { parseExact } from './domain/decimal.js';
import type { OpenedKeys } from './domain/live-order.js';
import { CredentialRepository } from './store/credential-repository.js';
import type { Database } from './store/database.js';
import { LiveOrderRepository } from './store/live-order-repository.js';
import type { OrderRepository } from './store/order-repository.js';
import { compile } from './store/prepared.js';
import type { TradingPairRepository } from './store/trading-pair-repository.js';
import { CredentialService, type KeyVerifier } from './users/credential-service.js';
import { openSecretBox } from './users/secret-box.js';
import type { CcxtLiveVenues } from './venues/ccxt/ccxt-live-venues.js';
import type { CcxtKeyVerifier } from './venues/ccxt/credential-verifier.js';

const POLYMARKET_CLOB = 'https://clob.polymarket.com';

/** The venues that are not ccxt exchanges (keyed by venue id), with their verifier and live venues. */
const OWN_VENUES: Record<
  string,
  {
    verifier(origin: string | undefined): Promise<KeyVerifier>;
    live(origin: string | undefined, timeoutMs: number): Promise<LiveVenues>;
  }
> = {
  polymarket: {
    verifier: async (origin) =>
      new (await import('./venues/polymarket/clob-key-verifier.js')).ClobKeyVerifier(
        origin ?? POLYMARKET_CLOB,
      ),
    live: async (origin, timeoutMs) =>
      new (await import('./venues/polymarket/clob-live-venues.js')).ClobLiveVenues({
        host: origin ?? POLYMARKET_CLOB,
        timeoutMs,
      }),
  },
};

/** The verifiers, each imported on first use (ccxt is large): a venue of OWN_VENUES, or ccxt's. */
function lazyVerifier(origins: Readonly<Record<string, string>>): KeyVerifier {
  const loaded = new Map<string, Promise<KeyVerifier | CcxtKeyVerifier>>();
  const load = (venue: string) => {
    const own = OWN_VENUES[venue];
    const key = own ? venue : 'ccxt';
    let v = loaded.get(key);
    if (!v) {
      v = own
        ? own.verifier(origins[venue])
        : import('./venues/ccxt/credential-verifier.js').then((m) => new m.CcxtKeyVerifier(origins));
      loaded.set(key, v);
    }
    return v;
  };
  return {
    keyFields: async (venue) => (await load(venue)).keyFields(venue),
    verify: async (venue, keys) => (await load(venue)).verify(venue, keys),
  };
}

export function createCredentials(config: Config, db: Database, clock: Clock): CredentialService {
  return new CredentialService({
    repo: new CredentialRepository(db),
    box: openSecretBox(config.secretsKey, config.dataDir),
    verifier: lazyVerifier(config.liveVenueOrigins),
    clock,
    allowWithdraw: config.allowWithdrawKeys === 'on',
    ...(config.exchangeApiKey && config.exchangeApiSecret
      ? {
          serverKeys: {
            venue: config.ccxtExchange,
            keys: { apiKey: config.exchangeApiKey, secret: config.exchangeApiSecret },
            since: clock.now(),
          },
        }
      : {}),
    admins: async (userIds) => {
      if (userIds.length === 0) return new Set<number>();
      const q = db.kysely
        .selectFrom('users')
        .select('id')
        .where('id', 'in', [...userIds])
        .where('is_admin', '=', 1);
      return new Set((await db.all(compile(q))).map((r) => Number(r.id)));
    },
  });
}

/**
 * The live venues, each imported when first loaded (rules stay unknown until
 * then): a venue of OWN_VENUES, or ccxt's for every other venue id.
 */
class LazyLiveVenues implements LiveVenues {
  private readonly impls = new Map<string, LiveVenues | CcxtLiveVenues>();
  private readonly loading = new Map<string, Promise<LiveVenues | CcxtLiveVenues>>();

  constructor(
    private readonly origins: Readonly<Record<string, string>>,
    private readonly timeoutMs: number,
  ) {}

  private kind(venue: string): string {
    return OWN_VENUES[venue] ? venue : 'ccxt';
  }

  private impl(venue: string) {
    const impl = this.impls.get(this.kind(venue));
    if (!impl) throw new Error(`live venue ${venue} used before load()`);
    return impl;
  }

  rules(venue: string, symbol: string) {
    return this.impls.get(this.kind(venue))?.rules(venue, symbol);
  }

  async load(venue: string): Promise<void> {
    const kind = this.kind(venue);
    let p = this.loading.get(kind);
    if (!p) {
      const own = OWN_VENUES[venue];
      p = (
        own
          ? own.live(this.origins[venue], this.timeoutMs)
          : import('./venues/ccxt/ccxt-live-venues.js').then(
              (m) => new m.CcxtLiveVenues(this.origins, this.timeoutMs),
            )
      ).then((impl) => {
        this.impls.set(kind, impl);
        return impl;
      });
      this.loading.set(kind, p);
    }
    await (await p).load(venue);
  }

  client(venue: string, keys: OpenedKeys) {
    return this.impl(venue).client(venue, keys);
  }

  clientOrderId(venue: string, traderId: number, tradeId: string): string {
    return this.impl(venue).clientOrderId(venue, traderId, tradeId);
  }
}

export interface LiveCopies {
  repo: LiveOrderRepository;
  killSwitch: CopyKillSwitch;
  planner: Pick<LiveCopyPlanner, 'plan'>;
  executor: LiveCopyExecutor;
  venues: LiveVenues;
  /** After a committed page: sends its live copies, if it planned any. */
  kick(): void;
  /**
   * Whether the user has keys for `venue` (a live follow needs them); when
   * they do, the venue's rules are loaded now (once), not on the follow's first trade.
   */
  followCheck(userId: number, venue: string): Promise<boolean>;
  /** Loads the venues live follows trade on, then reconciles and sweeps. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface LiveCopyDeps {
  db: Database;
  clock: Clock;
  logger: Pick<Logger, 'warn'>;
  orders: OrderRepository;
  pairs: TradingPairRepository;
  fills: FillLedger;
  /** After outcomes were recorded: the users whose caches and pushes are stale. */
  onRecorded(userIds: readonly number[]): void;
  /** Live venues used instead of ccxt's (tests). */
  venues?: LiveVenues;
}

/** Users' credentials and live copies, as the container wires them. */
export function createLiveTrading(
  config: Config,
  d: LiveCopyDeps,
): { credentials: CredentialService; live: LiveCopies } {
  const credentials = createCredentials(config, d.db, d.clock);
  return { credentials, live: createLiveCopies(config, d, credentials) };
}

function createLiveCopies(config: Config, d: LiveCopyDeps, credentials: CredentialService): LiveCopies {
  const onError = (err: unknown, context: string) =>
    d.logger.warn({ err: String(err), context }, 'live copies');
  const repo = new LiveOrderRepository(d.db);
  const venues = d.venues ?? new LazyLiveVenues(config.liveVenueOrigins, config.liveOrderTimeoutMs);
  const executor = new LiveCopyExecutor({
    live: repo,
    writer: new LiveFillWriter({ db: d.db, live: repo, orders: d.orders, pairs: d.pairs, fills: d.fills }),
    venues,
    keys: credentials,
    clock: d.clock,
    instanceId: randomUUID(),
    timeoutMs: config.liveOrderTimeoutMs,
    onError,
    onRecorded: d.onRecorded,
  });
  const planner = new LiveCopyPlanner({
    live: repo,
    venues,
    balance: (u, v, a) => executor.balance(u, v, a),
    dailyLossLimit: parseExact(config.liveDailyLossLimit),
    now: () => d.clock.now(),
  });
  // Pages without live copies (most of them) must not cost the executor a claim statement.
  let planned = false;
  const plan: LiveCopyPlanner['plan'] = async (...args) => {
    const decisions = await planner.plan(...args);
    if (decisions.some((x) => x.status === 'copied')) planned = true;
    return decisions;
  };
  return {
    repo,
    killSwitch: new CopyKillSwitch(repo, d.clock),
    planner: { plan },
    executor,
    venues,
    async followCheck(userId, venue) {
      const has = await credentials.has(userId, venue);
      if (has) await venues.load(venue).catch((err: unknown) => onError(err, 'live venue'));
      return has;
    },
    kick: () => {
      if (!planned) return;
      planned = false;
      void executor.kick();
    },
    async start() {
      const rows = await d.db.all(
        compile(
          d.db.kysely
            .selectFrom('traders')
            .select('live_venue')
            .distinct()
            .where('execution', '=', 'live')
            .where('live_venue', 'is not', null),
        ),
      );
      for (const r of rows)
        await venues.load(r.live_venue!).catch((err: unknown) => onError(err, 'live venue'));
      executor.start();
    },
    stop: () => executor.stop(),
  };
}
