/**
 * Shows any JSON summary readably: objects as labelled sections or a
 * key/value list, arrays of objects as tables (nested values flattened to
 * `a.b` columns), long or multi-line text (query plans) folded in <details>.
 * Used for the observability summaries, whose fields grow over time.
 */
import { labelOf, withUnit } from './units';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isObject = (v: unknown): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const label = labelOf;

/** `{a: {p50: 1}}` -> `{'a.p50': 1}`, arrays of scalars joined. */
function flatten(v: Record<string, Json>, prefix = '', out: Record<string, Json> = {}): Record<string, Json> {
  for (const [k, x] of Object.entries(v)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isObject(x)) flatten(x, key, out);
    else out[key] = x;
  }
  return out;
}

/** A value; `name` (its field's key) picks the unit of a number (MiB, ms, s, %). */
export function Scalar({ value, name = '' }: { value: Json | undefined; name?: string }) {
  if (value === null || value === undefined) return <>—</>;
  if (typeof value === 'number') return <>{withUnit(name, value)}</>;
  if (typeof value === 'boolean') return <>{value ? 'yes' : 'no'}</>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <>none</>;
    if (value.every((x) => !isObject(x) && !Array.isArray(x))) return <>{value.join(', ')}</>;
    return <JsonView value={value} />;
  }
  if (isObject(value)) return <JsonView value={value} />;
  if (value.length > 80 || value.includes('\n')) {
    return (
      <details>
        <summary>{value.slice(0, 60)}…</summary>
        <pre>{value}</pre>
      </details>
    );
  }
  return <>{value}</>;
}

function Table({ rows }: { rows: Record<string, Json>[] }) {
  const flat = rows.map((r) => flatten(r));
  const cols = [...new Set(flat.flatMap((r) => Object.keys(r)))];
  return (
    <div class="table-scroll">
      <table class="data-table">
        <thead>
          <tr>
            {cols.map((c) => (
              <th scope="col" key={c}>
                {label(c)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {flat.map((r, i) => (
            <tr key={i}>
              {cols.map((c) => (
                <td key={c} class={typeof r[c] === 'number' ? 'num' : undefined}>
                  <Scalar value={r[c]} name={c} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** `name`: the key path above this value, so nested figures keep their unit (`tickToFlushMs.p50` is ms). */
export function JsonView({ value, name = '' }: { value: unknown; name?: string }) {
  const path = (k: string) => (name ? `${name}.${k}` : k);
  const v = value as Json;
  if (Array.isArray(v)) {
    if (v.length === 0) return <p class="hint">none</p>;
    if (v.every(isObject)) return <Table rows={v} />;
    return <Scalar value={v} name={name} />;
  }
  if (!isObject(v)) return <Scalar value={v} name={name} />;
  const entries = Object.entries(v);
  const simple = entries.filter(([, x]) => !isObject(x) && !(Array.isArray(x) && x.some(isObject)));
  const nested = entries.filter(([, x]) => isObject(x) || (Array.isArray(x) && x.some(isObject)));
  return (
    <div class="data-view">
      {simple.length > 0 && (
        <dl class="kv">
          {simple.map(([k, x]) => (
            <div key={k}>
              <dt>{label(k)}</dt>
              <dd>
                <Scalar value={x} name={path(k)} />
              </dd>
            </div>
          ))}
        </dl>
      )}
      {nested.map(([k, x]) => (
        <section key={k} class="data-section">
          <h4>{label(k)}</h4>
          <JsonView value={x} name={path(k)} />
        </section>
      ))}
    </div>
  );
}
