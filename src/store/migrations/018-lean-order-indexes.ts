/**
 * Every order row is written once per copy (a thousand for one leader trade
 * followed a thousand times) and each index is one more B-tree to insert
 * into and to log. Three of the orders indexes served no query the service
 * runs: `orders_pair_idx` is the first column of `orders_pair_status_idx`,
 * and nothing lists orders by status or by time across users (every order
 * query is one user's, on `orders_user_created_idx`, or by pair and status,
 * on `orders_pair_status_idx`; PostgreSQL used to pick `orders_created_idx`
 * for the filtered join and now takes the exact range of the composite).
 */
import { type Kysely, type Migration, sql } from 'kysely';

export function leanOrderIndexes(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const name of ['orders_pair_idx', 'orders_status_idx', 'orders_created_idx']) {
        await sql`drop index if exists ${sql.id(name)}`.execute(db);
      }
    },
  };
}
