/**
 * Trading pairs by symbol. Pairs are immutable once created, so their ids are
 * remembered in memory after the first lookup; unknown symbols are created on
 * first use (an order on a new pair registers it).
 */
import type { Database, SqlExecutor } from './database.js';
import { prepare } from './prepared.js';

export class TradingPairRepository {
  private readonly ids = new Map<string, number>();
  private readonly upsert;
  private readonly bySymbol;

  constructor(private readonly db: Database) {
    const k = db.kysely;
    this.upsert = prepare(k, (p) =>
      k
        .insertInto('trading_pairs')
        .values({ symbol: p('symbol'), base: p('base'), quote: p('quote'), created_at: p('now') })
        .onConflict((oc) => oc.column('symbol').doNothing()),
    );
    this.bySymbol = prepare(k, (p) =>
      k.selectFrom('trading_pairs').select(['id']).where('symbol', '=', p('symbol')),
    );
  }

  /** Ids for `symbols`, creating missing pairs inside the caller's transaction. */
  async ensure(symbols: Iterable<string>, ex: SqlExecutor, now: number): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const symbol of symbols) {
      let id = this.ids.get(symbol);
      if (id === undefined) {
        const [base = '', quote = ''] = symbol.split('/');
        await ex.run(this.upsert({ symbol, base, quote, now }));
        id = (await ex.first(this.bySymbol({ symbol })))!.id;
        // If the caller's transaction rolls back, it must call forget() for these symbols.
        this.remember(symbol, id);
      }
      out.set(symbol, id);
    }
    return out;
  }

  /** Id of an existing pair, or undefined (never creates). */
  async idOf(symbol: string): Promise<number | undefined> {
    const known = this.ids.get(symbol);
    if (known !== undefined) return known;
    const row = await this.db.first(this.bySymbol({ symbol }));
    if (row) this.remember(symbol, row.id);
    return row?.id;
  }

  /** Drops remembered ids (after a rolled-back transaction that may have created them). */
  forget(symbols: Iterable<string>): void {
    for (const s of symbols) this.ids.delete(s);
  }

  private remember(symbol: string, id: number): void {
    this.ids.set(symbol, id);
  }
}
