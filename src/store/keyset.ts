/**
 * The one keyset condition of the newest-first lists: rows strictly after the
 * (created_at, id) position bound as `createdAt` and `id` (see `PageAfter`).
 */
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { ParamFn } from './prepared.js';
import type { DB } from './schema.js';

type Listed = 'pipeline_decisions' | 'pipeline_orders' | 'pipeline_model_calls';

export const afterKeyset =
  (p: ParamFn) =>
  (eb: ExpressionBuilder<DB, Listed>): Expression<SqlBool> =>
    eb.or([
      eb('created_at', '<', p('createdAt')),
      eb.and([eb('created_at', '=', p('createdAt')), eb('id', '<', p('id'))]),
    ]);
