/**
 * Plain JSON Schema builders for request validation (Ajv) and response
 * serialisation (fast-json-stringify), each typed with the value it accepts,
 * so a route's `req.body` is the schema's type (see `type-provider.ts`) and a
 * schema and its type cannot drift apart. We used TypeBox for this, but
 * loading it cost 11 MiB of resident memory, about a tenth of the service's
 * budget; these builders keep its call shapes and the part of its inference
 * we use.
 *
 * @example
 * const Body = Type.Object({ name: Type.String({ maxLength: 100 }), note: Type.Optional(Type.String()) },
 *   { additionalProperties: false });
 * // { type: 'object', properties: {...}, required: ['name'], additionalProperties: false }
 * type BodyT = Static<typeof Body>; // { name: string; note?: string }
 */

export type Schema = { readonly [key: string]: unknown };
type Options = Record<string, unknown>;

declare const STATIC: unique symbol;
declare const OPTIONAL_TYPE: unique symbol;

/** A JSON schema that accepts values of type `T` (the type exists only for the compiler). */
export type TSchema<T = unknown> = Schema & { readonly [STATIC]: T };
/** A property schema of `Type.Object` that may be left out. */
export type TOptional<T = unknown> = TSchema<T> & { readonly [OPTIONAL_TYPE]: true };

/** The type of the values `S` accepts. */
export type Static<S> = S extends TSchema<infer T> ? T : unknown;

type Properties = Record<string, TSchema>;
type OptionalKeys<P extends Properties> = {
  [K in keyof P]: P[K] extends TOptional ? K : never;
}[keyof P];
type Flatten<T> = { [K in keyof T]: T[K] } & {};
type ObjectOf<P extends Properties> = Flatten<
  { -readonly [K in Exclude<keyof P, OptionalKeys<P>>]: Static<P[K]> } & {
    -readonly [K in OptionalKeys<P>]?: Static<P[K]>;
  }
>;

const OPTIONAL = Symbol('optional');
/** Where `Type.Documented` keeps the shape it documents (enumerable, so spreads such as `Type.Optional` keep it). */
const SHAPE = Symbol('documented shape');
const isOptional = (s: Schema): boolean => (s as { [OPTIONAL]?: true })[OPTIONAL] === true;

/** Gives a plain schema object the type it accepts; the one place a schema gets its type. */
const typed = <T>(s: Schema): TSchema<T> => s as TSchema<T>;

function documented<T>(shape: TSchema<T>): TSchema<T>;
function documented<E>(shape: TSchema, enforced: TSchema<E>): TSchema<E>;
function documented(shape: TSchema, enforced: Schema = {}): TSchema {
  return typed({ ...enforced, [SHAPE]: shape });
}

export const Type = {
  String: (o: Options = {}): TSchema<string> => typed({ type: 'string', ...o }),
  /** A string that is one of `values`. */
  Enum: <const V extends readonly string[]>(values: V, o: Options = {}): TSchema<V[number]> =>
    typed({ type: 'string', enum: values, ...o }),
  Integer: (o: Options = {}): TSchema<number> => typed({ type: 'integer', ...o }),
  Number: (o: Options = {}): TSchema<number> => typed({ type: 'number', ...o }),
  Boolean: (o: Options = {}): TSchema<boolean> => typed({ type: 'boolean', ...o }),
  Null: (o: Options = {}): TSchema<null> => typed({ type: 'null', ...o }),
  /** No body (a 204): documents the answer; nothing is serialised. */
  NoBody: (o: Options = {}): TSchema<void> => typed({ type: 'null', ...o }),
  /** Any JSON value (documented, not checked). */
  Unknown: (o: Options = {}): TSchema<unknown> => typed({ ...o }),
  Literal: <const V extends string | number | boolean>(value: V): TSchema<V> => typed({ const: value }),
  Array: <T>(items: TSchema<T>, o: Options = {}): TSchema<T[]> => typed({ type: 'array', items, ...o }),
  Union: <S extends readonly TSchema[]>(anyOf: S, o: Options = {}): TSchema<Static<S[number]>> =>
    typed({ anyOf, ...o }),
  /**
   * `s` or null, as a type list rather than `anyOf`: fast-json-stringify
   * serialises a type list directly, while `anyOf` costs a schema check per
   * value on every response.
   */
  Nullable: <T>(s: TSchema<T>): TSchema<T | null> => typed({ ...s, type: [s['type'], 'null'] }),
  /** Marks a property of `Type.Object` as not required. */
  Optional: <T>(s: TSchema<T>): TOptional<T> =>
    Object.defineProperty({ ...s }, OPTIONAL, { value: true, enumerable: false }) as TOptional<T>,
  /** Any JSON object: its fields are checked by whoever reads them. */
  AnyObject: (o: Options = {}): TSchema<Record<string, unknown>> =>
    typed({ type: 'object', additionalProperties: true, ...o }),
  /** An object whose keys are not known in advance, every value of type `T` (e.g. timings per stage). */
  Record: <T>(values: TSchema<T>, o: Options = {}): TSchema<Record<string, T>> =>
    typed({ type: 'object', additionalProperties: values, ...o }),
  /**
   * Documented at /openapi.json as `shape`, but not applied: Ajv checks only
   * `enforced` (by default nothing), the serialiser writes the value with
   * JSON.stringify. For requests a domain parser checks field by field (it
   * names every problem in words Ajv would not find), for stored answers sent
   * as they were stored (a job's result: a serialiser schema would drop a
   * field it does not list, or fail a result older than the schema), and for
   * reports gathered from many modules. Its type is what the server may rely
   * on: `enforced`'s when given, else `shape`'s (then the compiler checks a
   * handler's answer against it). test/api/openapi.test.ts checks real
   * answers against the shape.
   */
  Documented: documented,
  /** An object; properties not wrapped in `Type.Optional` are required. */
  Object<P extends Properties>(properties: P, o: Options = {}): TSchema<ObjectOf<P>> {
    const required = Object.keys(properties).filter((k) => !isOptional(properties[k]!));
    return typed({ type: 'object', properties, ...(required.length > 0 ? { required } : {}), ...o });
  },
};

/**
 * `s` as /openapi.json shows it: a copy with each `Type.Documented` part
 * replaced by its shape, and each schema of `named` by a reference to the
 * component of that name.
 */
export function documentedShape(s: unknown, named: ReadonlyMap<unknown, string> = new Map()): unknown {
  if (Array.isArray(s)) return s.map((x) => documentedShape(x, named));
  if (typeof s !== 'object' || s === null) return s;
  const id = named.get(s);
  if (id !== undefined) return { $ref: `${id}#` };
  const shape = (s as { [SHAPE]?: Schema })[SHAPE];
  if (shape) return documentedShape(shape, named);
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, documentedShape(v, named)]));
}
