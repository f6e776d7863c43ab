/**
 * Queries compiled once and bound many times. Build the query with Kysely,
 * using `p('name')` where a value goes; the SQL is compiled once at start-up
 * and each call only binds values, so the hot path never re-builds SQL.
 *
 * @example
 * const byId = prepare(db.kysely, (p) =>
 *   db.kysely.selectFrom('orders').selectAll().where('id', '=', p('id')));
 * const row = await db.first(byId({ id: 42 }));
 */
import type { Compilable, Kysely } from 'kysely';
import type { Query } from './database.js';
import type { DB } from './schema.js';

class Placeholder {
  constructor(readonly name: string) {}
}

export type ParamFn = (name: string) => never;
type RowOf<C> = C extends Compilable<infer R> ? R : never;

export function prepare<C extends Compilable<unknown>>(
  _kysely: Kysely<DB>,
  build: (p: ParamFn) => C,
): (values: Record<string, unknown>) => Query<RowOf<C>> {
  const compiled = build((name: string) => new Placeholder(name) as never).compile();
  const { sql } = compiled;
  const slots = compiled.parameters.map((v) => (v instanceof Placeholder ? v.name : { constant: v }));
  return (values) => {
    const parameters = new Array<unknown>(slots.length);
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      if (typeof slot === 'string') {
        const v = values[slot];
        if (v === undefined) throw new Error(`prepared query is missing parameter "${slot}": ${sql}`);
        parameters[i] = v;
      } else {
        parameters[i] = slot.constant;
      }
    }
    return { sql, parameters };
  };
}

/** Runs a one-off Kysely query through the executor (for dynamic filters). */
export function compile<C extends Compilable<unknown>>(q: C): Query<RowOf<C>> {
  const { sql, parameters } = q.compile();
  return { sql, parameters };
}
