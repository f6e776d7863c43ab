/**
 * Paper accounts: each user's balance per venue, which copies spend from and
 * exits pay back into. Created on first use at the initial balance; a batch
 * of balances is read with one statement and written with one on PostgreSQL
 * (a round trip each), one cached statement per row on SQLite (in-process).
 */
import { sql } from 'kysely';
import type { Decimal } from '../domain/decimal.js';
import { canonicalAmount as canon } from './amounts.js';
import type { Database, Dialect, SqlExecutor } from './database.js';
import { compile, prepare } from './prepared.js';

export interface PaperAccount {
  userId: number;
  venue: string;
  balance: Decimal;
  initialBalance: Decimal;
  resetAt: number;
  updatedAt: number;
}

const BATCH_SQL: Record<Dialect, { ensure: string; read: string }> = {
  sqlite: {
    read: `select user_id, balance from paper_accounts
      where venue = ? and user_id in (select value from json_each(?))`,
    ensure: `insert into paper_accounts (user_id, venue, balance, initial_balance, reset_at, updated_at)
      select value, ?, ?, ?, ?, ? from json_each(?) where true
      on conflict (user_id, venue) do nothing`,
  },
  postgres: {
    read: `select user_id, balance from paper_accounts
      where venue = $1 and user_id in (select jsonb_array_elements_text($2::jsonb)::bigint)`,
    ensure: `insert into paper_accounts (user_id, venue, balance, initial_balance, reset_at, updated_at)
      select x::bigint, $1, $2, $3, $4, $5 from jsonb_array_elements_text($6::jsonb) as x
      on conflict (user_id, venue) do nothing`,
  },
};

/** Balance changes on PostgreSQL: one statement over a JSON batch (one round trip). */
const ADD_BATCH_PG = `update paper_accounts as a set balance = a.balance + j.d, updated_at = $1
  from jsonb_to_recordset($2::jsonb) as j(u bigint, d numeric)
  where a.user_id = j.u and a.venue = $3`;

/** A balance saved on SQLite: one cached statement per row beats unpacking JSON in-process. */
const SAVE_ROW_SQLITE =
  'update paper_accounts set balance = ?, updated_at = ? where user_id = ? and venue = ?';

const toAccount = (r: {
  user_id: number;
  venue: string;
  balance: string;
  initial_balance: string;
  reset_at: number;
  updated_at: number;
}): PaperAccount => ({
  userId: Number(r.user_id),
  venue: r.venue,
  balance: canon(r.balance),
  initialBalance: canon(r.initial_balance),
  resetAt: Number(r.reset_at),
  updatedAt: Number(r.updated_at),
});

export class PaperAccountRepository {
  private readonly creditQuery;

  constructor(
    private readonly db: Database,
    /** Balance of a new account. */
    private readonly initial: Decimal,
  ) {
    const k = db.kysely;
    this.creditQuery = prepare(k, (p) =>
      k
        .updateTable('paper_accounts')
        .set({ balance: sql`dec_add(balance, ${p('amount')})`, updated_at: p('now') })
        .where('user_id', '=', p('userId'))
        .where('venue', '=', p('venue')),
    );
  }

  /** Balances of these users on `venue`, creating missing accounts at the initial balance. */
  async balances(
    userIds: readonly number[],
    venue: string,
    now: number,
    ex: SqlExecutor,
  ): Promise<Map<number, Decimal>> {
    if (userIds.length === 0) return new Map();
    const ids = JSON.stringify(userIds);
    const ensure = BATCH_SQL[this.db.dialect].ensure;
    await ex.run({ sql: ensure, parameters: [venue, this.initial, this.initial, now, now, ids] });
    // One prepared statement for any number of users (an IN list would be a new statement per count).
    const rows = await ex.tuples({ sql: BATCH_SQL[this.db.dialect].read, parameters: [venue, ids] });
    return new Map(rows.map((r) => [Number(r[0]), canon(r[1])]));
  }

  /**
   * Saves balances a transaction read and changed: `balance` is what it read
   * plus `change`. On PostgreSQL the change is added to the balance as it is
   * when the statement runs: an exit paying into the account (`credit`) can
   * commit between the read and this write, and writing `balance` over it
   * lost that payment (found by `test/copytrading/copy-fees.test.ts`: ~50 of
   * 100,000 gone within seconds). On SQLite the transactions of the one
   * writer connection never interleave, so `balance` is written as it is (a
   * plain value, cheaper than a decimal function per row).
   */
  async saveBalances(
    rows: readonly { userId: number; balance: Decimal; change: Decimal }[],
    venue: string,
    now: number,
    tx: SqlExecutor,
  ): Promise<void> {
    if (rows.length === 0) return;
    if (this.db.dialect === 'sqlite') {
      await tx.runEach(
        SAVE_ROW_SQLITE,
        rows.map((r) => [r.balance, now, r.userId, venue]),
      );
      return;
    }
    const batch = JSON.stringify(rows.map((r) => ({ u: r.userId, d: r.change })));
    await tx.run({ sql: ADD_BATCH_PG, parameters: [now, batch, venue] });
  }

  /** Adds `amount` (signed) to an account that exists. */
  async credit(userId: number, venue: string, amount: Decimal, now: number, tx: SqlExecutor): Promise<void> {
    await tx.run(this.creditQuery({ userId, venue, amount, now }));
  }

  async get(userId: number, venue: string, now: number): Promise<PaperAccount> {
    await this.db.transaction((tx) => this.balances([userId], venue, now, tx));
    const q = this.db.kysely
      .selectFrom('paper_accounts')
      .selectAll()
      .where('user_id', '=', userId)
      .where('venue', '=', venue);
    return toAccount((await this.db.first(compile(q)))!);
  }

  /** Every account of a user. */
  async list(userId: number): Promise<PaperAccount[]> {
    const q = this.db.kysely
      .selectFrom('paper_accounts')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('venue');
    return (await this.db.all(compile(q))).map(toAccount);
  }

  /** Sets the balance back to `balance` (the initial one unless given). */
  async reset(userId: number, venue: string, balance: Decimal, now: number): Promise<PaperAccount> {
    await this.db.transaction(async (tx) => {
      await this.balances([userId], venue, now, tx);
      await tx.run(
        compile(
          this.db.kysely
            .updateTable('paper_accounts')
            .set({ balance, initial_balance: balance, reset_at: now, updated_at: now })
            .where('user_id', '=', userId)
            .where('venue', '=', venue),
        ),
      );
    });
    return this.get(userId, venue, now);
  }
}
