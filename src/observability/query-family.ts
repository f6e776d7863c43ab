/**
 * Groups SQL into query families: the statement's verb and main table
 * (`select orders`, `update traders`, `insert positions`). Parameters are
 * already separate from the SQL text, so one family covers every value; the
 * number of families is bounded by tables x verbs.
 */

const VERB = /^\s*(?:\/\*.*?\*\/\s*)?(\w+)/s;
const TABLE = /\b(?:from|into|update|table)\s+(?:only\s+)?"?([A-Za-z_][\w.]*)"?/i;

/**
 * The family of one statement.
 *
 * @example
 * queryFamily('select "id" from "orders" where "user_id" = ?') // 'select orders'
 */
export function queryFamily(sql: string): string {
  const verb = (VERB.exec(sql)?.[1] ?? 'other').toLowerCase();
  // A CTE's main statement is what follows it; name the first table it reads anyway.
  const table = TABLE.exec(sql)?.[1]?.toLowerCase();
  return table === undefined ? verb : `${verb} ${table}`;
}
