/**
 * Followed traders. Every change bumps `version` (optimistic concurrency) and
 * is a single UPDATE ... RETURNING, so a toggle is one statement and one commit.
 */
import { type Selectable, sql, type Updateable } from 'kysely';
import { type CopyMode, parseEnabledWindows } from '../domain/copy.js';
import type {
  Execution,
  FollowOptions,
  NewTrader,
  Trader,
  TraderPatch,
  TraderSource,
} from '../domain/trader.js';
import { canonicalAmount, canonicalAmountOrNull } from './amounts.js';
import type { Database, Query, SqlExecutor } from './database.js';
import { compile, prepare } from './prepared.js';
import type { TradersTable } from './schema.js';
import { type Toggle, toggleBatcher } from './trader-toggle-batch.js';
import type { WriteBatcher } from './write-batcher.js';

export type TraderRow = Selectable<TradersTable>;

const amount = canonicalAmountOrNull;
const list = (v: string | null): string[] | null => (v === null ? null : (JSON.parse(v) as string[]));
const listText = (v: string[] | null | undefined): string | null | undefined =>
  v === undefined ? undefined : v === null ? null : JSON.stringify(v);
const time = (v: number | null): number | null => (v === null ? null : Number(v));

/** Every column, in the order `traderFromTuple` reads them. */
export const TRADER_COLUMNS = [
  'id',
  'user_id',
  'name',
  'source',
  'address',
  'enabled',
  'allocation',
  'take_profit_pct',
  'stop_loss_pct',
  'trailing_stop_pct',
  'max_position_size',
  'copy_ratio',
  'copy_mode',
  'fixed_amount',
  'min_trade_size',
  'allow_markets',
  'deny_markets',
  'execution',
  'live_venue',
  'enabled_since',
  'disabled_at',
  'enabled_windows',
  'version',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof TradersTable)[];

/**
 * A trader from a row read as an array in TRADER_COLUMNS order: lists read
 * tuples, since better-sqlite3 builds a row object property by property
 * (five traders of 25 columns: ~80 us as objects, ~45 as arrays).
 */
export function traderFromTuple(r: unknown[]): Trader {
  return {
    id: Number(r[0]),
    userId: Number(r[1]),
    name: r[2] as string,
    source: r[3] as TraderSource,
    address: r[4] as string,
    enabled: Number(r[5]) === 1,
    allocation: canonicalAmount(r[6]),
    followOptions: {
      takeProfitPct: amount(r[7]),
      stopLossPct: amount(r[8]),
      trailingStopPct: amount(r[9]),
      maxPositionSize: amount(r[10]),
      copyRatio: canonicalAmount(r[11]),
      copyMode: r[12] as CopyMode,
      fixedAmount: amount(r[13]),
      minTradeSize: amount(r[14]),
      allowMarkets: list(r[15] as string | null),
      denyMarkets: list(r[16] as string | null),
      execution: r[17] as Execution,
      liveVenue: r[18] as string | null,
    },
    enabledSince: time(r[19] as number | null),
    disabledAt: time(r[20] as number | null),
    enabledWindows: parseEnabledWindows(r[21] as string),
    version: Number(r[22]),
    createdAt: Number(r[23]),
    updatedAt: Number(r[24]),
  };
}

/** A trader from a row object (single-row reads and RETURNING): the same mapping as the lists'. */
export function toTrader(r: TraderRow): Trader {
  return traderFromTuple(TRADER_COLUMNS.map((c) => r[c]));
}

const FOLLOW_COLUMNS: Record<keyof FollowOptions, keyof TradersTable> = {
  takeProfitPct: 'take_profit_pct',
  stopLossPct: 'stop_loss_pct',
  trailingStopPct: 'trailing_stop_pct',
  maxPositionSize: 'max_position_size',
  copyRatio: 'copy_ratio',
  copyMode: 'copy_mode',
  fixedAmount: 'fixed_amount',
  minTradeSize: 'min_trade_size',
  allowMarkets: 'allow_markets',
  denyMarkets: 'deny_markets',
  execution: 'execution',
  liveVenue: 'live_venue',
};

/** A follow option as its column stores it (market lists as JSON text). */
function columnValue(key: keyof FollowOptions, v: FollowOptions[keyof FollowOptions] | undefined): unknown {
  return key === 'allowMarkets' || key === 'denyMarkets' ? listText(v as string[] | null | undefined) : v;
}

/** Characters of enabled-window history kept per follow (about 30 windows). */
const WINDOWS_CHARS = 1000;

export interface TraderCursor {
  createdAt: number;
  id: number;
}

export class TraderRepository {
  private readonly byId;
  private readonly ownerAndVersion;
  private readonly sourceOf;
  private readonly lockRow;
  private readonly lockWatcher;
  private readonly firstPage;
  private readonly nextPage;
  private readonly updates = new Map<string, (values: Record<string, unknown>) => Query<unknown>>();
  /** PostgreSQL: concurrent toggles of manual traders grouped into one statement and commit. */
  readonly toggles: WriteBatcher<Toggle, TraderRow> | undefined;

  constructor(private readonly db: Database) {
    const k = db.kysely;
    this.byId = prepare(k, (p) => k.selectFrom('traders').selectAll().where('id', '=', p('id')));
    this.ownerAndVersion = prepare(k, (p) =>
      k.selectFrom('traders').select(['user_id', 'version']).where('id', '=', p('id')),
    );
    this.sourceOf = prepare(k, (p) => k.selectFrom('traders').select('source').where('id', '=', p('id')));
    // A page of a user's traders in creation order: the first, or the one after a cursor.
    const page = (after: boolean) =>
      prepare(k, (p) => {
        let q = k.selectFrom('traders').select(TRADER_COLUMNS).where('user_id', '=', p('userId'));
        if (after) q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(p('at'), p('id'))));
        return q.orderBy('created_at').orderBy('id').limit(p('limit'));
      });
    this.firstPage = page(false);
    this.nextPage = page(true);
    // NO KEY UPDATE, not UPDATE: it orders updates of the row, but a copy page's foreign-key checks
    // (KEY SHARE on the follow) go on, so a toggle waiting for the page's watcher row (the follows
    // generation trigger, migration 017) never waits in a cycle with it.
    this.lockRow = db.capabilities.rowLocks
      ? prepare(k, (p) => k.selectFrom('traders').select('id').where('id', '=', p('id')).forNoKeyUpdate())
      : undefined;
    this.lockWatcher = db.capabilities.rowLocks
      ? prepare(k, (p) =>
          k
            .selectFrom('copy_watchers')
            .innerJoin('traders', (j) =>
              j
                .onRef('traders.source', '=', 'copy_watchers.source')
                .onRef('traders.address', '=', 'copy_watchers.address'),
            )
            .select('copy_watchers.id')
            .where('traders.id', '=', p('id'))
            .forNoKeyUpdate('copy_watchers'),
        )
      : undefined;
    this.toggles =
      db.dialect === 'postgres'
        ? toggleBatcher<TraderRow>(
            db,
            WINDOWS_CHARS,
            (t) =>
              db.first(
                this.updateStatement(
                  ['enabled'],
                  t.version !== undefined,
                  true,
                )({
                  id: t.id,
                  userId: t.userId,
                  now: t.now,
                  enabled: t.enabled ? 1 : 0,
                  ...(t.version === undefined ? {} : { version: t.version }),
                }),
              ) as Promise<TraderRow | undefined>,
          )
        : undefined;
  }

  async insert(userId: number, t: NewTrader, now: number, ex: SqlExecutor = this.db): Promise<Trader> {
    const fo = t.followOptions;
    const q = this.db.kysely
      .insertInto('traders')
      .values({
        user_id: userId,
        name: t.name,
        source: t.source,
        address: t.address,
        enabled: t.enabled ? 1 : 0,
        enabled_since: t.enabled ? now : null,
        disabled_at: null,
        enabled_windows: t.enabled ? `${now}-` : '',
        allocation: t.allocation,
        take_profit_pct: fo.takeProfitPct,
        stop_loss_pct: fo.stopLossPct,
        trailing_stop_pct: fo.trailingStopPct,
        max_position_size: fo.maxPositionSize,
        copy_ratio: fo.copyRatio,
        copy_mode: fo.copyMode,
        fixed_amount: fo.fixedAmount,
        min_trade_size: fo.minTradeSize,
        allow_markets: listText(fo.allowMarkets) ?? null,
        deny_markets: listText(fo.denyMarkets) ?? null,
        execution: fo.execution,
        live_venue: fo.liveVenue,
        version: 1,
        created_at: now,
        updated_at: now,
      })
      .returningAll();
    return toTrader((await ex.first(compile(q))) as TraderRow);
  }

  async findById(id: number, ex: SqlExecutor = this.db): Promise<Trader | undefined> {
    const r = await ex.first(this.byId({ id }));
    return r && toTrader(r as TraderRow);
  }

  /** Whether copy watchers read this trader (its toggles must be ordered with their pages). */
  async isWatched(id: number): Promise<boolean> {
    const r = await this.db.first(this.sourceOf({ id }));
    return r !== undefined && r.source !== 'manual';
  }

  /** Locks the row for the rest of the transaction where the dialect has row locks. */
  async lock(id: number, tx: SqlExecutor): Promise<void> {
    if (this.lockRow) await tx.first(this.lockRow({ id }));
  }

  /** Owner and version of a trader, to explain why a guarded update matched nothing. */
  ownership(
    id: number,
    ex: SqlExecutor = this.db,
  ): Promise<{ user_id: number; version: number } | undefined> {
    return ex.first(this.ownerAndVersion({ id }));
  }

  /**
   * Applies `patch` if the trader belongs to `userId` (and has `expectedVersion`
   * when given; and is one no copy watcher reads, with `unwatchedOnly`).
   * Returns undefined when nothing matched.
   */
  async update(
    id: number,
    userId: number,
    patch: TraderPatch,
    now: number,
    expectedVersion: number | undefined,
    ex: SqlExecutor = this.db,
    unwatchedOnly = false,
  ): Promise<Trader | undefined> {
    const values: Record<string, unknown> = { id, userId, now };
    const columns: (keyof TradersTable)[] = [];
    const put = (col: keyof TradersTable, v: unknown) => {
      columns.push(col);
      values[col] = v;
    };
    if (patch.name !== undefined) put('name', patch.name);
    if (patch.enabled !== undefined) put('enabled', patch.enabled ? 1 : 0);
    if (patch.allocation !== undefined) put('allocation', patch.allocation);
    for (const [key, col] of Object.entries(FOLLOW_COLUMNS) as [keyof FollowOptions, keyof TradersTable][]) {
      const v = patch.followOptions?.[key];
      if (v !== undefined) put(col, columnValue(key, v));
    }
    if (expectedVersion !== undefined) values['version'] = expectedVersion;
    if (this.toggles && unwatchedOnly && ex === this.db && columns.length === 1 && columns[0] === 'enabled') {
      const row = await this.toggles.submit({
        id,
        userId,
        enabled: patch.enabled === true,
        now,
        version: expectedVersion,
      });
      return row === undefined ? undefined : toTrader(row);
    }
    // As an array: better-sqlite3 would build the 25-column row object property by property.
    const [t] = await ex.tuples(
      this.updateStatement(columns, expectedVersion !== undefined, unwatchedOnly)(values),
    );
    return t === undefined ? undefined : traderFromTuple(t);
  }

  /**
   * The UPDATE for one patch shape (which columns, guarded by version or not),
   * compiled once: a toggle binds four values instead of rebuilding SQL. Only
   * the shapes that are used are compiled. Switching copying on starts the
   * enabled window at `now` (unless it was on already); switching it off
   * closes the window at `now`. `unwatchedOnly` matches manual traders only
   * (the ones `isWatched` says no copy watcher reads).
   */
  private updateStatement(columns: (keyof TradersTable)[], guarded: boolean, unwatchedOnly: boolean) {
    const shape = `${columns.join(',')}|${guarded}|${unwatchedOnly}`;
    let stmt = this.updates.get(shape);
    if (stmt === undefined) {
      const k = this.db.kysely;
      stmt = prepare(k, (p) => {
        const set: Updateable<TradersTable> = { updated_at: p('now') };
        for (const c of columns) (set as Record<string, unknown>)[c] = p(c);
        if (columns.includes('enabled')) {
          const on = sql`${sql.ref('enabled')} = 1`;
          (set as Record<string, unknown>)['enabled_since'] =
            sql`case when ${p('enabled')} = 1 then (case when ${on} then enabled_since else ${p('now')} end) else enabled_since end`;
          (set as Record<string, unknown>)['disabled_at'] =
            sql`case when ${p('enabled')} = 1 then null when ${on} then ${p('now')} else disabled_at end`;
          // Opening a window appends "now-", closing one appends "now,"; only the most recent windows are kept.
          const nowText = sql`cast(cast(${p('now')} as bigint) as text)`;
          const appended = sql`enabled_windows || case when ${p('enabled')} = 1 then (case when ${on} then '' else ${nowText} || '-' end) else (case when ${on} then ${nowText} || ',' else '' end) end`;
          (set as Record<string, unknown>)['enabled_windows'] =
            this.db.dialect === 'postgres'
              ? sql`right(${appended}, ${sql.raw(String(WINDOWS_CHARS))})`
              : sql`substr(${appended}, -${sql.raw(String(WINDOWS_CHARS))})`;
        }
        let q = k
          .updateTable('traders')
          .set(set)
          .set((eb) => ({ version: eb('version', '+', 1) }))
          .where('id', '=', p('id'))
          .where('user_id', '=', p('userId'));
        if (guarded) q = q.where('version', '=', p('version'));
        if (unwatchedOnly) q = q.where('source', '=', 'manual');
        return q.returning(TRADER_COLUMNS);
      });
      this.updates.set(shape, stmt);
    }
    return stmt;
  }

  /**
   * Locks the watcher row of this follow's leader (PostgreSQL), before a
   * delete: a delete locks the follow as strongly as a copy page's foreign-key
   * checks conflict with, and its follows-generation trigger then needs the
   * watcher row the page holds; taking the watcher row first puts both in one order.
   */
  async lockWatcherOf(id: number, tx: SqlExecutor): Promise<void> {
    if (this.lockWatcher) await tx.all(this.lockWatcher({ id }));
  }

  async delete(id: number, userId: number, ex: SqlExecutor = this.db): Promise<boolean> {
    const q = this.db.kysely.deleteFrom('traders').where('id', '=', id).where('user_id', '=', userId);
    return (await ex.run(compile(q))) > 0;
  }

  /** A page of the user's traders in creation order, after `cursor`. */
  async list(userId: number, limit: number, cursor: TraderCursor | null): Promise<Trader[]> {
    const q =
      cursor === null
        ? this.firstPage({ userId, limit })
        : this.nextPage({ userId, at: cursor.createdAt, id: cursor.id, limit });
    return (await this.db.tuples(q)).map(traderFromTuple);
  }
}
